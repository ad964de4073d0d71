/**
 * The commit thread (commit-thread.ts): its own connection to the database, on which the store's
 * batch writes run (sqlite-commit.ts), with the `fdatasync` of the WAL that makes an acknowledged
 * one durable. The main thread keeps serving requests meanwhile.
 *
 * workerData: `{ path, owner, busyTimeoutMs, lock, autocheckpoint }`. Messages in: `{ id, batch, sync }`,
 * `{ kind: 'autocheckpoint', pages }`, `'close'`. Messages out: `{ kind: 'ready' }`, then
 * `{ id, result }` or `{ id, error }` per batch, in the order they came.
 */
import Database from 'better-sqlite3';
import { fdatasyncSync, openSync, closeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { createSqliteCommit } from './sqlite-commit.js';
import { createSqliteOutbox } from './sqlite-outbox.js';
import { createSqliteWaits } from './sqlite-waits.js';
import type { WriteBatch } from './types.js';
import { createWriteLock } from './write-lock.js';

interface CommitThreadData {
  path: string;
  owner: string;
  busyTimeoutMs: number;
  /** The write lock shared with the main thread (write-lock.ts). */
  lock: SharedArrayBuffer;
  /** The WAL size at which a commit checkpoints; 0 while the checkpoint thread does it. */
  autocheckpoint: number;
}

type Incoming = { id: number; batch: WriteBatch; sync: boolean } | { kind: 'autocheckpoint'; pages: number } | 'close';

const { path, owner, busyTimeoutMs, lock, autocheckpoint } = workerData as CommitThreadData;
const writeLock = createWriteLock(lock);
const port = parentPort!;

/** What the main thread needs of an error: a class does not survive the copy between threads. */
const describe = (error: unknown) => ({
  name: (error as Error)?.name ?? 'Error',
  message: (error as Error)?.message ?? String(error),
  code: (error as { code?: unknown })?.code,
});

function open() {
  try {
    const db = new Database(path, { fileMustExist: true });
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.pragma('foreign_keys = ON');
    // Commits are made durable, when asked, by the fdatasync below (wal-sync.ts explains the pairing).
    db.pragma('synchronous = NORMAL');
    db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
    const commit = createSqliteCommit(db, {
      owner,
      insertDeliveries: createSqliteOutbox(db, () => undefined).insertDeliveries,
      writeWaits: createSqliteWaits(db, owner).writeWaits,
    });
    return { db, commit };
  } catch (error) {
    port.postMessage({ kind: 'error', error: describe(error) });
    return null;
  }
}

const opened = open();
let walFd: number | null = null;

/** Puts everything committed so far on disk: one fdatasync of the `-wal` file. */
function syncWal(): void {
  walFd ??= openSync(`${path}-wal`, 'r');
  try {
    fdatasyncSync(walFd);
  } catch (error) {
    closeSync(walFd);
    walFd = null;
    throw error;
  }
}

if (opened) {
  port.on('message', (message: Incoming) => {
    if (message === 'close') {
      opened.db.close();
      if (walFd !== null) closeSync(walFd);
      return port.close();
    }
    if ('kind' in message) return void opened.db.pragma(`wal_autocheckpoint = ${message.pages}`);
    try {
      const result = writeLock.hold(() => opened.commit(message.batch));
      if (message.sync) syncWal();
      port.postMessage({ id: message.id, result });
    } catch (error) {
      port.postMessage({ id: message.id, error: describe(error) });
    }
  });
  port.postMessage({ kind: 'ready' });
} else {
  port.close();
}
