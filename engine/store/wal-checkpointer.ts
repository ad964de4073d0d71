/**
 * Moves SQLite's WAL checkpoints off the thread that serves requests. By default the connection
 * that commits runs a checkpoint inside `COMMIT` whenever the `-wal` file passes 1,000 pages: it
 * copies those pages into the database file and fsyncs both files, while the event loop waits. On
 * the ingress figure's load that was two thirds of every commit's time (48 of 65 µs per row in
 * groups of 20) and the longest pauses of the loop.
 *
 * Here the store's connection never checkpoints (`wal_autocheckpoint = 0`), and a worker thread
 * with its own connection runs a passive checkpoint every `everyMs` (wal-checkpoint-worker.ts). A
 * passive checkpoint takes no writer lock, so commits go on while it copies. Should the thread
 * fail, `onFailure` is told and the store's connection checkpoints as before.
 */
import { startStoreThread } from './store-thread.js';

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

export function startWalCheckpointer(options: WalCheckpointerOptions): WalCheckpointer {
  let waiters: ((progress: CheckpointProgress) => void)[] = [];
  const thread = startStoreThread({
    module: 'wal-checkpoint-worker',
    workerData: { path: options.path, everyMs: options.everyMs, busyTimeoutMs: options.busyTimeoutMs },
    onMessage(message) {
      const progress = message as { kind: string } & CheckpointProgress;
      if (progress.kind !== 'checkpoint') return;
      const ready = waiters;
      waiters = [];
      for (const resolve of ready) resolve({ frames: progress.frames, backfilled: progress.backfilled });
    },
    onFailure: options.onFailure,
  });
  // The thread never keeps the process alive: a process that exits without `close` loses nothing,
  // since every commit is in the WAL and the next open checkpoints it.
  thread.worker.unref();
  return {
    nextCheckpoint() {
      return new Promise((resolve) => waiters.push(resolve));
    },
    close: () => thread.close(),
  };
}
