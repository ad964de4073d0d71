/**
 * Parked executions in SQLite (the Wait node): a row per execution beside it, written with its status
 * in the commit's transaction (`writeWaits`), claimed for resuming by this process. One process uses
 * an embedded store, so a row another owner claimed (an earlier run of this process, which died
 * while resuming it) is claimable again, as an orphaned execution is.
 */
import type Database from 'better-sqlite3';
import { toExecution, type Row } from './rows.js';
import type { DueWait, ExecutionUpdate, WaitStore } from './types.js';

const SQL = {
  /** Parks (or parks again, after another Wait node): unclaimed until it is due. */
  park: `INSERT INTO execution_waits (execution_id, resume_at_ms, state, owner, created_at) VALUES (?, ?, ?, NULL, ?)
    ON CONFLICT (execution_id) DO UPDATE SET resume_at_ms = excluded.resume_at_ms, state = excluded.state,
      owner = NULL`,
  forget: 'DELETE FROM execution_waits WHERE execution_id = ?',
  /** execution_waits_due; a stop request keeps it from resuming (the stop ends it). */
  claim: `UPDATE execution_waits SET owner = ? WHERE execution_id IN (
      SELECT w.execution_id FROM execution_waits w JOIN executions e ON e.id = w.execution_id
      WHERE w.resume_at_ms <= ? AND e.stop_requested_at IS NULL AND e.status IN ('waiting', 'running')
        AND (w.owner IS NULL OR w.owner <> ?)
      ORDER BY w.resume_at_ms, w.execution_id LIMIT ?)
    RETURNING execution_id, resume_at_ms, state`,
  markRunning: `UPDATE executions SET status = 'running', owner = ? WHERE id = ? RETURNING *`,
  next: `SELECT min(w.resume_at_ms) FROM execution_waits w JOIN executions e ON e.id = w.execution_id
    WHERE w.owner IS NULL AND e.stop_requested_at IS NULL`,
} as const;

export interface SqliteWaits extends WaitStore {
  /** Applies the `wait` of each update (inside the caller's transaction). */
  writeWaits(updates: readonly ExecutionUpdate[]): void;
}

export function createSqliteWaits(db: Database.Database, owner: string): SqliteWaits {
  const stmt = {
    park: db.prepare(SQL.park),
    forget: db.prepare(SQL.forget),
    claim: db.prepare(SQL.claim),
    markRunning: db.prepare(SQL.markRunning),
    next: db.prepare(SQL.next).pluck(),
  };
  const claim = db.transaction((nowMs: number, limit: number): DueWait[] => {
    const rows = stmt.claim.all(owner, nowMs, owner, limit) as Row[];
    return rows
      .map((row) => ({ row, execution: stmt.markRunning.get(owner, row.execution_id) as Row }))
      .map(({ row, execution }) => ({
        execution: toExecution(execution),
        resumeAtMs: Number(row.resume_at_ms),
        state: JSON.parse(String(row.state)) as unknown,
      }))
      .sort((a, b) => a.resumeAtMs - b.resumeAtMs || a.execution.id.localeCompare(b.execution.id));
  });
  return {
    writeWaits(updates) {
      const now = new Date().toISOString();
      for (const { id, wait } of updates) {
        if (wait === null) stmt.forget.run(id);
        else if (wait) stmt.park.run(id, Math.round(wait.resumeAtMs), JSON.stringify(wait.state ?? null), now);
      }
    },
    async claimDueWaits(nowMs, _staleMs, limit) {
      return claim(nowMs, limit);
    },
    async nextWaitAtMs() {
      const next = stmt.next.get() as number | null;
      return next === null ? null : Number(next);
    },
  };
}
