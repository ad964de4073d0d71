/**
 * Sizes of each figure per mode. `full` is what the issue asks for; `quick` keeps each figure's
 * shape in about two minutes on an idle 2-core machine (shorter loads, fewer rounds, a smaller pool
 * figure) and leaves to full mode what only means something at full size (`null`: the figure prints
 * one "full mode only" row); `smoke` only proves the harness runs (the test suite), its numbers mean
 * nothing.
 */
export type BenchMode = 'full' | 'quick' | 'smoke';

export interface BenchOptions {
  mode: BenchMode;
  ingress: {
    rounds: number;
    durationSec: number;
    warmupSec: number;
    /**
     * The ingress figure's one load on each server before its first round (not measured), so that
     * the rounds measure what the JIT has compiled, as a running engine runs, not its first second.
     * Full mode's 2 s warm-up before every round does it already. @defaultValue 0
     */
    primeSec?: number;
    connections: number;
    killAfterSec: number;
    /** Caps each load's requests (smoke: what the overload figure queues must drain in a shared test run). */
    maxRequests?: number;
  };
  delivery: {
    rounds: number;
    events: number;
    fanoutEvents: number;
    fanoutSubscriptions: number;
    latencyRatePerSec: number;
    latencySec: number;
  };
  matcher: { rounds: number; subscriptions: number; iterations: number };
  /** The memory figure: subscriptions added in `steps` equal steps. */
  memory: { subscriptions: number; steps: number };
  /** Each round starts every side afresh: events per measured run, to one subscription. `null`: full mode only. */
  scaleout: { rounds: number; events: number } | null;
  /** `retryEverySec`: while the receiver is down; also how long after it is back the first probe may wait. */
  backlog: { deliveries: number; endpoints: number; retryEverySec: number };
  pool: { rounds: number; events: number; signatures: number; batchSizes: number[] };
  /**
   * The overload figure: each scenario's fresh engine first serves `warmUpSec` of the same load,
   * before any webhook exists, so that no scenario is measured cold.
   */
  overload: { warmUpSec: number };
  /** The overload figure's outage scenario: deliveries queued to the slow receiver, hanging through the load. */
  outage: { slowBacklog: number };
  /**
   * The crash proof: trigger requests per run, one run per seed (each killed at a point the seed picks).
   * `null`: full mode only (it is the crash proof at full size; `npm test` runs the short one).
   */
  crash: { requests: number; seeds: number[] } | null;
  n8n: { enabled: boolean; rounds: number; durationSec: number };
  log(message: string): void;
}

type Sizes = Omit<BenchOptions, 'mode' | 'log'>;

const SIZES: Record<BenchMode, Sizes> = {
  full: {
    ingress: { rounds: 5, durationSec: 10, warmupSec: 2, connections: 50, killAfterSec: 2 },
    delivery: {
      rounds: 3,
      events: 50_000,
      fanoutEvents: 1_000,
      fanoutSubscriptions: 100,
      latencyRatePerSec: 1_000,
      latencySec: 10,
    },
    matcher: { rounds: 5, subscriptions: 100_000, iterations: 2_000 },
    memory: { subscriptions: 100_000, steps: 4 },
    scaleout: { rounds: 3, events: 20_000 },
    backlog: { deliveries: 1_000_000, endpoints: 10, retryEverySec: 3 },
    pool: { rounds: 3, events: 50_000, signatures: 100_000, batchSizes: [1, 4, 16, 64, 256] },
    overload: { warmUpSec: 2 },
    outage: { slowBacklog: 1_000 },
    crash: { requests: 20_000, seeds: [11, 23, 37] },
    n8n: { enabled: true, rounds: 3, durationSec: 10 },
  },
  quick: {
    // Loads of 0.75 s after 0.25 s of warm-up: the overload figure shares them, and the backlogs it must
    // drain afterwards grow with the requests they accept (about 40 deliveries each in its outage scenario).
    // The ingress figure primes each server once (1.5 s): after 0.25 s of load an engine still runs
    // cold code (5,300 against 8,500–9,200 req/s after 1.5 s, p99 23–25 against 12–14 ms here).
    ingress: { rounds: 2, durationSec: 0.75, warmupSec: 0.25, primeSec: 1.5, connections: 50, killAfterSec: 0.5 },
    delivery: {
      rounds: 2,
      events: 5_000,
      fanoutEvents: 50,
      fanoutSubscriptions: 100,
      latencyRatePerSec: 1_000,
      latencySec: 1,
    },
    matcher: { rounds: 3, subscriptions: 100_000, iterations: 300 },
    // Two readings, 0 and 10,000: each is an engine start over the stored subscriptions.
    memory: { subscriptions: 10_000, steps: 1 },
    // Four engine start-ups (and PostgreSQL migrations) per round, and one round decides nothing.
    scaleout: null,
    // 1,000,000 drained at this machine's few thousand per second takes minutes: quick mode queues 25,000
    // (seconds when idle; tenths of 2,500 for the drain profile).
    backlog: { deliveries: 25_000, endpoints: 10, retryEverySec: 1 },
    pool: { rounds: 2, events: 2_000, signatures: 5_000, batchSizes: [1, 4, 16, 64, 256] },
    // A cold engine's first second read 1,092–1,697 req/s and a lag p99 of 39–71 ms in three runs.
    overload: { warmUpSec: 1 },
    // The slow receiver holds what the engine's connection caps let through (about a hundred) either way.
    outage: { slowBacklog: 250 },
    // The crash proof at full size takes minutes; npm test runs the short one.
    crash: null,
    n8n: { enabled: true, rounds: 2, durationSec: 1.5 },
  },
  smoke: {
    ingress: { rounds: 1, durationSec: 0.3, warmupSec: 0, connections: 10, killAfterSec: 0.2, maxRequests: 40 },
    delivery: {
      rounds: 1,
      events: 100,
      fanoutEvents: 5,
      fanoutSubscriptions: 10,
      latencyRatePerSec: 200,
      latencySec: 0.2,
    },
    matcher: { rounds: 1, subscriptions: 500, iterations: 20 },
    memory: { subscriptions: 400, steps: 2 },
    scaleout: { rounds: 1, events: 100 },
    backlog: { deliveries: 1_000, endpoints: 4, retryEverySec: 1 },
    pool: { rounds: 1, events: 100, signatures: 500, batchSizes: [1, 64] },
    overload: { warmUpSec: 0 },
    outage: { slowBacklog: 50 },
    crash: { requests: 200, seeds: [11] },
    n8n: { enabled: false, rounds: 1, durationSec: 1 },
  },
};

export function benchOptions(mode: BenchMode, log: (message: string) => void = () => undefined): BenchOptions {
  return { mode, log, ...structuredClone(SIZES[mode]) };
}
