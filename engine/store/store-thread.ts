/**
 * A worker thread with its own connection to the SQLite file: the checkpoint thread
 * (wal-checkpointer.ts) and the commit thread (commit-thread.ts). Starting it, telling its owner
 * when it fails, and closing it are the same for both.
 *
 * A thread's module posts `{ kind: 'error', error: { message } }` when it cannot work (an error
 * thrown there would reach this side as `{}`), and closes its connection and port on `'close'`.
 */
import { Worker } from 'node:worker_threads';
import { resolveWorkerEntry } from '../pool/dispatcher.js';

export interface StoreThread {
  readonly worker: Worker;
  /** True once the thread failed or was closed: it takes no more work. */
  readonly stopped: boolean;
  /** Asks the thread to close its connection and waits for it to exit (ends it after a while). */
  close(): Promise<void>;
}

export interface StoreThreadOptions {
  /** The module's name in this folder, without its extension (e.g. `commit-worker`). */
  module: string;
  workerData: unknown;
  onMessage(message: unknown): void;
  /** The thread could not start, failed, or exited on its own: its owner must do its work again. */
  onFailure(error: Error): void;
}

/** How long `close` waits for the thread's work in progress before it ends the thread. */
const CLOSE_TIMEOUT_MS = 10_000;

export function startStoreThread(options: StoreThreadOptions): StoreThread {
  // resolveWorkerEntry finds the compiled module, or loads the TypeScript source under vitest.
  const entry = resolveWorkerEntry(
    new URL('../pool/dispatcher.js', import.meta.url).href,
    `../store/${options.module}`,
  );
  const worker = new Worker(entry.filename, { execArgv: entry.execArgv, workerData: options.workerData });
  let stopped = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const fail = (error: Error): void => {
    if (stopped) return;
    stopped = true;
    options.onFailure(error);
    void worker.terminate();
  };
  // An error thrown in the thread may arrive as a plain object (a SqliteError is not cloned as one).
  worker.on('error', (error: unknown) =>
    fail(error instanceof Error ? error : new Error(String((error as { message?: unknown })?.message ?? error))),
  );
  worker.once('exit', (code) => fail(new Error(`the thread exited with code ${code}`)));
  worker.on('message', (message: { kind?: string; error?: { message: string } }) => {
    if (message?.kind === 'error') fail(new Error(message.error?.message ?? 'the thread failed'));
    else options.onMessage(message);
  });

  return {
    worker,
    get stopped() {
      return stopped;
    },
    async close() {
      if (stopped) return void (await exited);
      stopped = true;
      worker.postMessage('close');
      const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
