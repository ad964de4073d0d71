/**
 * The backlog: deliveries open (pending, retrying, in flight) plus events not fanned out yet, as
 * this process counts them, and the optional load shedding on it (`HOOKLINE_MAX_BACKLOG`).
 * Counted at start, kept by commits, fan-outs and final settlements, and recounted from the store
 * every few seconds while shedding is on, so changes the counters do not see (a deleted webhook's
 * rows, a manual retry) cannot leave triggers shed for good. With several engines on one store,
 * each process sheds on its own view.
 */
import type { Logger } from '../logger.js';
import type { OutboxStore } from '../store/types.js';
import { TUNING } from '../tuning.js';

export interface Backlog {
  /** Deliveries written open (explicit ones at commit, planned ones at fan-out). */
  opened(count: number): void;
  /** Deliveries that reached a final state. */
  closed(count: number): void;
  /** Events written, waiting for their fan-out. */
  eventsWritten(count: number): void;
  /** Events fanned out. */
  eventsFannedOut(count: number): void;
  /** Seconds a trigger caller should wait while the backlog is over the mark (counted and logged), else 0. */
  shedSeconds(): number;
  readonly size: number;
  readonly shedCount: number;
  /** Counts again from the store (at start, then on a timer while shedding is on). */
  recount(): Promise<void>;
  start(): Promise<void>;
  stop(): void;
}

export function createBacklog(options: { outbox: OutboxStore; maxBacklog: number; log: Logger }): Backlog {
  const { outbox, maxBacklog, log } = options;
  let openDeliveries = 0;
  let pendingEvents = 0;
  let shedCount = 0;
  let shedLoggedAtMs = 0;
  let recount: NodeJS.Timeout | null = null;

  const count = async (): Promise<void> => {
    openDeliveries = await outbox.countOpen();
    pendingEvents = await outbox.pendingFanOut();
  };

  // Not clamped at zero on the way down: a commit is counted once durable, and with the WAL synced
  // off the event loop (wal-sync.ts) its events may be fanned out, and its deliveries settled, while
  // it waits for the disk. The count dips below zero then, and comes back when the commit is counted.
  const total = (): number => Math.max(0, openDeliveries) + Math.max(0, pendingEvents);
  return {
    opened: (n) => void (openDeliveries += n),
    closed: (n) => void (openDeliveries -= n),
    eventsWritten: (n) => void (pendingEvents += n),
    eventsFannedOut: (n) => void (pendingEvents -= n),
    shedSeconds() {
      const size = total();
      if (maxBacklog === 0 || size <= maxBacklog) return 0;
      shedCount++;
      if (Date.now() - shedLoggedAtMs >= 1000) {
        shedLoggedAtMs = Date.now();
        log.warn({ backlog: size, maxBacklog, shed: shedCount }, 'shedding trigger load');
      }
      return TUNING.backlogRetryAfterSec;
    },
    get size() {
      return total();
    },
    get shedCount() {
      return shedCount;
    },
    recount: count,
    async start() {
      await count();
      if (maxBacklog === 0) return;
      recount = setInterval(() => {
        count().catch((error) => log.error({ err: error }, 'backlog recount failed'));
      }, TUNING.backlogRecountEveryMs);
      recount.unref();
    },
    stop() {
      if (recount) clearInterval(recount);
      recount = null;
    },
  };
}
