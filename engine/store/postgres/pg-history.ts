/**
 * History retention and erasure on PostgreSQL, with the embedded store's rules (sqlite-history.ts).
 * Any number of processes may purge at once: each batch locks the rows it deletes with
 * `FOR UPDATE SKIP LOCKED`, so two processes take disjoint rows, none is deleted twice, and a row one
 * process holds is left to that process (whose batch then comes back full, so it goes on).
 */
import type pg from 'pg';
import { toEvent, type Row } from '../rows.js';
import { ERASED_ERROR } from '../sqlite-history.js';
import type { ErasureResult, HistoryStore, PurgeResult } from '../types.js';
import { inTransaction, LOCKS } from './pg-db.js';

const OPEN = "('pending', 'in_flight', 'retrying')";

export const PG_HISTORY_SQL = {
  purgeDeliveries: `DELETE FROM deliveries WHERE seq IN (SELECT seq FROM deliveries
      WHERE status IN ('succeeded', 'failed', 'expired') AND COALESCE(completed_at, updated_at) < $1
      LIMIT $2 FOR UPDATE SKIP LOCKED)
    RETURNING id`,
  purgeAttempts: `DELETE FROM attempts WHERE delivery_id = ANY($1::text[])`,
  purgeEvents: `DELETE FROM events WHERE seq IN (SELECT e.seq FROM events e
      WHERE e.timestamp < $1 AND e.seq <= (SELECT event_seq FROM fanout_cursor WHERE id = 1)
        AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status IN ${OPEN})
      LIMIT $2 FOR UPDATE OF e SKIP LOCKED)`,
  purgeExecutions: `DELETE FROM executions WHERE id IN (SELECT id FROM executions
      WHERE status IN ('succeeded', 'failed', 'stopped') AND COALESCE(finished_at, created_at) < $1
      LIMIT $2 FOR UPDATE SKIP LOCKED)`,
  /**
   * Erasure waits for a fan-out page in progress (and holds the next one back): a page that read the
   * event before the erasure would otherwise write deliveries with its content after it.
   */
  fanOutLock: `SELECT pg_advisory_xact_lock(${LOCKS.namespace}, ${LOCKS.fanOut})`,
  /** The event's deliveries locked in one order, so two erasures of one event queue rather than deadlock. */
  lockDeliveries: `SELECT seq FROM deliveries WHERE event_id = $1 ORDER BY seq FOR UPDATE`,
  closeOpen: `UPDATE deliveries SET status = 'failed', last_error = '${ERASED_ERROR}', completed_at = $2,
      lease_owner = NULL, lease_expires_at = NULL, updated_at = $2
    WHERE event_id = $1 AND status IN ${OPEN}`,
  eraseDeliveries: `UPDATE deliveries SET payload = '', erased = true WHERE event_id = $1 RETURNING id`,
  clearAttempts: `UPDATE attempts SET response_excerpt = NULL WHERE delivery_id = ANY($1::text[])`,
  eraseEvent: `UPDATE events SET data = 'null', metadata = NULL, erased_at = COALESCE(erased_at, $2) WHERE id = $1
    RETURNING *`,
} as const;

/** PostgreSQL's code for a deadlock it broke by failing one transaction: that one may simply run again. */
const DEADLOCK = '40P01';
const ERASE_TRIES = 3;

export function createPgHistory(pool: pg.Pool): HistoryStore {
  async function purgeHistory(beforeMs: number, batchRows: number): Promise<PurgeResult> {
    return inTransaction(pool, async (client) => {
      // History is rebuilt by no one: a crash may lose the last deletions, never a kept row.
      await client.query('SET LOCAL synchronous_commit = off');
      const result: PurgeResult = { deliveries: 0, attempts: 0, events: 0, executions: 0, more: false };
      const { rows } = await client.query<{ id: string }>(PG_HISTORY_SQL.purgeDeliveries, [beforeMs, batchRows]);
      result.deliveries = rows.length;
      if (rows.length > 0)
        result.attempts = (await client.query(PG_HISTORY_SQL.purgeAttempts, [rows.map((row) => row.id)])).rowCount ?? 0;
      let budget = batchRows - result.deliveries;
      const before = new Date(beforeMs).toISOString();
      if (budget > 0) result.events = (await client.query(PG_HISTORY_SQL.purgeEvents, [before, budget])).rowCount ?? 0;
      budget -= result.events;
      if (budget > 0)
        result.executions = (await client.query(PG_HISTORY_SQL.purgeExecutions, [before, budget])).rowCount ?? 0;
      result.more = budget - result.executions <= 0;
      return result;
    });
  }

  async function eraseOnce(id: string, nowMs: number): Promise<ErasureResult | null> {
    return inTransaction(pool, async (client) => {
      await client.query(PG_HISTORY_SQL.fanOutLock);
      await client.query(PG_HISTORY_SQL.lockDeliveries, [id]);
      const closed = (await client.query(PG_HISTORY_SQL.closeOpen, [id, nowMs])).rowCount ?? 0;
      const { rows } = await client.query<{ id: string }>(PG_HISTORY_SQL.eraseDeliveries, [id]);
      const attempts =
        rows.length > 0
          ? ((await client.query(PG_HISTORY_SQL.clearAttempts, [rows.map((r) => r.id)])).rowCount ?? 0)
          : 0;
      const [event] = (await client.query(PG_HISTORY_SQL.eraseEvent, [id, new Date(nowMs).toISOString()]))
        .rows as Row[];
      if (!event && rows.length === 0) return null;
      return { event: event ? toEvent(event) : null, deliveries: rows.length, closed, attempts };
    });
  }

  return {
    purgeHistory,
    async reclaimSpace() {
      // Autovacuum makes deleted rows' space reusable; giving it back to the file system is VACUUM FULL's job.
      return 0;
    },
    async eraseEventContent(id, nowMs) {
      // A claim leases several endpoints' rows in its own order: a rare deadlock with it fails this try only.
      for (let attempt = 1; ; attempt++) {
        try {
          return await eraseOnce(id, nowMs);
        } catch (error) {
          if ((error as { code?: string }).code !== DEADLOCK || attempt >= ERASE_TRIES) throw error;
        }
      }
    },
  };
}
