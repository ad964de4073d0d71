/**
 * The PostgreSQL store: several engine processes share one database, which does all the
 * coordinating (row locks, `FOR UPDATE SKIP LOCKED`, advisory locks, `LISTEN/NOTIFY`).
 *
 * Writes keep the embedded store's promises: a batch is one transaction, and nothing is
 * acknowledged before its `COMMIT` returns. Events are written under one advisory lock, so their
 * `seq` order is their commit order: the fan-out's cursor can then never pass an event that a
 * slower transaction commits later (the cursor is safe with many writers).
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { EventEnvelope } from '../../events/envelope.js';
import { Errors } from '../../errors.js';
import { createWhere } from '../sql-where.js';
import type { SecretBox } from '../secret-box.js';
import { toJsonColumn } from '../json-columns.js';
import { executionParams, toEvent, toExecution, type Row } from '../rows.js';
import type {
  CommitResult,
  EventQuery,
  ExecutionQuery,
  ExecutionUpdate,
  KeyedEvent,
  NewExecution,
  Store,
  WriteBatch,
} from '../types.js';
import {
  CHANNELS,
  createPgPool,
  deliveriesPayload,
  inTransaction,
  LOCKS,
  notify,
  numbered,
  type Queryable,
} from './pg-db.js';
import { migratePg } from './pg-migrate.js';
import { createPgCatalog } from './pg-catalog.js';
import { createPgSubscriptions } from './pg-subscriptions.js';
import { createPgOutbox, insertDeliveries } from './pg-outbox.js';
import { createPgDeliveryLog } from './pg-delivery-log.js';
import { listenPg } from './pg-listen.js';
import { createPgCounters } from './pg-counters.js';
import { createPgHistory } from './pg-history.js';
import { createPgEventTypes } from './pg-event-types.js';
import { idempotencyScopeKey, idempotencySince } from '../idempotency.js';
import { createPgRunState } from './pg-run-state.js';
import { createPgWaits } from './pg-waits.js';

export interface PostgresStoreOptions {
  connectionString: string;
  secretBox: SecretBox;
  /** This process's name in the store (`Store.owner`). @defaultValue a random one */
  owner?: string;
  /** Connections this process opens at most. @defaultValue 10 */
  poolSize?: number;
  /** Schema of the tables (tests use one each). @defaultValue the server's search_path */
  schema?: string;
  /** An idle pooled connection failed (the pool replaces it); the default ignores it. */
  onConnectionError?: (error: Error) => void;
}

export type PostgresStore = Store & { readonly pool: pg.Pool };

const EXECUTION_COLUMNS = `id, workflow_id, kind, trigger_node, status, input, output, error, idempotency_key,
  metadata, owner, created_at, started_at, finished_at`;

const SQL = {
  /** One row per keyed execution: the first execution in the window with its key, if any. */
  findIdempotent: `SELECT k.i, (SELECT e.id FROM executions e WHERE e.workflow_id = k.w
      AND e.trigger_node IS NOT DISTINCT FROM k.t AND e.idempotency_key = k.key AND e.created_at >= k.since
      ORDER BY e.created_at LIMIT 1) AS existing
    FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[]) AS k(i, w, t, key, since)`,
  insertExecutions: `INSERT INTO executions (${EXECUTION_COLUMNS}) SELECT * FROM unnest($1::text[], $2::text[],
    $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
    $12::text[], $13::text[], $14::text[])`,
  updateExecutions: `UPDATE executions e SET status = u.status,
      output = CASE WHEN u.has_output THEN u.output ELSE e.output END,
      error = CASE WHEN u.has_error THEN u.error ELSE e.error END,
      started_at = COALESCE(u.started_at, e.started_at), finished_at = COALESCE(u.finished_at, e.finished_at)
    FROM unnest($1::text[], $2::text[], $3::bool[], $4::text[], $5::bool[], $6::text[], $7::text[], $8::text[])
      AS u(id, status, has_output, output, has_error, error, started_at, finished_at)
    WHERE e.id = u.id`,
  insertEvents: `INSERT INTO events (id, type, timestamp, data, metadata)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) ON CONFLICT (id) DO NOTHING`,
  /** One row per keyed event: the first event in the window with its key, if any. */
  findKeyedEvents: `SELECT k.i, e.id AS existing, e.request_hash FROM unnest($1::int[], $2::text[], $3::text[])
      AS k(i, key, since)
    CROSS JOIN LATERAL (SELECT id, request_hash FROM events WHERE idempotency_key = k.key AND timestamp >= k.since
      ORDER BY timestamp LIMIT 1) e`,
  keyEvents: `UPDATE events e SET idempotency_key = k.key, request_hash = k.hash
    FROM unnest($1::text[], $2::text[], $3::text[]) AS k(id, key, hash) WHERE e.id = k.id`,
  lockIdempotencyKeys: `SELECT pg_advisory_xact_lock(${LOCKS.namespace}, hashtext(k))
    FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS keys`,
  heartbeat: `INSERT INTO engine_processes (owner, heartbeat_at) VALUES ($1, $2)
    ON CONFLICT (owner) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`,
  /**
   * Orphans: unfinished runs whose owner has not said it is alive since `$2`; each taken by one process.
   * The liveness test is a subquery, not a join: when a row locked by another claim is re-checked
   * (READ COMMITTED), a subquery sees the row's new owner, a joined row would still be the dead one.
   */
  claimOrphans: `UPDATE executions SET owner = $1 WHERE id IN (
      SELECT e.id FROM executions e
      WHERE e.status IN ('queued', 'running') AND e.owner IS DISTINCT FROM $1
        AND NOT EXISTS (SELECT 1 FROM engine_processes p WHERE p.owner = e.owner AND p.heartbeat_at >= $2)
        -- A resumed parked execution is not an orphan: claimDueWaits takes it back (pg-waits.ts).
        AND NOT EXISTS (SELECT 1 FROM execution_waits w WHERE w.execution_id = e.id)
      ORDER BY e.created_at, e.id LIMIT $3 FOR UPDATE OF e SKIP LOCKED)
    RETURNING *`,
  forgetProcesses: `DELETE FROM engine_processes WHERE heartbeat_at < $1`,
} as const;

