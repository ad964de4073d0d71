/**
 * A lock between the threads that write to one SQLite file (the store's connection and the commit
 * thread's: commit-thread.ts), held for each write transaction. SQLite serialises writers itself,
 * but a connection that finds the write lock taken sleeps in its busy handler for 1, 2, 5, 10 …
 * ms and looks again: a main thread that keeps losing that race to a busy commit thread stalls
 * its event loop for tens of milliseconds. Here the waiter is woken (`Atomics.notify`) the moment
 * the lock is released, so it waits only as long as the other transaction runs.
 *
 * Another process writing to the file (the CLI) is still served by SQLite's own busy handler.
 */
import type Database from 'better-sqlite3';

export interface WriteLock {
  /** Shared with the other thread (`workerData`), which makes its own `createWriteLock(buffer)`. */
  readonly buffer: SharedArrayBuffer;
  /** Runs `fn` holding the lock; re-entrant within a thread. */
  hold<T>(fn: () => T): T;
}

const FREE = 0;
const TAKEN = 1;
/** A missed wake-up costs at most this long (the loop looks again). */
const WAIT_SLICE_MS = 20;

export function createWriteLock(buffer: SharedArrayBuffer = new SharedArrayBuffer(4)): WriteLock {
  const state = new Int32Array(buffer);
  let depth = 0;
  return {
    buffer,
    hold(fn) {
      if (depth === 0) {
        while (Atomics.compareExchange(state, 0, FREE, TAKEN) !== FREE) Atomics.wait(state, 0, TAKEN, WAIT_SLICE_MS);
      }
      depth++;
      try {
        return fn();
      } finally {
        depth--;
        if (depth === 0) {
          Atomics.store(state, 0, FREE);
          Atomics.notify(state, 0, 1);
        }
      }
    },
  };
}

type TransactionFunction = ReturnType<Database.Database['transaction']>;
const MODES = ['deferred', 'immediate', 'exclusive'] as const;

/**
 * Makes every transaction `db.transaction` creates from now on take `lock` first. Call it before
 * the statements and transactions of the store are made.
 */
export function lockTransactions(db: Database.Database, lock: WriteLock): void {
  const create = db.transaction.bind(db);
  const guard =
    (run: (...args: unknown[]) => unknown) =>
    (...args: unknown[]) =>
      lock.hold(() => run(...args));
  db.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const transaction = create(fn) as TransactionFunction;
    const guarded = guard(transaction) as TransactionFunction;
    for (const mode of MODES) Object.defineProperty(guarded, mode, { value: guard(transaction[mode]) });
    Object.defineProperty(guarded, 'default', { value: guarded });
    Object.defineProperty(guarded, 'database', { value: db });
    return guarded;
  }) as Database.Database['transaction'];
}
