/**
 * Moves SQLite's WAL checkpoints off the thread that serves requests. By default the connection
 * that commits runs a checkpoint inside `COMMIT` whenever the `-wal` file passes 1,000 pages: it
 * copies those pages into the database file and fsyncs both files, while the event loop waits. For
 * the ingress write (groups of 20 executions) `BEGIN`…`COMMIT` took 48–52 µs per row with those
 * checkpoints and 16–18 µs without, and they were the loop's longest pauses.
 *
 * Here the store's connection never checkpoints (`wal_autocheckpoint = 0`), and a worker thread
 * with its own connection runs a passive checkpoint every `everyMs`, and again at once while
 * commits keep adding frames, until one has copied the whole WAL so that the next commit starts it
 * over (wal-checkpoint-worker.ts). A passive checkpoint takes no writer lock, so commits go on
 * while it copies; past `walSizeLimitBytes` one RESTART checkpoint, which holds commits back for
 * the little left to copy, makes sure the WAL does start over. Should the thread fail, `onFailure` is told and the store's connection
 * checkpoints as before.
 */
import { Worker } from 'node:worker_threads';
import { resolveWorkerEntry } from '../pool/dispatcher.js';

export interface CheckpointProgress {
  /** Frames in the WAL when the checkpoint ran. */
  frames: number;
  /** Frames copied into the database file so far (all of them when equal to `frames`). */
  backfilled: number;
}

export interface WalCheckpointer {
  /** Resolves with the next checkpoint that copies pages. */
  nextCheckpoint(): Promise<CheckpointProgress>;
  /** Stops the thread and closes its connection. */
  close(): Promise<void>;
}

export interface WalCheckpointerOptions {
  /** The database file (in WAL mode). */
  path: string;
  everyMs: number;
  busyTimeoutMs: number;
  /** The thread could not start or died: the caller's connection must checkpoint again. */
  onFailure(error: Error): void;
}

type WorkerMessage = ({ kind: 'checkpoint' } & CheckpointProgress) | { kind: 'error'; message: string };

const ENTRY = resolveWorkerEntry(
  new URL('../pool/dispatcher.js', import.meta.url).href,
  '../store/wal-checkpoint-worker',
);

/** How long `close` waits for the thread's checkpoint in progress before it ends the thread. */
const CLOSE_TIMEOUT_MS = 10_000;

export function startWalCheckpointer(options: WalCheckpointerOptions): WalCheckpointer {
  const worker = new Worker(ENTRY.filename, {
    execArgv: ENTRY.execArgv,
    workerData: { path: options.path, everyMs: options.everyMs, busyTimeoutMs: options.busyTimeoutMs },
    // It holds a connection and a timer, nothing more: a small heap keeps the process's RSS down
    // (the backlog figure's peak is held to 300 MB).
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
  });
  let closing = false;
  let waiters: ((progress: CheckpointProgress) => void)[] = [];
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const fail = (error: Error): void => {
    if (closing) return;
    closing = true;
    options.onFailure(error);
    void worker.terminate();
  };
  // An error thrown in the thread may arrive as a plain object (a SqliteError is not cloned as one).
  worker.on('error', (error: unknown) =>
    fail(error instanceof Error ? error : new Error(String((error as { message?: unknown })?.message ?? error))),
  );
  worker.once('exit', (code) => fail(new Error(`the WAL checkpoint thread exited with code ${code}`)));
  worker.on('message', (message: WorkerMessage) => {
    if (message.kind === 'checkpoint') {
      const ready = waiters;
      waiters = [];
      for (const resolve of ready) resolve({ frames: message.frames, backfilled: message.backfilled });
    } else if (message.kind === 'error') {
      fail(new Error(`WAL checkpoint failed: ${message.message}`));
    }
  });

  // The thread never keeps the process alive: a process that exits without `close` loses nothing,
  // since every commit is in the WAL and the next open checkpoints it. (After the listeners: adding
  // one would hold the process again.)
  worker.unref();

  return {
    nextCheckpoint() {
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      if (closing) return void (await exited);
      closing = true;
      worker.postMessage('close');
      const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
