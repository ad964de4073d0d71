/**
 * The read side of the SQLite outbox: delivery history, the seed's log rows, counts and
 * response-time figures, and manual requeue. Every figure is computed by SQLite over an index
 * (see the `EXPLAIN QUERY PLAN` checks in the store tests); nothing here reads a window of rows
 * into memory to count it.
 */
import type Database from 'better-sqlite3';
import type { DeliveryRecord } from './records.js';
import { deliveryPageSql } from './delivery-search.js';
import { toAttempt, toLogRow, toAttemptStats, toDelivery, toDeliveryCounts, type Row } from './rows.js';
import type { AttemptStats, DeliveryCounts, DeliveryLog, DeliveryQuery } from './types.js';

/** Counts per subscription in one grouped query (the by-subscription index serves the IN list). */
const DELIVERY_COUNTS_SQL = (count: number): string => `SELECT subscription_id, COUNT(*) AS total,
  SUM(status = 'succeeded') AS succeeded, SUM(status IN ('failed', 'expired')) AS failed,
  SUM(status IN ('pending', 'retrying', 'in_flight')) AS pending,
  MAX(CASE WHEN attempt_count > 0 THEN updated_at END) AS last
  FROM deliveries WHERE subscription_id IN (${Array(count).fill('?').join(', ')}) GROUP BY subscription_id`;

/**
 * Attempts of one subscription in a window: count, successes, maximum, and nearest-rank
 * percentiles (index `floor(p·n)` of the sorted times, as the API has always reported them),
 * ranked by a window function so only the aggregate row leaves SQLite. Driven by the window
 * (`attempts_by_time`), so the work is bounded by the attempts in it: left to itself the planner
 * walks the webhook's whole delivery history, which is never purged.
 */
const ATTEMPT_STATS_SQL = `WITH w AS (
    SELECT COALESCE(a.response_time_ms, 0) AS rt,
      (a.error_code IS NULL AND a.status_code IS NOT NULL AND a.status_code < 300) AS ok
    FROM attempts a INDEXED BY attempts_by_time JOIN deliveries d ON d.id = a.delivery_id
    WHERE d.subscription_id = ? AND a.started_at >= ? AND a.started_at <= ?
  ), ranked AS (
    SELECT rt, ok, ROW_NUMBER() OVER (ORDER BY rt) - 1 AS i, COUNT(*) OVER () AS n FROM w
  )
  SELECT COUNT(*) AS attempts, COALESCE(SUM(ok), 0) AS successful, MAX(rt) AS max,
    MAX(CASE WHEN i = MIN(n - 1, CAST(0.5 * n AS INTEGER)) THEN rt END) AS p50,
    MAX(CASE WHEN i = MIN(n - 1, CAST(0.95 * n AS INTEGER)) THEN rt END) AS p95
  FROM ranked`;

/** The latest attempt's figures ride along with each row (attempts_by_delivery): one query per page. */
const LAST_ATTEMPT_SQL = [
  ['COALESCE(a.response_time_ms, 0)', 'last_response_time_ms'],
  ['a.request_headers', 'last_request_headers'],
  ['a.response_headers', 'last_response_headers'],
]
  .map(
    ([value, name]) => `(SELECT ${value} FROM attempts a
  WHERE a.delivery_id = deliveries.id ORDER BY a.attempt_no DESC LIMIT 1) AS ${name}`,
  )
  .join(', ');

/** Event ids with a delivery to one subscription that succeeded or is still open, found by event (deliveries_by_event). */
const DELIVERED_OR_OPEN_SQL = (count: number): string => `SELECT DISTINCT event_id FROM deliveries
  INDEXED BY deliveries_by_event WHERE event_id IN (${Array(count).fill('?').join(', ')}) AND subscription_id = ?
  AND status IN ('succeeded', 'pending', 'in_flight', 'retrying')`;

/** The statements behind the log, for the query-plan checks in the store tests. */
export const DELIVERY_LOG_SQL = {
  attemptStats: ATTEMPT_STATS_SQL,
  deliveryCounts: DELIVERY_COUNTS_SQL,
  deliveredOrOpen: DELIVERED_OR_OPEN_SQL,
  logPage: (query: DeliveryQuery) => deliveryPageSql(query, `*, ${LAST_ATTEMPT_SQL}`),
  page: (query: DeliveryQuery) => deliveryPageSql(query, '*'),
} as const;

export function createSqliteDeliveryLog(db: Database.Database): DeliveryLog {
  const stmt = {
    get: db.prepare('SELECT * FROM deliveries WHERE id = ?'),
    attempts: db.prepare('SELECT * FROM attempts WHERE delivery_id = ? ORDER BY attempt_no'),
    requeue: db.prepare(
      `UPDATE deliveries SET status = ?, next_attempt_at = ?, expires_at = MAX(expires_at, ?), completed_at = NULL,
        updated_at = ? WHERE id = ?`,
    ),
    attemptStats: db.prepare(ATTEMPT_STATS_SQL),
  };

  const select = ({ sql, params }: { sql: string; params: unknown[] }): Row[] =>
    db.prepare(sql).all(...params) as Row[];

  const requeue = db.transaction((id: string, nowMs: number, expiresAtMs: number): DeliveryRecord | null => {
    const row = stmt.get.get(id) as Row | undefined;
    if (!row || row.status === 'in_flight') return row ? toDelivery(row) : null;
    const status = row.status === 'pending' ? 'pending' : 'retrying';
    stmt.requeue.run(status, nowMs, expiresAtMs, nowMs, id);
    return toDelivery(stmt.get.get(id) as Row);
  });

  return {
    async getDelivery(id) {
      const row = stmt.get.get(id) as Row | undefined;
      return row ? toDelivery(row) : null;
    },
    async listDeliveries(query) {
      return select(DELIVERY_LOG_SQL.page(query)).map(toDelivery);
    },
    async listAttempts(deliveryId) {
      return (stmt.attempts.all(deliveryId) as Row[]).map(toAttempt);
    },
    async listLog(query) {
      return select(DELIVERY_LOG_SQL.logPage(query)).map(toLogRow);
    },
    async requeue(id, nowMs, expiresAtMs) {
      return requeue(id, nowMs, expiresAtMs);
    },
    async deliveryStats(subscriptionIds) {
      const stats = new Map<string, DeliveryCounts>();
      const rows = subscriptionIds.length
        ? (db.prepare(DELIVERY_COUNTS_SQL(subscriptionIds.length)).all(...subscriptionIds) as Row[])
        : [];
      const byId = new Map(rows.map((row) => [String(row.subscription_id), row]));
      for (const id of subscriptionIds) {
        const row = byId.get(id);
        stats.set(id, toDeliveryCounts(row));
      }
      return stats;
    },
    async attemptStats(subscriptionId, sinceMs, untilMs): Promise<AttemptStats> {
      const row = stmt.attemptStats.get(subscriptionId, sinceMs, untilMs) as Row;
      return toAttemptStats(row);
    },
    async deliveredOrOpenEventIds(subscriptionId, eventIds) {
      if (eventIds.length === 0) return new Set();
      const rows = db
        .prepare(DELIVERED_OR_OPEN_SQL(eventIds.length))
        .pluck()
        .all(...eventIds, subscriptionId) as string[];
      return new Set(rows);
    },
  };
}
