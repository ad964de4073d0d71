/**
 * The write of a `WriteBatch` (`Store.commit`) on a SQLite connection: executions de-duplicated by
 * idempotency key, keyed events, run updates and parked waits, events and deliveries, in one
 * `BEGIN IMMEDIATE` transaction. Shared by the store's own connection and the commit thread's
 * (commit-thread.ts), so both write exactly the same rows.
 */
import type Database from 'better-sqlite3';
import type { EventEnvelope } from '../events/envelope.js';
import { idempotencySince } from './idempotency.js';
import { toJsonColumn } from './json-columns.js';
import { executionParams, updateParams, type Row } from './rows.js';
import type { CommitResult, ExecutionUpdate, KeyedEvent, NewDelivery, NewExecution, WriteBatch } from './types.js';

const json = toJsonColumn;

/**
 * The statements every trigger request runs (with the outbox's `insert`); each is served by an
 * index for its exact shape, held to it by test/unit/store/hot-path-plans.test.ts.
 */
export const STORE_SQL = {
  insertExecution: `INSERT INTO executions (id, workflow_id, kind, trigger_node, status, input, output, error,
    idempotency_key, metadata, owner, created_at, started_at, finished_at) VALUES (@id, @workflowId, @kind,
    @triggerNode, @status, @input, @output, @error, @idempotencyKey, @metadata, @owner, @createdAt, @startedAt,
    @finishedAt)`,
  /** executions_by_idempotency. */
  findIdempotent: `SELECT id FROM executions WHERE workflow_id = ? AND trigger_node IS ? AND idempotency_key = ?
    AND created_at >= ? ORDER BY created_at LIMIT 1`,
  updateExecution: `UPDATE executions SET status = @status,
    output = CASE WHEN @hasOutput THEN @output ELSE output END,
    error = CASE WHEN @hasError THEN @error ELSE error END,
    started_at = COALESCE(@startedAt, started_at), finished_at = COALESCE(@finishedAt, finished_at) WHERE id = @id`,
  insertEvent: 'INSERT OR IGNORE INTO events (id, type, timestamp, data, metadata) VALUES (?, ?, ?, ?, ?)',
  /** events_by_idempotency. */
  findKeyedEvent: `SELECT id, request_hash FROM events WHERE idempotency_key = ? AND timestamp >= ?
    ORDER BY timestamp LIMIT 1`,
  keyEvent: 'UPDATE events SET idempotency_key = ?, request_hash = ? WHERE id = ?',
} as const;

export interface SqliteCommitParts {
  /** The store's owner name, written on the executions it accepts. */
  owner: string;
  /** The outbox's insert (sqlite-outbox.ts). */
  insertDeliveries(deliveries: readonly NewDelivery[]): void;
  /** Parks or forgets the waits of run updates (sqlite-waits.ts). */
  writeWaits(updates: readonly ExecutionUpdate[]): void;
}

/**
 * Prepares the statements on `db` and returns the batch write. The transaction is `IMMEDIATE`: it
 * reads (idempotency lookups) before it writes, and another connection may write to the same file
 * meanwhile; a deferred one would then fail at its first write instead of waiting for the lock.
 */
export function createSqliteCommit(
  db: Database.Database,
  parts: SqliteCommitParts,
): (batch: WriteBatch) => CommitResult {
  const stmt = {
    insertExecution: db.prepare(STORE_SQL.insertExecution),
    findIdempotent: db.prepare(STORE_SQL.findIdempotent).pluck(),
    updateExecution: db.prepare(STORE_SQL.updateExecution),
    insertEvent: db.prepare(STORE_SQL.insertEvent),
    findKeyedEvent: db.prepare(STORE_SQL.findKeyedEvent),
    keyEvent: db.prepare(STORE_SQL.keyEvent),
  };

  /** Writes events (an id already written is skipped); returns how many were new. */
  const insertEvents = (events: readonly EventEnvelope[]): number => {
    let inserted = 0;
    for (const event of events) {
      inserted += stmt.insertEvent.run(
        event.id,
        event.type,
        event.timestamp,
        JSON.stringify(event.data ?? null),
        json(event.metadata),
      ).changes;
    }
    return inserted;
  };

  const insertExecution = (item: NewExecution, result: CommitResult): void => {
    const { record } = item;
    if (record.idempotencyKey) {
      const since = idempotencySince(record.createdAt, item.idempotencyWindowSec);
      const existing = stmt.findIdempotent.get(record.workflowId, record.triggerNode, record.idempotencyKey, since) as
        string | undefined;
      if (existing) {
        result.executionIds.set(record.id, { id: existing, duplicate: true });
        return;
      }
    }
    stmt.insertExecution.run({ ...executionParams(record), owner: parts.owner });
    result.executionIds.set(record.id, { id: record.id, duplicate: false });
    result.events += insertEvents(item.events ?? []);
  };

  /** Writes the event unless its key was used in its window (then the first event stands). */
  const insertKeyedEvent = (item: KeyedEvent, result: CommitResult): void => {
    const { event, idempotencyKey, requestHash } = item;
    const since = idempotencySince(event.timestamp, item.idempotencyWindowSec);
    const existing = stmt.findKeyedEvent.get(idempotencyKey, since) as Row | undefined;
    if (existing) {
      const standing = {
        id: String(existing.id),
        duplicate: true,
        requestHash: (existing.request_hash as string) ?? null,
      };
      return void result.eventIds.set(event.id, standing);
    }
    result.events += insertEvents([event]);
    stmt.keyEvent.run(idempotencyKey, requestHash, event.id);
    result.eventIds.set(event.id, { id: event.id, duplicate: false, requestHash });
  };

  const commit = db.transaction((batch: WriteBatch): CommitResult => {
    const result: CommitResult = { executionIds: new Map(), eventIds: new Map(), deliveries: 0, events: 0 };
    for (const item of batch.executions ?? []) insertExecution(item, result);
    for (const item of batch.keyedEvents ?? []) insertKeyedEvent(item, result);
    for (const update of batch.executionUpdates ?? []) stmt.updateExecution.run(updateParams(update));
    parts.writeWaits(batch.executionUpdates ?? []);
    result.events += insertEvents(batch.events ?? []);
    parts.insertDeliveries(batch.deliveries ?? []);
    result.deliveries = batch.deliveries?.length ?? 0;
    return result;
  });
  return (batch) => commit.immediate(batch);
}
