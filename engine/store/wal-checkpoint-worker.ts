/**
 * The WAL checkpointer's thread (wal-checkpointer.ts): its own connection to the database, which
 * copies committed pages from the `-wal` file back into the database file with passive
 * checkpoints. A passive checkpoint takes no writer lock: the main thread's commits go on while it
 * copies, and the two fsyncs a checkpoint needs happen here, not on the thread that serves requests.
 *
 * workerData: `{ path, everyMs, busyTimeoutMs }`. Messages in: `'close'`. Messages out:
 * `{ kind: 'checkpoint', frames, backfilled }` after each checkpoint that copied something, or
 * `{ kind: 'error', message }`.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { TUNING } from '../tuning.js';

interface CheckpointerData {
  path: string;
  everyMs: number;
  busyTimeoutMs: number;
}

const { path, everyMs, busyTimeoutMs } = workerData as CheckpointerData;
const port = parentPort!;

/** Opens the connection, or tells the main thread why it could not (an error thrown here would reach it as `{}`). */
function open(): { db: Database.Database; checkpoint: Database.Statement; dataVersion: Database.Statement } | null {
  try {
    const db = new Database(path, { fileMustExist: true });
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    // NORMAL in WAL mode: the WAL is synced before its pages are copied, the database file after.
    db.pragma('synchronous = NORMAL');
    // This connection only checkpoints, on its own schedule.
    db.pragma('wal_autocheckpoint = 0');
    return {
      db,
      checkpoint: db.prepare('PRAGMA wal_checkpoint(PASSIVE)'),
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
    };
  } catch (error) {
    port.postMessage({ kind: 'error', message: (error as Error).message });
    return null;
  }
}

const opened = open();

/** The last checkpoint reported: what other connections had committed, and how far it copied. */
let last = { version: -1, backfilled: -1 };

interface Checkpoint {
  busy: number;
  /** Frames in the WAL when the checkpoint began. */
  log: number;
  /** Frames copied into the database file (of the WAL's current run). */
  checkpointed: number;
}

function checkpointOnce({ checkpoint, dataVersion }: NonNullable<typeof opened>): Checkpoint {
  // Changes whenever another connection commits; the WAL's frame counts may repeat after it restarts.
  const version = dataVersion.get() as number;
  const row = checkpoint.get() as Checkpoint;
  if (row.log <= 0 || (version === last.version && row.checkpointed === last.backfilled)) return row;
  last = { version, backfilled: row.checkpointed };
  port.postMessage({ kind: 'checkpoint', frames: row.log, backfilled: row.checkpointed });
  return row;
}

/**
 * Checkpoints until the WAL is empty, or a checkpoint finds it as the one before left it, or
 * `TUNING.store.checkpointRounds` in a row (see there why one is not enough under a steady load).
 */
function checkpointUntilCopied(connection: NonNullable<typeof opened>): void {
  let before: Checkpoint | null = null;
  for (let round = 0; round < TUNING.store.checkpointRounds; round++) {
    const row = checkpointOnce(connection);
    if (row.log <= 0 || (before && row.log === before.log && row.checkpointed === before.checkpointed)) return;
    before = row;
  }
}

if (opened) {
  const timer = setInterval(() => {
    try {
      checkpointUntilCopied(opened);
    } catch (error) {
      // The main thread's connection takes the checkpoints back (wal-checkpointer.ts).
      clearInterval(timer);
      port.postMessage({ kind: 'error', message: (error as Error).message });
    }
  }, everyMs);
  port.on('message', (message: unknown) => {
    if (message !== 'close') return;
    clearInterval(timer);
    opened.db.close();
    port.close();
  });
} else {
  port.close();
}
