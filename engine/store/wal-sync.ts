/**
 * Makes acknowledged SQLite commits durable off the thread that serves requests. In WAL mode a
 * commit appends its frames to the `-wal` file; `synchronous = FULL` then fsyncs that file inside
 * COMMIT, blocking the event loop for the disk's flush (a few ms per group on this kind of disk).
 * Committing with `NORMAL` and then `fdatasync`ing the same file on libuv's thread pool puts the
 * same frames on disk before the caller is answered: FULL's guarantee for that commit, while the
 * loop goes on serving requests.
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface WalSyncer {
  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export function createWalSyncer(walPath: string): WalSyncer {
  let handle: Promise<FileHandle> | null = null;
  let last: Promise<void> = Promise.resolve();
  /** A sync queued behind the one running: it covers every commit made before it starts. */
  let queued: Promise<void> | null = null;

  const datasync = async (): Promise<void> => {
    handle ??= open(walPath, 'r');
    try {
      await (await handle).datasync();
    } catch (error) {
      // Opened again next time: a file that could not be opened or synced may be back.
      handle = null;
      throw error;
    }
  };

  return {
    sync() {
      if (queued) return queued;
      const next = last.then(() => {
        queued = null;
        return datasync();
      });
      queued = next;
      // A failed sync fails its callers; the next one still runs.
      last = next.catch(() => undefined);
      return next;
    },
    async close() {
      await last;
      if (handle) await (await handle.catch(() => null))?.close();
      handle = null;
    },
  };
}