export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const pool = createPgPool({
    connectionString: options.connectionString,
    poolSize: options.poolSize ?? 10,
    schema: options.schema,
  });
  // An idle connection that the server drops emits 'error' on the pool: without a listener that
  // would end the process. The pool opens a new connection at the next query.
  pool.on('error', (error) => options.onConnectionError?.(error));
  const owner = options.owner ?? `pg:${process.pid}:${randomUUID().slice(0, 8)}`;
  const box = options.secretBox;
  const subscriptions = createPgSubscriptions(pool, box);
  const outbox = createPgOutbox(pool, subscriptions.saveHealth);
  const waits = createPgWaits(pool, owner);
  let closed = false;

  async function commit(batch: WriteBatch): Promise<CommitResult> {
    return inTransaction(pool, async (client) => {
      // Writes nobody waits on (run progress, attempts) need not wait for the WAL flush: a crash
      // may lose the last of them, as SQLite's NORMAL mode may, never an acknowledged one.
      if (!batch.acknowledged) await client.query('SET LOCAL synchronous_commit = off');
      const result: CommitResult = { executionIds: new Map(), eventIds: new Map(), deliveries: 0, events: 0 };
      const events = await insertExecutions(client, batch.executions ?? [], result);
      await updateExecutions(client, batch.executionUpdates ?? []);
      await waits.writeWaits(client, batch.executionUpdates ?? []);
      const keyed = await freshKeyedEvents(client, batch.keyedEvents ?? [], result);
      events.push(...(batch.events ?? []), ...keyed.map((item) => item.event));
      result.events = await insertEvents(client, events);
      if (keyed.length > 0)
        await client.query(SQL.keyEvents, [
          keyed.map((item) => item.event.id),
          keyed.map((item) => item.idempotencyKey),
          keyed.map((item) => item.requestHash),
        ]);
      const deliveries = batch.deliveries ?? [];
      if (deliveries.length > 0) {
        await insertDeliveries(client, deliveries);
        await notify(client, CHANNELS.deliveries, deliveriesPayload(deliveries.map((d) => d.subscriptionId)));
      }
      result.deliveries = deliveries.length;
      return result;
    });
  }

  /** Inserts the new executions (an idempotent repeat is answered with the first); returns their events. */
  async function insertExecutions(
    client: Queryable,
    items: readonly NewExecution[],
    result: CommitResult,
  ): Promise<EventEnvelope[]> {
    const existing = await findIdempotent(client, items);
    const firstInBatch = new Map<string, string>();
    const fresh: NewExecution[] = [];
    items.forEach((item, i) => {
      const { record } = item;
      const key = idempotencyScopeKey(item);
      const standing = existing.get(i) ?? (key ? firstInBatch.get(key) : undefined);
      if (standing) return void result.executionIds.set(record.id, { id: standing, duplicate: true });
      if (key) firstInBatch.set(key, record.id);
      fresh.push(item);
      result.executionIds.set(record.id, { id: record.id, duplicate: false });
    });
    if (fresh.length > 0) {
      const rows: Row[] = fresh.map((item) => ({ ...executionParams(item.record), owner }));
      const columns = [
        'id',
        'workflowId',
        'kind',
        'triggerNode',
        'status',
        'input',
        'output',
        'error',
        'idempotencyKey',
        'metadata',
        'owner',
        'createdAt',
        'startedAt',
        'finishedAt',
      ];
      await client.query(
        SQL.insertExecutions,
        columns.map((column) => rows.map((row) => (row[column] ?? null) as string | null)),
      );
    }
    return fresh.flatMap((item) => item.events ?? []);
  }

  /**
   * Keyed executions wait for each other's transactions by key (an advisory lock per key, taken in
   * key order so two groups never deadlock), so two processes never both accept one key.
   */
  async function findIdempotent(client: Queryable, items: readonly NewExecution[]): Promise<Map<number, string>> {
    const keyed = items.map((item, i) => ({ item, i, key: idempotencyScopeKey(item) })).filter((k) => k.key);
    if (keyed.length === 0) return new Map();
    await lockKeys(
      client,
      keyed.map((k) => k.key!),
    );
    const since = (item: NewExecution): string => idempotencySince(item.record.createdAt, item.idempotencyWindowSec);
    const { rows } = await client.query<{ i: number; existing: string | null }>(SQL.findIdempotent, [
      keyed.map((k) => k.i),
      keyed.map((k) => k.item.record.workflowId),
      keyed.map((k) => k.item.record.triggerNode),
      keyed.map((k) => k.item.record.idempotencyKey),
      keyed.map((k) => since(k.item)),
    ]);
    return new Map(rows.filter((r) => r.existing).map((r) => [r.i, r.existing!]));
  }

  /** Keyed executions and keyed events wait for each other's transactions by key, in key order. */
  async function lockKeys(client: Queryable, keys: readonly string[]): Promise<void> {
    await client.query(SQL.lockIdempotencyKeys, [[...new Set(keys)]]);
  }

  /** The keyed events to write: those whose key is new in its window and not taken earlier in the batch. */
  async function freshKeyedEvents(
    client: Queryable,
    items: readonly KeyedEvent[],
    result: CommitResult,
  ): Promise<KeyedEvent[]> {
    if (items.length === 0) return [];
    await lockKeys(
      client,
      items.map((item) => idempotencyScopeKey(item)!),
    );
    const { rows } = await client.query<{ i: number; existing: string; request_hash: string | null }>(
      SQL.findKeyedEvents,
      [
        items.map((_, i) => i),
        items.map((item) => item.idempotencyKey),
        items.map((item) => idempotencySince(item.event.timestamp, item.idempotencyWindowSec)),
      ],
    );
    const existing = new Map(rows.map((row) => [row.i, { id: row.existing, requestHash: row.request_hash }]));
    const firstInBatch = new Map<string, { id: string; requestHash: string | null }>();
    const fresh: KeyedEvent[] = [];
    items.forEach((item, i) => {
      const standing = existing.get(i) ?? firstInBatch.get(item.idempotencyKey);
      if (standing) return void result.eventIds.set(item.event.id, { ...standing, duplicate: true });
      firstInBatch.set(item.idempotencyKey, { id: item.event.id, requestHash: item.requestHash });
      fresh.push(item);
      result.eventIds.set(item.event.id, { id: item.event.id, duplicate: false, requestHash: item.requestHash });
    });
    return fresh;
  }

  async function updateExecutions(client: Queryable, updates: readonly ExecutionUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    // One row per execution: an UPDATE … FROM applies only one of several rows for the same target.
    const merged = new Map<string, ExecutionUpdate>();
    for (const update of updates) {
      const before = merged.get(update.id);
      merged.set(update.id, before ? mergeUpdates(before, update) : update);
    }
    const list = [...merged.values()];
    await client.query(SQL.updateExecutions, [
      list.map((u) => u.id),
      list.map((u) => u.status),
      list.map((u) => u.output !== undefined),
      list.map((u) => toJsonColumn(u.output)),
      list.map((u) => u.error !== undefined),
      list.map((u) => toJsonColumn(u.error)),
      list.map((u) => u.startedAt ?? null),
      list.map((u) => u.finishedAt ?? null),
    ]);
  }

  /** Writes events under the events lock (seq order = commit order); returns how many were new. */
  async function insertEvents(client: Queryable, events: readonly EventEnvelope[]): Promise<number> {
    if (events.length === 0) return 0;
    await client.query(`SELECT pg_advisory_xact_lock(${LOCKS.namespace}, ${LOCKS.events})`);
    const { rowCount } = await client.query(SQL.insertEvents, [
      events.map((e) => e.id),
      events.map((e) => e.type),
      events.map((e) => e.timestamp),
      events.map((e) => JSON.stringify(e.data ?? null)),
      events.map((e) => toJsonColumn(e.metadata)),
    ]);
    if (rowCount) await notify(client, CHANNELS.events);
    return rowCount ?? 0;
  }

  const one = async (sql: string, params: unknown[]): Promise<Row | undefined> =>
    (await pool.query(sql, params)).rows[0] as Row | undefined;

  return {
    kind: 'postgres',
    owner,
    pool,
    outbox,
    deliveryLog: createPgDeliveryLog(pool),
    counters: createPgCounters(pool),
    ...createPgCatalog(pool, box),
    ...createPgHistory(pool),
    ...createPgEventTypes(pool),
    ...createPgRunState(pool, owner),
    claimDueWaits: waits.claimDueWaits,
    nextWaitAtMs: waits.nextWaitAtMs,
    migrate: () =>
      migratePg(pool).catch((error: Error) => {
        throw Errors.STORE_UNAVAILABLE(describeServer(options.connectionString), error.message, { cause: error });
      }),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
    async durable() {},
    async ping() {
      await pool.query('SELECT 1');
    },
    commit,
    async getExecution(id) {
      const row = await one('SELECT * FROM executions WHERE id = $1', [id]);
      return row ? toExecution(row) : null;
    },
    async listExecutions(query: ExecutionQuery = {}) {
      const where = createWhere();
      if (query.workflowId) where.add('workflow_id = ?', query.workflowId);
      if (query.status) where.add('status = ?', query.status);
      const sql = numbered(`SELECT * FROM executions ${where.sql} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`);
      const { rows } = await pool.query(sql, [...where.params, query.limit ?? 50, query.offset ?? 0]);
      return rows.map(toExecution);
    },
    async heartbeat(nowMs) {
      await pool.query(SQL.heartbeat, [owner, nowMs]);
    },
    async claimOrphanedExecutions(nowMs, staleMs, limit) {
      // Alive first: what this process takes is then never an orphan in another's eyes.
      await pool.query(SQL.heartbeat, [owner, nowMs]);
      const { rows } = await pool.query(SQL.claimOrphans, [owner, nowMs - staleMs, limit]);
      // Processes silent ten times as long are gone for good: forget them (their runs were just taken).
      await pool.query(SQL.forgetProcesses, [nowMs - staleMs * 10]);
      return rows.map(toExecution).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    subscriptionsVersion: subscriptions.version,
    listen: (listener) =>
      listenPg({ connectionString: options.connectionString, schema: options.schema }, listener, (error) =>
        options.onConnectionError?.(error),
      ),
    saveSubscription: subscriptions.save,
    getSubscription: subscriptions.get,
    listSubscriptions: subscriptions.list,
    countSubscriptions: subscriptions.count,
    deleteSubscription: subscriptions.delete,
    async listEvents(query: EventQuery = {}) {
      const where = createWhere().add('seq > ?', query.afterSeq ?? 0);
      if (query.type) where.add('type = ?', query.type);
      if (query.sinceTimestamp) where.add('timestamp >= ?', query.sinceTimestamp);
      if (query.untilTimestamp) where.add('timestamp <= ?', query.untilTimestamp);
      const sql = numbered(`SELECT * FROM events ${where.sql} ORDER BY seq LIMIT ?`);
      const { rows } = await pool.query(sql, [...where.params, query.limit ?? 100]);
      return rows.map(toEvent);
    },
    async getEvent(id) {
      const row = await one('SELECT * FROM events WHERE id = $1', [id]);
      return row ? toEvent(row) : null;
    },
  };
}

/** Where a connection string points, without its password: `host:port/database`. */
function describeServer(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'the configured PostgreSQL server';
  }
}

/** Two updates of one execution in one batch, as if applied one after the other. */
function mergeUpdates(first: ExecutionUpdate, second: ExecutionUpdate): ExecutionUpdate {
  return {
    id: first.id,
    status: second.status,
    output: second.output !== undefined ? second.output : first.output,
    error: second.error !== undefined ? second.error : first.error,
    startedAt: second.startedAt ?? first.startedAt,
    finishedAt: second.finishedAt ?? first.finishedAt,
  };
}
