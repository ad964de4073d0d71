/**
 * History retention and erasure on the embedded store. The one connection is the main thread's, so
 * each purge call is one short transaction over at most `batchRows` rows, each read through a partial
 * index of closed rows (a batch reads what it deletes, never the open backlog or the whole history);
 * the cleaner yields the thread between calls.
 */
import type Database from 'better-sqlite3';
import { toEvent, type Row } from './rows.js';
import type { ErasureResult, PurgeResult } from './types.js';

const OPEN = "('pending', 'in_flight', 'retrying')";

/** Why an open delivery of an erased event was closed (its `last_error`). */
export const ERASED_ERROR = 'content erased';

/** Every statement of the cleaner and of erasure; the store tests ask SQLite's planner about them. */
export const HISTORY_SQL = {
  /** Closed deliveries, oldest first (deliveries_finished). */
  purgeDeliveries: `DELETE FROM deliveries WHERE seq IN (SELECT seq FROM deliveries INDEXED BY deliveries_finished
    WHERE status IN ('succeeded', 'failed', 'expired') AND COALESCE(completed_at, updated_at) < ? LIMIT ?)
    RETURNING id`,
  purgeAttempts: `DELETE FROM attempts WHERE delivery_id = ?`,
  /** Events the fan-out has passed that no open delivery needs, oldest first (events_by_time). */
  purgeEvents: `DELETE FROM events WHERE seq IN (SELECT seq FROM events INDEXED BY events_by_time
    WHERE timestamp < ? AND seq <= (SELECT event_seq FROM fanout_cursor WHERE id = 1)
      AND NOT EXISTS (SELECT 1 FROM deliveries INDEXED BY deliveries_by_event
        WHERE event_id = events.id AND status IN ${OPEN})
    LIMIT ?)`,
  /** Finished executions, oldest first (executions_finished). */
  purgeExecutions: `DELETE FROM executions WHERE id IN (SELECT id FROM executions INDEXED BY executions_finished
    WHERE status IN ('succeeded', 'failed', 'stopped') AND COALESCE(finished_at, created_at) < ? LIMIT ?)`,
  closeOpen: `UPDATE deliveries INDEXED BY deliveries_by_event SET status = 'failed', last_error = '${ERASED_ERROR}',
    completed_at = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
    WHERE event_id = ? AND status IN ${OPEN}`,
  /** Payloads emptied; a closed row keeps its times (they are its history, and the stats read them). */
  eraseDeliveries: `UPDATE deliveries INDEXED BY deliveries_by_event SET payload = '', erased = 1 WHERE event_id = ?`,
  clearAttempts: `UPDATE attempts SET response_excerpt = NULL
    WHERE delivery_id IN (SELECT id FROM deliveries INDEXED BY deliveries_by_event WHERE event_id = ?)`,
  eraseEvent: `UPDATE events SET data = 'null', metadata = NULL, erased_at = COALESCE(erased_at, ?) WHERE id = ?`,
  getEvent: 'SELECT * FROM events WHERE id = ?',
} as const;

export interface SqliteHistory {
  purge(beforeMs: number, batchRows: number): PurgeResult;
  erase(id: string, nowMs: number): ErasureResult | null;
  reclaimSpace(maxPages: number): number;
}

export function createSqliteHistory(db: Database.Database): SqliteHistory {
  const stmt = Object.fromEntries(Object.entries(HISTORY_SQL).map(([name, sql]) => [name, db.prepare(sql)])) as Record<
    keyof typeof HISTORY_SQL,
    Database.Statement
  >;

  const purge = db.transaction((beforeMs: number, batchRows: number): PurgeResult => {
    const result: PurgeResult = { deliveries: 0, attempts: 0, events: 0, executions: 0, more: false };
    const ids = stmt.purgeDeliveries.pluck().all(beforeMs, batchRows) as string[];
    for (const id of ids) result.attempts += stmt.purgeAttempts.run(id).changes;
    result.deliveries = ids.length;
    // One budget for the three tables: a batch is at most `batchRows` rows (and those deliveries' attempts).
    let budget = batchRows - result.deliveries;
    const before = new Date(beforeMs).toISOString();
    if (budget > 0) result.events = stmt.purgeEvents.run(before, budget).changes;
    budget -= result.events;
    if (budget > 0) result.executions = stmt.purgeExecutions.run(before, budget).changes;
    result.more = budget - result.executions <= 0;
    return result;
  });

  const erase = db.transaction((id: string, nowMs: number): ErasureResult | null => {
    const closed = stmt.closeOpen.run(nowMs, nowMs, id).changes;
    const deliveries = stmt.eraseDeliveries.run(id).changes;
    const attempts = stmt.clearAttempts.run(id).changes;
    stmt.eraseEvent.run(new Date(nowMs).toISOString(), id);
    const row = stmt.getEvent.get(id) as Row | undefined;
    if (!row && deliveries === 0) return null;
    return { event: row ? toEvent(row) : null, deliveries, closed, attempts };
  });

  return {
    // IMMEDIATE: both read then write; taking the write lock first avoids a failed upgrade.
    purge: (beforeMs, batchRows) => purge.immediate(beforeMs, batchRows),
    erase: (id, nowMs) => erase.immediate(id, nowMs),
    reclaimSpace(maxPages) {
      // Only a file made with incremental auto-vacuum can give pages back; any other reuses them.
      if (db.pragma('auto_vacuum', { simple: true }) !== 2) return 0;
      const free = (): number => Number(db.pragma('freelist_count', { simple: true }));
      const before = free();
      if (before === 0) return 0;
      db.pragma(`incremental_vacuum(${Math.max(1, Math.floor(maxPages))})`);
      return before - free();
    },
  };
}
