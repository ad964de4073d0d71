/**
 * The embedded store: better-sqlite3 in WAL mode. The main thread owns the one connection that
 * reads and writes rows; calls are synchronous underneath and async in the contract so the
 * PostgreSQL store fits the same interface. One thread of its own opens the file too, only to copy
 * committed WAL pages into it (wal-checkpointer.ts): no row is written there.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventEnvelope } from '../events/envelope.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import { TUNING } from '../tuning.js';
import { createWhere } from './sql-where.js';
import type { SecretBox } from './secret-box.js';
import type {
  CommitResult,
  EventQuery,
  ExecutionQuery,
  KeyedEvent,
  NewExecution,
  StagedCommit,
  Store,
  WriteBatch,
} from './types.js';
import { idempotencySince } from './idempotency.js';
import { createSqliteEventTypes } from './sqlite-event-types.js';
import { createSqliteOutbox, type SqliteOutbox } from './sqlite-outbox.js';
import { createSqliteDeliveryLog } from './sqlite-delivery-log.js';
import { createSqliteSubscriptions } from './sqlite-subscriptions.js';
import { createSqliteCatalog } from './sqlite-catalog.js';
import { createSqliteHistory } from './sqlite-history.js';
import { createSqliteRunState } from './sqlite-run-state.js';
import { createWalSyncer } from './wal-sync.js';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';
import type { Logger } from '../logger.js';
import { createSqliteWaits } from './sqlite-waits.js';
import { toJsonColumn } from './json-columns.js';
import { executionParams, toEvent, toExecution, updateParams, type Row } from './rows.js';
import { createMemoryCounters } from './memory-counters.js';

export interface SqliteStoreOptions {
  /** File path, or `:memory:`. The folder is created. */
  path: string;
  secretBox: SecretBox;
  /**
   * Durability of acknowledged writes (`WriteBatch.acknowledged`). `FULL` survives power loss (in WAL
   * mode by an `fdatasync` of the `-wal` file after a `NORMAL` commit, off the event loop: wal-sync.ts);
   * `NORMAL` (WAL) survives a killed process but may lose the last commits on power loss. Other
   * writes always use `NORMAL`: in WAL mode they survive `kill -9`, and the next `FULL` commit
   * syncs them to disk in order.
   * @defaultValue 'FULL'
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** This process's name in the store (`Store.owner`). @defaultValue a random one */
  owner?: string;
  /**
   * Whether WAL checkpoints run on a thread of their own (wal-checkpointer.ts) rather than inside
   * the commits of the main thread. Files in WAL mode only. @defaultValue true
   */
  checkpointThread?: boolean;
  /** Told when the checkpoint thread fails (the main connection then checkpoints again). */
  log?: Logger;
}

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

export type SqliteStore = Store & {
  readonly db: Database.Database;
  readonly outbox: SqliteOutbox;
  /** The checkpoint thread, when there is one (`checkpointThread`). */
  readonly checkpointer: WalCheckpointer | null;
};

