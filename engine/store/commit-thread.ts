/**
 * Runs the store's batch writes (`Store.commit`: accepted executions, events, run updates,
 * deliveries) on a thread of its own, with the WAL's `fdatasync` that makes an acknowledged one
 * durable (commit-worker.ts). On the ingress figure the transaction was a quarter of the main
 * thread's time; now the main thread parses, checks and answers requests while the write runs.
 *
 * The group committer (group-commit.ts) sends one batch at a time, so batches are written in the
 * order they were submitted. The delivery loop's own writes (fan-out, claims, settlements) stay
 * on the store's connection; both threads take a shared lock for each transaction (write-lock.ts),
 * so neither sleeps in SQLite's busy handler while the other writes.
 */
import type { CommitResult, WriteBatch } from './types.js';
import { startStoreThread } from './store-thread.js';

export interface CommitThread {
  /**
   * Writes `batch` on the thread, then fdatasyncs the WAL when `sync`. Null when the thread cannot
   * take it (it failed, or the batch holds what cannot be copied to a thread): write it yourself.
   */
  commit(batch: WriteBatch, sync: boolean): Promise<CommitResult> | null;
  /** The WAL size (pages) at which the thread's commits checkpoint: 0 while the checkpoint thread does. */
  setAutocheckpoint(pages: number): void;
  close(): Promise<void>;
}

export interface CommitThreadOptions {
  path: string;
  /** The store's owner name, written on accepted executions. */
  owner: string;
  busyTimeoutMs: number;
  /** The write lock's buffer (write-lock.ts): the thread takes it for each transaction. */
  lock: SharedArrayBuffer;
  autocheckpoint: number;
  /** The thread failed: later batches are written by the caller; the ones in flight fail with `error`. */
  onFailure(error: Error): void;
}

interface Pending {
  resolve(result: CommitResult): void;
  reject(error: Error): void;
}

type Reply =
  { id: number; result: CommitResult } | { id: number; error: { name: string; message: string; code?: unknown } };

export function startCommitThread(options: CommitThreadOptions): CommitThread {
  const pending = new Map<number, Pending>();
  let nextId = 0;
  const thread = startStoreThread({
    module: 'commit-worker',
    workerData: {
      path: options.path,
      owner: options.owner,
      busyTimeoutMs: options.busyTimeoutMs,
      lock: options.lock,
      autocheckpoint: options.autocheckpoint,
    },
    onMessage(message) {
      const reply = message as Reply;
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      // Idle, the thread does not keep the process alive; a write in flight does.
      if (pending.size === 0) thread.worker.unref();
      if ('result' in reply) return waiting.resolve(reply.result);
      const error = Object.assign(new Error(reply.error.message), { name: reply.error.name, code: reply.error.code });
      waiting.reject(error);
    },
    onFailure(error) {
      // Whether a batch in flight was written is unknown: its caller is told it failed.
      for (const waiting of pending.values()) waiting.reject(new Error(`the commit thread failed: ${error.message}`));
      pending.clear();
      options.onFailure(error);
    },
  });
  thread.worker.unref();

  return {
    commit(batch, sync) {
      if (thread.stopped) return null;
      const id = nextId++;
      try {
        thread.worker.postMessage({ id, batch, sync });
      } catch {
        // DataCloneError: something in the batch (a function, a class the thread cannot rebuild).
        return null;
      }
      if (pending.size === 0) thread.worker.ref();
      return new Promise<CommitResult>((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    setAutocheckpoint(pages) {
      if (!thread.stopped) thread.worker.postMessage({ kind: 'autocheckpoint', pages });
    },
    close: () => thread.close(),
  };
}
