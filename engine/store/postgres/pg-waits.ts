/**
 * Parked executions in PostgreSQL (the Wait node), shared by every process: a due one is claimed by
 * one process (`FOR UPDATE SKIP LOCKED`, then marked with its name), which resumes it. A claim whose
 * process stopped heartbeating passes to the next claimer, as orphaned executions do; the parked
 * state stays until the resumed run ends, so nothing before the Wait node runs twice.
 */
import type pg from 'pg';
import { toExecution, type Row } from '../rows.js';
import type { DueWait, ExecutionUpdate, WaitStore } from '../types.js';
import { inTransaction, type Queryable } from './pg-db.js';

const SQL = {
  park: `INSERT INTO execution_waits (execution_id, resume_at_ms, state, created_at)
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[])
    ON CONFLICT (execution_id) DO UPDATE SET resume_at_ms = excluded.resume_at_ms, state = excluded.state,
      owner = NULL`,
  forget: 'DELETE FROM execution_waits WHERE execution_id = ANY($1::text[])',
  /**
   * Due, not asked to stop, and unclaimed or claimed by a process silent since `$3`. The claimer's
   * liveness is a subquery, not a join: when a row is locked after another claim changed it,
   * PostgreSQL re-checks the condition on the new row, and a subquery is evaluated again for it, where
   * a joined row would keep what was read for the old owner (and let two processes claim one row).
   */
  claim: `WITH due AS (
      SELECT w.execution_id FROM execution_waits w JOIN executions e ON e.id = w.execution_id
      WHERE w.resume_at_ms <= $1 AND e.stop_requested_at IS NULL AND e.status IN ('waiting', 'running')
        AND (w.owner IS NULL OR (w.owner <> $2
          AND NOT EXISTS (SELECT 1 FROM engine_processes p WHERE p.owner = w.owner AND p.heartbeat_at >= $3)))
      ORDER BY w.resume_at_ms, w.execution_id LIMIT $4
      FOR UPDATE OF w SKIP LOCKED)
    UPDATE execution_waits w SET owner = $2 FROM due WHERE w.execution_id = due.execution_id
    RETURNING w.execution_id, w.resume_at_ms, w.state`,
  /** A stop asked since the claim read the row wins: that execution is left to the stop. */
  markRunning: `UPDATE executions SET status = 'running', owner = $2
    WHERE id = ANY($1::text[]) AND stop_requested_at IS NULL RETURNING *`,
  next: `SELECT min(w.resume_at_ms) AS next FROM execution_waits w JOIN executions e ON e.id = w.execution_id
    WHERE w.owner IS NULL AND e.stop_requested_at IS NULL`,
} as const;

export interface PgWaits extends WaitStore {
  /** Applies the `wait` of each update (inside the caller's transaction); the last one per execution wins. */
  writeWaits(client: Queryable, updates: readonly ExecutionUpdate[]): Promise<void>;
}

export function createPgWaits(pool: pg.Pool, owner: string): PgWaits {
  return {
    async writeWaits(client, updates) {
      const latest = new Map(updates.filter((u) => u.wait !== undefined).map((u) => [u.id, u.wait]));
      if (latest.size === 0) return;
      const parked = [...latest].filter(([, wait]) => wait !== null);
      const forgotten = [...latest].filter(([, wait]) => wait === null).map(([id]) => id);
      if (forgotten.length > 0) await client.query(SQL.forget, [forgotten]);
      if (parked.length === 0) return;
      const now = new Date().toISOString();
      await client.query(SQL.park, [
        parked.map(([id]) => id),
        parked.map(([, wait]) => Math.round(wait!.resumeAtMs)),
        parked.map(([, wait]) => JSON.stringify(wait!.state ?? null)),
        parked.map(() => now),
      ]);
    },
    async claimDueWaits(nowMs, staleMs, limit) {
      return inTransaction(pool, async (client) => {
        const claimed = (await client.query(SQL.claim, [nowMs, owner, nowMs - staleMs, limit])).rows as Row[];
        if (claimed.length === 0) return [];
        const ids = claimed.map((row) => String(row.execution_id));
        const running = (await client.query(SQL.markRunning, [ids, owner])).rows as Row[];
        const byId = new Map(running.map((row) => [String(row.id), toExecution(row)]));
        return claimed
          .filter((row) => byId.has(String(row.execution_id)))
          .map((row): DueWait => ({
            execution: byId.get(String(row.execution_id))!,
            resumeAtMs: Number(row.resume_at_ms),
            state: JSON.parse(String(row.state)) as unknown,
          }))
          .sort((a, b) => a.resumeAtMs - b.resumeAtMs || a.execution.id.localeCompare(b.execution.id));
      });
    },
    async nextWaitAtMs() {
      const { rows } = await pool.query(SQL.next);
      const next = (rows[0] as Row | undefined)?.next;
      return next === null || next === undefined ? null : Number(next);
    },
  };
}
