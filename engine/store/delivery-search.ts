/**
 * The one page query of delivery history and search, for both stores (`?` placeholders; the
 * PostgreSQL store numbers them). Pages read newest first by `seq` and go on from a cursor (`seq`
 * past the last row), so a page costs about a page of index entries whatever the table's size:
 * every filter has an index in `seq` order (sqlite-migrations.ts version 9, pg-migrations.ts
 * version 5), and the EXPLAIN checks in test/unit/store/delivery-search-plans.test.ts hold each
 * filter to its index.
 */
import { createWhere } from './sql-where.js';
import type { DeliveryStatus } from './records.js';
import type { DeliveryQuery } from './types.js';

/**
 * Every status but `succeeded`: open (pending, in flight, retrying) or given up (failed, expired).
 * The `undelivered` filter of the API.
 */
export const UNDELIVERED_STATUSES: readonly DeliveryStatus[] = [
  'pending',
  'in_flight',
  'retrying',
  'failed',
  'expired',
];

/**
 * The partial indexes' own condition, as a literal: a planner uses a partial index only for a
 * query whose condition implies the index's, and SQLite proves that only for the identical text.
 * `length(status) > 0` is always true; it is there so that no claim statement implies the
 * condition: PostgreSQL would otherwise read these indexes, which hold every failed row too, for
 * an endpoint's open line (test/unit/store/hot-path-plans.test.ts). A planner proves nothing about
 * a function's result, and neither store simplifies it away (as they may `x IS NOT NULL`).
 */
const UNDELIVERED_SQL = `status IN (${UNDELIVERED_STATUSES.map((s) => `'${s}'`).join(', ')}) AND length(status) > 0`;

/** `SELECT columns FROM deliveries` with the query's filters, cursor, order and page. */
export function deliveryPageSql(query: DeliveryQuery, columns: string): { sql: string; params: unknown[] } {
  const where = createWhere();
  if (query.subscriptionId !== undefined) where.add('subscription_id = ?', query.subscriptionId);
  // A key scoped to an organization sees only the deliveries of that organization's webhooks.
  if (query.workspace !== undefined)
    where.add('subscription_id IN (SELECT id FROM subscriptions WHERE workspace = ?)', query.workspace);
  if (query.eventId !== undefined) where.add('event_id = ?', query.eventId);
  if (query.eventType !== undefined) where.add('event_type = ?', query.eventType);
  addStatuses(where, query.statuses);
  if (query.sinceMs !== undefined) where.add('created_at >= ?', query.sinceMs);
  if (query.untilMs !== undefined) where.add('created_at <= ?', query.untilMs);
  const ascending = query.order === 'asc';
  if (query.cursorSeq !== undefined) where.add(ascending ? 'seq > ?' : 'seq < ?', query.cursorSeq);
  return {
    sql: `SELECT ${columns} FROM deliveries ${where.sql} ORDER BY seq ${ascending ? 'ASC' : 'DESC'} LIMIT ? OFFSET ?`,
    params: [...where.params, query.limit ?? 50, query.offset ?? 0],
  };
}

function addStatuses(where: ReturnType<typeof createWhere>, statuses: readonly DeliveryStatus[] | undefined): void {
  if (!statuses?.length) return;
  const wanted = [...new Set(statuses)];
  const undelivered = wanted.every((s) => UNDELIVERED_STATUSES.includes(s));
  // Undelivered ones read the partial index of those rows (few, in a healthy system), not the history.
  if (undelivered) where.add(UNDELIVERED_SQL);
  if (!undelivered || wanted.length < UNDELIVERED_STATUSES.length)
    where.add(`status IN (${wanted.map(() => '?').join(', ')})`, ...wanted);
}
