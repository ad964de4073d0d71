/**
 * Stop requests and conversation counters in PostgreSQL, where another process may run the
 * execution: a stop is a mark on its row, which its owner reads (`listStopRequests`) and acts on.
 * An execution whose owner stopped heartbeating passes to the asking process in the same statement,
 * row-locked as the orphan claim is, so exactly one process finishes it.
 */
import type pg from 'pg';
import { toConversationTotals, toExecution, type Row } from '../rows.js';
import type { RunStateStore } from '../types.js';

const SQL = {
  /**
   * Marks the stop; takes the row over when its owner is this process or silent since `$4`. Liveness
   * by subquery, so a re-check after a concurrent claim sees the new owner (see claimOrphans).
   */
  requestStop: `UPDATE executions e SET stop_requested_at = COALESCE(e.stop_requested_at, $2),
      owner = CASE WHEN e.owner IS NOT DISTINCT FROM $3
          OR NOT EXISTS (SELECT 1 FROM engine_processes p WHERE p.owner = e.owner AND p.heartbeat_at >= $4)
        THEN $3 ELSE e.owner END
    WHERE e.id = $1 AND e.status IN ('queued', 'running', 'waiting')
    RETURNING e.*`,
  getExecution: 'SELECT * FROM executions WHERE id = $1',
  listStopRequests: `SELECT * FROM executions WHERE owner = $1 AND stop_requested_at IS NOT NULL
    AND status IN ('queued', 'running', 'waiting') ORDER BY created_at LIMIT $2`,
  addMessages: `INSERT INTO conversations (agent_id, conversation_id, message_count, credits_used, started_at,
      updated_at) VALUES ($1, $2, $3, $4, $5, $5)
    ON CONFLICT (agent_id, conversation_id) DO UPDATE
      SET message_count = conversations.message_count + excluded.message_count,
        credits_used = conversations.credits_used + excluded.credits_used, updated_at = excluded.updated_at
    RETURNING message_count, credits_used, started_at`,
} as const;

export function createPgRunState(pool: pg.Pool, owner: string): RunStateStore {
  return {
    async requestStop(id, nowMs, staleMs) {
      const { rows } = await pool.query(SQL.requestStop, [id, new Date(nowMs).toISOString(), owner, nowMs - staleMs]);
      const stopping = rows[0] as Row | undefined;
      if (stopping) {
        const execution = toExecution(stopping);
        return { execution, owned: stopping.owner === owner };
      }
      const found = (await pool.query(SQL.getExecution, [id])).rows[0] as Row | undefined;
      return found ? { execution: toExecution(found), owned: false } : null;
    },
    async listStopRequests(limit) {
      const { rows } = await pool.query(SQL.listStopRequests, [owner, limit]);
      return (rows as Row[]).map(toExecution);
    },
    async addConversationMessages(key, messages, credits, nowMs) {
      const now = new Date(nowMs).toISOString();
      const { rows } = await pool.query(SQL.addMessages, [key.agentId, key.conversationId, messages, credits, now]);
      return toConversationTotals(rows[0] as Row);
    },
  };
}
