/**
 * Ingress keeps priority over delivery. Delivery (claims, settlements, expiry) runs in steps; each
 * step's main-thread time is charged to a budget that refills at `busyShare` of wall time while
 * requests are arriving, and at full rate when they are not. A step never starts while the budget
 * is spent, and every step first gives the event loop a turn, so a request that arrived meanwhile
 * is read before delivery goes on. While requests arrive, the pool threads' time (signing and
 * sending what the steps claimed) is charged too: on a machine with few cores those threads take
 * the CPU the requests need, so pacing only the main thread's share let delivery halve ingress.
 *
 * `busyShare` is a floor, not a ceiling: given `mainActiveMs`, the pacer measures how much of the
 * main thread the requests themselves take (its busy time less delivery's charged steps) and lets
 * delivery have what they leave, less `headroom`. A trickle of requests then barely slows a
 * backlog's drain; a flood holds delivery to `busyShare`.
 */
import { TUNING } from '../tuning.js';

export interface Pacer {
  /** A request arrived: delivery keeps to its share for a while. */
  noteForeground(): void;
  /** Resolves when delivery may take its next step: after an event-loop turn, and once the budget allows. */
  turn(): Promise<void>;
  /** Runs a step's synchronous part and charges the time it took. */
  charge<T>(step: () => T): T;
  /** Whether requests arrived lately. */
  readonly busy: boolean;
}

export interface PacerOptions {
  /** Share of wall time delivery may use while requests arrive (0–1]. */
  busyShare: number;
  /** A request within this long counts as busy. */
  busyForMs: number;
  /** Budget that may be spent in one go. */
  burstMs: number;
  /**
   * Time delivery's work has run off the main thread so far, in ms (the pool threads' busy time):
   * what it grew by is charged while requests arrive. @defaultValue nothing is charged
   */
  offThreadMs?: () => number;
  /**
   * The main thread's busy time so far, in ms (`performance.eventLoopUtilization().active`): with
   * it, delivery's share while busy grows to what requests leave of the thread. @defaultValue the
   * share stays `busyShare`
   */
  mainActiveMs?: () => number;
  /** Of what requests leave of the main thread, the part delivery still leaves them. @defaultValue TUNING.pacing.requestHeadroom */
  headroom?: number;
  now?: () => number;
}

/** The requests' load is averaged over about this long (an exponential moving average). */
const LOAD_HORIZON_MS = 100;

export function createPacer(options: PacerOptions): Pacer {
  const now = options.now ?? (() => performance.now());
  let lastForegroundMs = Number.NEGATIVE_INFINITY;
  let budgetMs = options.burstMs;
  let refilledAtMs = now();
  const offThreadMs = options.offThreadMs ?? (() => 0);
  let offThreadSeenMs = offThreadMs();
  const headroom = options.headroom ?? TUNING.pacing.requestHeadroom;
  /** Main-thread time charged to steps so far, and both counters when the load was last measured. */
  let chargedMs = 0;
  let chargedSeenMs = 0;
  let mainActiveSeenMs = options.mainActiveMs?.() ?? 0;
  /** The share of the main thread requests took lately (0–1); 1 until measured, so the floor holds. */
  let requestLoad = 1;

  const isBusy = (atMs: number): boolean => atMs - lastForegroundMs < options.busyForMs;
  const busyRate = (): number => Math.max(options.busyShare, Math.min(1, 1 - requestLoad - headroom));
  const measureLoad = (elapsedMs: number): void => {
    if (!options.mainActiveMs || elapsedMs <= 0) return;
    const active = options.mainActiveMs();
    const load = (active - mainActiveSeenMs - (chargedMs - chargedSeenMs)) / elapsedMs;
    [mainActiveSeenMs, chargedSeenMs] = [active, chargedMs];
    const weight = 1 - Math.exp(-elapsedMs / LOAD_HORIZON_MS);
    requestLoad += (Math.min(1, Math.max(0, load)) - requestLoad) * weight;
  };
  const refill = (): void => {
    const atMs = now();
    const busy = isBusy(atMs);
    measureLoad(atMs - refilledAtMs);
    const offThread = offThreadMs();
    // Charged only while busy: with no request to protect, the pool may use every core it has.
    const offThreadSpent = busy ? offThread - offThreadSeenMs : 0;
    offThreadSeenMs = offThread;
    budgetMs = Math.min(options.burstMs, budgetMs + (atMs - refilledAtMs) * (busy ? busyRate() : 1) - offThreadSpent);
    refilledAtMs = atMs;
  };

  return {
    noteForeground() {
      lastForegroundMs = now();
    },
    async turn() {
      await new Promise<void>((resolve) => setImmediate(resolve));
      refill();
      while (budgetMs < 0) {
        const rate = isBusy(now()) ? busyRate() : 1;
        // At most busyForMs at a time: once requests stop, the debt is repaid at full rate.
        await new Promise<void>((resolve) =>
          setTimeout(resolve, Math.min(options.busyForMs, Math.ceil(-budgetMs / rate))),
        );
        refill();
      }
    },
    charge(step) {
      const startedMs = now();
      try {
        return step();
      } finally {
        const spentMs = now() - startedMs;
        budgetMs -= spentMs;
        chargedMs += spentMs;
      }
    },
    get busy() {
      return isBusy(now());
    },
  };
}
