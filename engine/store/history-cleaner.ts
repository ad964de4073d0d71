/**
 * The history cleaner: at start and every `intervalSec`, deletes what is older than the retention
 * (see `HistoryStore.purgeHistory` for the rules) in small batches, then gives the freed space back
 * (SQLite). Each batch is one short transaction and the cleaner yields the thread between batches,
 * so requests are answered between them however much history is due. Separate from the 24 h expiry
 * of undelivered deliveries, which the outbox does.
 */
import type { Logger } from '../logger.js';
import type { HistoryStore } from './types.js';

export interface HistoryCleanerOptions {
  store: Pick<HistoryStore, 'purgeHistory' | 'reclaimSpace'>;
  /** Rows finished longer ago than this are deleted; 0 keeps history forever (no cleaner runs). */
  retentionSec: number;
  /** Time between passes (one also runs at start). */
  intervalSec: number;
  /** Rows per batch (one transaction). */
  batchRows: number;
  /** Free pages given back per step after a pass. */
  vacuumPages: number;
  log: Logger;
  /** @defaultValue Date.now */
  now?: () => number;
}

/** What one pass did. */
export interface CleanupPass {
  deliveries: number;
  attempts: number;
  events: number;
  executions: number;
  batches: number;
  /** Pages given back to the file system (SQLite with incremental auto-vacuum). */
  reclaimedPages: number;
  /** Everything finished before this time was due. */
  cutoff: string;
}

export interface HistoryCleaner {
  /** Starts a pass now and schedules the next ones. */
  start(): void;
  /** Stops scheduling and waits for the batch in progress (call before the store closes). */
  stop(): Promise<void>;
  /** Runs a pass now (or joins the one running) and resolves with what it did. */
  runPass(): Promise<CleanupPass>;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function createHistoryCleaner(options: HistoryCleanerOptions): HistoryCleaner {
  const { store, log } = options;
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<CleanupPass> | null = null;
  let stopped = false;

  async function pass(): Promise<CleanupPass> {
    const cutoffMs = now() - options.retentionSec * 1000;
    const done: CleanupPass = {
      deliveries: 0,
      attempts: 0,
      events: 0,
      executions: 0,
      batches: 0,
      reclaimedPages: 0,
      cutoff: new Date(cutoffMs).toISOString(),
    };
    // Retention off: nothing is ever due.
    for (let more = options.retentionSec > 0; more && !stopped;) {
      const batch = await store.purgeHistory(cutoffMs, options.batchRows);
      done.batches++;
      done.deliveries += batch.deliveries;
      done.attempts += batch.attempts;
      done.events += batch.events;
      done.executions += batch.executions;
      more = batch.more;
      if (more) await nextTurn();
    }
    for (let freed = options.vacuumPages; freed >= options.vacuumPages && done.batches > 0 && !stopped;) {
      freed = await store.reclaimSpace(options.vacuumPages);
      done.reclaimedPages += freed;
      await nextTurn();
    }
    const deleted = done.deliveries + done.events + done.executions;
    if (deleted > 0 || done.reclaimedPages > 0)
      log.info(done, 'history cleanup: deleted rows older than the retention');
    else log.debug(done, 'history cleanup: nothing older than the retention');
    return done;
  }

  function runPass(): Promise<CleanupPass> {
    running ??= pass().finally(() => (running = null));
    return running;
  }

  /** A failed pass is logged; the next one tries again. */
  const runQuietly = (): void =>
    void runPass().catch((error: unknown) => log.error({ err: error }, 'history cleanup failed'));

  return {
    start() {
      if (options.retentionSec === 0) return void log.info('history retention is off: finished history is kept');
      stopped = false;
      runQuietly();
      timer = setInterval(runQuietly, options.intervalSec * 1000);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
    runPass,
  };
}
