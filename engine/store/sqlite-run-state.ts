/**
 * Stop requests and conversation counters in SQLite. One process uses an embedded store, so an
 * unfinished execution is always this process's to stop: one another owner left (an earlier run of
 * this process) passes to this one.
 */
import type Database from 'better-sqlite3';
import { toConversationTotals, toExecution, type Row } from './rows.js';
import type { RunStateStore } from './types.js';

const SQL = {
  requestStop: `UPDATE executions SET stop_requested_at = COALESCE(stop_requested_at, ?), owner = ?
    WHERE id = ? AND status IN ('queued', 'running', 'waiting') RETURNING *`,
  getExecution: 'SELECT * FROM executions WHERE id = ?',
  listStopRequests: `SELECT * FROM executions WHERE owner = ? AND stop_requested_at IS NOT NULL
    AND status IN ('queued', 'running', 'waiting') ORDER BY created_at LIMIT ?`,
  addMessages: `INSERT INTO conversations (agent_id, conversation_id, message_count, credits_used, started_at,
      updated_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (agent_id, conversation_id) DO UPDATE SET message_count = message_count + excluded.message_count,
      credits_used = credits_used + excluded.credits_used, updated_at = excluded.updated_at
    RETURNING message_count, credits_used, started_at`,
} as const;

export function createSqliteRunState(db: Database.Database, owner: string): RunStateStore {
  const stmt = {
    requestStop: db.prepare(SQL.requestStop),
    getExecution: db.prepare(SQL.getExecution),
    listStopRequests: db.prepare(SQL.listStopRequests),
    addMessages: db.prepare(SQL.addMessages),
  };
  return {
    async requestStop(id, nowMs) {
      const stopping = stmt.requestStop.get(new Date(nowMs).toISOString(), owner, id) as Row | undefined;
      if (stopping) return { execution: toExecution(stopping), owned: true };
      const row = stmt.getExecution.get(id) as Row | undefined;
      return row ? { execution: toExecution(row), owned: false } : null;
    },
    async listStopRequests(limit) {
      return (stmt.listStopRequests.all(owner, limit) as Row[]).map(toExecution);
    },
    async addConversationMessages(key, messages, credits, nowMs) {
      const now = new Date(nowMs).toISOString();
      const row = stmt.addMessages.get(key.agentId, key.conversationId, messages, credits, now, now) as Row;
      return toConversationTotals(row);
    },
  };
}