export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const created = options.path !== ':memory:' && createPrivateFile(options.path);
  const db = new Database(options.path);
  // Free pages go back to the file system only with incremental auto-vacuum, which a database takes
  // before its first table only: an older file keeps reusing its free pages (README, "History").
  if (db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() === 0) db.pragma('auto_vacuum = INCREMENTAL');
  const inWal = db.pragma('journal_mode = WAL', { simple: true }) === 'wal';
  // SQLite gives -wal and -shm the database file's mode; the chmod covers an unusual VFS or umask.
  if (created) for (const suffix of ['-wal', '-shm']) chmodIfPresent(`${options.path}${suffix}`);
  const acknowledgedSync = options.synchronous ?? 'FULL';
  let currentSync = 'NORMAL';
  db.pragma('synchronous = NORMAL');
  // Switching is a cheap pragma; only writes someone waits on pay for the fsync.
  const useSync = (mode: string): void => {
    if (mode === currentSync) return;
    db.pragma(`synchronous = ${mode}`);
    currentSync = mode;
  };
  // FULL for acknowledged writes, with the fsync off the event loop (wal-sync.ts).
  const walSync = acknowledgedSync === 'FULL' && inWal ? createWalSyncer(`${options.path}-wal`) : null;
  db.pragma(`busy_timeout = ${TUNING.store.busyTimeoutMs}`);
  db.pragma(`journal_size_limit = ${TUNING.store.walSizeLimitBytes}`);
  db.pragma('foreign_keys = ON');
  const checkpointer =
    inWal && options.checkpointThread !== false ? startCheckpointer(db, options.path, options.log) : null;
  const box = options.secretBox;
  const owner = options.owner ?? `sqlite:${process.pid}:${randomUUID().slice(0, 8)}`;
  const counters = createMemoryCounters();

  const migrate = (): number[] => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    const done: number[] = [];
    for (const migration of SQLITE_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      db.transaction(() => {
        db.exec(migration.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          migration.version,
          migration.name,
          new Date().toISOString(),
        );
      })();
      done.push(migration.version);
    }
    return done;
  };
  const appliedNow = migrate();

  const stmt = {
    insertExecution: db.prepare(STORE_SQL.insertExecution),
    findIdempotent: db.prepare(STORE_SQL.findIdempotent).pluck(),
    updateExecution: db.prepare(STORE_SQL.updateExecution),
    insertEvent: db.prepare(STORE_SQL.insertEvent),
    findKeyedEvent: db.prepare(STORE_SQL.findKeyedEvent),
    keyEvent: db.prepare(STORE_SQL.keyEvent),
    getExecution: db.prepare('SELECT * FROM executions WHERE id = ?'),
    getEvent: db.prepare('SELECT * FROM events WHERE id = ?'),
    subscriptionsVersion: db.prepare('SELECT version FROM subscriptions_version WHERE id = 1').pluck(),
    // A resumed parked execution is not an orphan: claimDueWaits takes it back (sqlite-waits.ts).
    claimOrphans: db.prepare(`UPDATE executions SET owner = ? WHERE id IN (SELECT id FROM executions e
      WHERE status IN ('queued', 'running') AND owner IS NOT ?
        AND NOT EXISTS (SELECT 1 FROM execution_waits w WHERE w.execution_id = e.id)
      ORDER BY created_at, id LIMIT ?) RETURNING *`),
  };
  const subscriptions = createSqliteSubscriptions(db, box);
  // The delivery loop's own writes (fan-out, claims, settlements) are acknowledged to no one: like
  // run progress, they survive a killed process (WAL) without an fsync each. Left at FULL after an
  // acknowledged commit, every claim and settlement paid one (the delivery figure's main cost).
  const outbox = createSqliteOutbox(db, subscriptions.saveHealth, () => useSync('NORMAL'));
  const deliveryLog = createSqliteDeliveryLog(db);
  const catalog = createSqliteCatalog(db, box);
  const history = createSqliteHistory(db);
  const eventTypes = createSqliteEventTypes(db);
  const waits = createSqliteWaits(db, owner);

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
    stmt.insertExecution.run({ ...executionParams(record), owner });
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

  const commitSync = db.transaction((batch: WriteBatch): CommitResult => {
    const result: CommitResult = { executionIds: new Map(), eventIds: new Map(), deliveries: 0, events: 0 };
    for (const item of batch.executions ?? []) insertExecution(item, result);
    for (const item of batch.keyedEvents ?? []) insertKeyedEvent(item, result);
    for (const update of batch.executionUpdates ?? []) stmt.updateExecution.run(updateParams(update));
    waits.writeWaits(batch.executionUpdates ?? []);
    result.events += insertEvents(batch.events ?? []);
    outbox.insertDeliveries(batch.deliveries ?? []);
    result.deliveries = batch.deliveries?.length ?? 0;
    return result;
  });

  /** The write happens in the call; an acknowledged one is durable once its WAL sync resolves. */
  function commitStaged(batch: WriteBatch): StagedCommit {
    if (batch.acknowledged && walSync) {
      useSync('NORMAL');
      const result = commitSync(batch);
      return { result, durable: walSync.sync() };
    }
    useSync(batch.acknowledged ? acknowledgedSync : 'NORMAL');
    return { result: commitSync(batch), durable: Promise.resolve() };
  }

  return {
    kind: 'sqlite',
    owner,
    counters,
    db,
    outbox,
    checkpointer,
    deliveryLog,
    async migrate() {
      return appliedNow.length > 0 ? appliedNow : migrate();
    },
    async close() {
      await checkpointer?.close();
      await walSync?.close();
      if (db.open) db.close();
    },
    async durable() {
      await walSync?.sync();
    },
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async commit(batch) {
      const { result, durable } = commitStaged(batch);
      await durable;
      return result;
    },
    commitStaged,
    ...catalog,
    ...eventTypes,
    ...createSqliteRunState(db, owner),
    claimDueWaits: waits.claimDueWaits,
    nextWaitAtMs: waits.nextWaitAtMs,
    async purgeHistory(beforeMs, batchRows) {
      useSync('NORMAL');
      return history.purge(beforeMs, batchRows);
    },
    async reclaimSpace(maxPages) {
      return history.reclaimSpace(maxPages);
    },
    async eraseEventContent(id, nowMs) {
      // The caller is told the content is gone: durable like any acknowledged write.
      useSync(acknowledgedSync);
      return history.erase(id, nowMs);
    },
    async getExecution(id) {
      const row = stmt.getExecution.get(id) as Row | undefined;
      return row ? toExecution(row) : null;
    },
    async listExecutions(query: ExecutionQuery = {}) {
      const where = createWhere();
      if (query.workflowId) where.add('workflow_id = ?', query.workflowId);
      if (query.status) where.add('status = ?', query.status);
      const sql = `SELECT * FROM executions ${where.sql} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`;
      return (db.prepare(sql).all(...where.params, query.limit ?? 50, query.offset ?? 0) as Row[]).map(toExecution);
    },
    async heartbeat() {
      // One process: nothing else reads it.
    },
    async claimOrphanedExecutions(_nowMs, _staleMs, limit) {
      // The one process of an embedded store is this one: whatever another owner left is an orphan.
      const rows = stmt.claimOrphans.all(owner, owner, limit) as Row[];
      return rows.map(toExecution).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    async subscriptionsVersion() {
      return Number(stmt.subscriptionsVersion.get());
    },
    async listen() {
      // One process: nobody else signals. Polling covers anything this process missed.
      return async () => {};
    },
    async saveSubscription(subscription) {
      subscriptions.save(subscription);
    },
    async getSubscription(id) {
      return subscriptions.get(id);
    },
    async listSubscriptions(query = {}) {
      return subscriptions.list(query);
    },
    async countSubscriptions(query = {}) {
      return subscriptions.count(query);
    },
    async deleteSubscription(id) {
      return subscriptions.delete(id);
    },
    async listEvents(query: EventQuery = {}) {
      const where = createWhere().add('seq > ?', query.afterSeq ?? 0);
      if (query.type) where.add('type = ?', query.type);
      if (query.sinceTimestamp) where.add('timestamp >= ?', query.sinceTimestamp);
      if (query.untilTimestamp) where.add('timestamp <= ?', query.untilTimestamp);
      const rows = db
        .prepare(`SELECT * FROM events ${where.sql} ORDER BY seq LIMIT ?`)
        .all(...where.params, query.limit ?? 100) as Row[];
      return rows.map(toEvent);
    },
    async getEvent(id) {
      const row = stmt.getEvent.get(id) as Row | undefined;
      return row ? toEvent(row) : null;
    },
  };
}

/** Starts the checkpoint thread and stops `db`'s own checkpoints; gives them back if the thread fails. */
function startCheckpointer(db: Database.Database, path: string, log: Logger | undefined) {
  const automatic = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.pragma('wal_autocheckpoint = 0');
  return startWalCheckpointer({
    path,
    everyMs: TUNING.store.checkpointEveryMs,
    busyTimeoutMs: TUNING.store.busyTimeoutMs,
    onFailure(error) {
      log?.error({ err: error }, 'the WAL checkpoint thread failed: checkpoints run inside commits again');
      if (db.open) db.pragma(`wal_autocheckpoint = ${automatic}`);
    },
  });
}

/**
 * Creates the database file with mode 0600 before SQLite opens it (SQLite would use 0644), so
 * secrets, payloads and their -wal/-shm companions are never readable by other users. Returns
 * whether the file is new; an existing file keeps the mode its operator gave it.
 */
function createPrivateFile(path: string): boolean {
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path)) return false;
  closeSync(openSync(path, 'a', 0o600));
  chmodIfPresent(path);
  return true;
}

function chmodIfPresent(path: string): void {
  if (existsSync(path)) chmodSync(path, 0o600);
}
