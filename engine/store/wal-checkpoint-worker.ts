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

interface Connection {
  db: Database.Database;
  checkpoint: Database.Statement;
  restart: Database.Statement;
  dataVersion: Database.Statement;
  pageSize: number;
}

/** Opens the connection, or tells the main thread why it could not (an error thrown here would reach it as `{}`). */
function open(): Connection | null {
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
      restart: db.prepare('PRAGMA wal_checkpoint(RESTART)'),
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
      pageSize: db.pragma('page_size', { simple: true }) as number,
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

function checkpointOnce({ checkpoint, dataVersion }: Connection, statement = checkpoint): Checkpoint {
  // Changes whenever another connection commits; the WAL's frame counts may repeat after it restarts.
  const version = dataVersion.get() as number;
  const row = statement.get() as Checkpoint;
  if (row.log <= 0 || (version === last.version && row.checkpointed === last.backfilled)) return row;
  last = { version, backfilled: row.checkpointed };
  port.postMessage({ kind: 'checkpoint', frames: row.log, backfilled: row.checkpointed });
  return row;
}

/**
 * Checkpoints until the WAL is empty, or a checkpoint finds it as the one before left it, or
 * `TUNING.store.checkpointRounds` in a row (see there why one is not enough under a steady load).
 *
 * Then, if the WAL is still past `walSizeLimitBytes`, one RESTART checkpoint. The WAL starts over
 * only at a commit that begins while every frame has been copied; passive rounds chasing commits
 * that come every millisecond never leave such a moment (measured: 50 KB commits 1 ms apart, 0
 * restarts in 3 s and a 256 MB WAL; 2 ms apart, 19 restarts). RESTART holds new writers back while
 * it copies the little the passive rounds left, and succeeds only with no reader left in the WAL,
 * so the next commit starts it over: the store's commits wait that long, a few milliseconds, once
 * per `walSizeLimitBytes` written.
 */
function checkpointUntilCopied(connection: Connection): void {
  let latest: Checkpoint | null = null;
  for (let round = 0; round < TUNING.store.checkpointRounds; round++) {
    const row = checkpointOnce(connection);
    // Nothing moved: a reader holds the rest, and a RESTART would only wait for it.
    if (latest && row.log === latest.log && row.checkpointed === latest.checkpointed) return;
    latest = row;
    if (row.log <= 0) return;
  }
  if (latest && latest.log * connection.pageSize > TUNING.store.walSizeLimitBytes) restart(connection);
}

/**
 * One RESTART checkpoint that waits for nothing: with a busy writer or a reader in the WAL it gives
 * up at once (SQLITE_BUSY is its answer, not an error) and the next round tries again. Commits wait
 * while it holds the writer lock (the main thread's busy handler sleeps 1, 2, 5 ms … between
 * tries): waiting 10 ms for readers put single commits at 13–29 ms; waiting for nothing, at 6–10 ms
 * (the passive rounds' worst without it: 10 ms).
 */
function restart(connection: Connection): void {
  connection.db.pragma('busy_timeout = 0');
  try {
    checkpointOnce(connection, connection.restart);
  } finally {
    connection.db.pragma(`busy_timeout = ${busyTimeoutMs}`);
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
