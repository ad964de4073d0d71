/**
 * Ingress keeps priority over delivery on the main thread. Delivery (claims, settlements, expiry)
 * runs in steps; each step's main-thread time is charged to a budget that refills at
 * `busyShare` of wall time while requests are arriving, and at full rate when they are not. A step
 * never starts while the budget is spent, and every step first gives the event loop a turn, so a
 * request that arrived meanwhile is read before delivery goes on. Sending is in the pool; what is
 * paced here is only the main thread's share of the work.
 */
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
  now?: () => number;
}

export function createPacer(options: PacerOptions): Pacer {
  const now = options.now ?? (() => performance.now());
  let lastForegroundMs = Number.NEGATIVE_INFINITY;
  let budgetMs = options.burstMs;
  let refilledAtMs = now();

  const isBusy = (atMs: number): boolean => atMs - lastForegroundMs < options.busyForMs;
  const refill = (): void => {
    const atMs = now();
    const rate = isBusy(atMs) ? options.busyShare : 1;
    budgetMs = Math.min(options.burstMs, budgetMs + (atMs - refilledAtMs) * rate);
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
        const rate = isBusy(now()) ? options.busyShare : 1;
        await new Promise<void>((resolve) => setTimeout(resolve, Math.ceil(-budgetMs / rate)));
        refill();
      }
    },
    charge(step) {
      const startedMs = now();
      try {
        return step();
      } finally {
        budgetMs -= now() - startedMs;
      }
    },
    get busy() {
      return isBusy(now());
    },
  };
}
