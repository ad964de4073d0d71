/**
 * A Hookline engine in its own process, as a user runs it: the load generator, the baseline and
 * the receiver never share its event loop, its CPU time (`cpu`) is its own, and so is its RSS
 * (pool threads included), which the backlog figure needs.
 *
 * argv[2]: JSON config overrides (the parent made the folder); argv[3]: `{"inline": true}` sends
 * from the main thread instead of the piscina pool (the pool figure). Commands: `subscribe`,
 * `publish`, `publishPaced`, `settled`, `rss`, `idle`, `deliveryCounts`, `overdue`, and for a shared
 * PostgreSQL store `knows` (this process has loaded these subscriptions) and `pgQueries` (round trips
 * since the last call); `seedSubscriptions` for the memory figure.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../engine/config.js';
import { createEngine, type Engine } from '../engine/index.js';
import { createDispatcher } from '../engine/pool/dispatcher.js';
import { createEvent } from '../engine/events/envelope.js';
import { generateSecret } from '../engine/signing/index.js';
import { failStart, serveParent } from './child.js';
import { countPgQueries, takeQueryCounts } from './pg-query-counter.js';
import { makeSubscriptions } from './fanout.js';
import { pace, wallClockMs } from './stats.js';

const MB = 1024 * 1024;
const SAMPLE_EVERY_MS = 20;

// A full collection before a memory reading, so the RSS slopes measure what is kept, not garbage.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * Stores subscriptions `from`…`to - 1` of the fan-out figure's mix (each with its own secret and
 * URL), bypassing the API's reload after every change: the memory figure restarts the engine on
 * them, as a user's engine holding that many would start.
 */
async function seedSubscriptions(engine: Engine, { from, to }: { from: number; to: number }): Promise<void> {
  for (const subscription of makeSubscriptions(to).slice(from)) {
    await engine.store.saveSubscription({ ...subscription, secret: generateSecret() });
  }
}

/** The kernel's own peak (VmHWM): catches a spike the sampler's ticks might miss. */
function kernelPeakMb(): number {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    return line ? Number(line.replace(/\D+/g, '')) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Events carry `seq` (order checks) and `t`, the publish time the receiver measures latency from. */
function publisher(engine: Engine) {
  return {
    /** Publishes `count` events, `concurrency` at a time (they share group commits, like concurrent producers). */
    async publish({
      type,
      count,
      concurrency,
      from = 0,
    }: {
      type: string;
      count: number;
      concurrency: number;
      from?: number;
    }) {
      const started = performance.now();
      for (let seq = from; seq < from + count; seq += concurrency) {
        const batch = [];
        for (let i = seq; i < Math.min(seq + concurrency, from + count); i++)
          batch.push(engine.publishEvent(type, { seq: i, t: wallClockMs() }));
        await Promise.all(batch);
      }
      return { ms: performance.now() - started };
    },
    publishPaced: ({ type, ratePerSec, seconds }: { type: string; ratePerSec: number; seconds: number }) =>
      pace(ratePerSec, seconds, (seq) => engine.publishEvent(type, { seq, t: wallClockMs() })),
    /**
     * Resolves once every event is fanned out and no delivery is pending, retrying or in flight:
     * every attempt is recorded.
     * Polled gently: on a million settled rows the lookup scans, and it shares the engine's thread.
     */
    async settled() {
      while (
        (await engine.store.outbox.pendingFanOut()) > 0 ||
        (await engine.store.deliveryLog.listDeliveries({ statuses: ['pending', 'retrying', 'in_flight'], limit: 1 }))
          .length > 0
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

/** Deliveries by status, read over a second connection (a full scan: only between measurements). */
function countByStatus(dbPath: string): Record<string, number> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db.prepare('SELECT status, count(*) AS n FROM deliveries GROUP BY status').all() as {
      status: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  } finally {
    db.close();
  }
}

/** Open deliveries that were due before `beforeMs` and still wait (a full scan: only while a drain is silent). */
function countOverdue(dbPath: string, beforeMs: number): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .prepare("SELECT count(*) FROM deliveries WHERE status IN ('pending', 'retrying') AND next_attempt_at < ?")
      .pluck()
      .get(beforeMs) as number;
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const overrides = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
  const { inline = false } = JSON.parse(process.argv[3] ?? '{}') as { inline?: boolean };
  const config = loadConfig({ overrides });
  if (config.databaseUrl) countPgQueries();
  const engine = createEngine({
    config,
    env: {},
    dispatcher: inline ? createDispatcher({ threads: config.poolThreads, inline: true }) : undefined,
  });
  const slow: string[] = [];
  if (process.env.HOOKLINE_BENCH_DEBUG) {
    engine.server.addHook('onResponse', async (request, reply) => {
      if (request.url === '/healthz') slow.push(`${Math.round(performance.now())}:${reply.elapsedTime.toFixed(1)}`);
    });
  }
  const { url } = await engine.start();
  let peakRss = process.memoryUsage.rss();
  // `memoryUsage.rss()`, not `memoryUsage()`: the full call walks the V8 heap, 50 times a second on the
  // thread being measured (2 % of its CPU under load). Even so each read costs the thread being
  // measured (3.4 % of its CPU in a profile of the contact-form load), so it starts with the first
  // `rss` command: only the figures that read memory pay for it.
  let sampler: NodeJS.Timeout | undefined;
  const startSampling = (): void => {
    sampler ??= setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), SAMPLE_EVERY_MS);
  };
  // Event-loop lag as the overload figure reads it: how late this thread gets to its timers.
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  serveParent(
    {
      ...publisher(engine),
      subscribe: async (input: unknown) => (await engine.delivery.subscriptions.create(input)).subscription.id,
      seedSubscriptions: (range: { from: number; to: number }) => seedSubscriptions(engine, range),
      /** Matches one event, so the matcher has built its index (it does on the first event after a load). */
      indexSubscriptions: () => engine.delivery.matcher.count(createEvent('order.created', { amount: 1 })),
      /** `gc`: collect garbage first, for a reading of what is kept. */
      rss: ({ reset, gc }: { reset?: boolean; gc?: boolean } = {}) => {
        startSampling();
        if (gc) collectGarbage();
        const result = {
          peakMb: peakRss / MB,
          currentMb: process.memoryUsage.rss() / MB,
          kernelPeakMb: kernelPeakMb(),
        };
        if (reset) peakRss = process.memoryUsage.rss();
        return result;
      },
      idle: () => engine.executor.idle(),
      slowHealth: () => slow.splice(0).slice(0, 8),
      /** Event-loop delay since the last reset, in ms. */
      loopLag: ({ reset }: { reset?: boolean } = {}) => {
        const result = { p99Ms: lag.percentile(99) / 1e6, maxMs: lag.max / 1e6 };
        if (reset) lag.reset();
        return result;
      },
      /** Deliveries by status, from the engine's own store. */
      deliveryCounts: () => countByStatus(config.dbPath),
      /** Open deliveries due for longer than `overdueMs` (a stuck drain: see drain-watch.ts). */
      overdue: ({ overdueMs }: { overdueMs: number }) => countOverdue(config.dbPath, Date.now() - overdueMs),
      /** Whether this process has loaded these subscriptions (another process may have made them). */
      knows: ({ ids }: { ids: string[] }) => ids.every((id) => engine.delivery.matcher.get(id) !== undefined),
      pgQueries: takeQueryCounts,
    },
    { url },
    async () => {
      clearInterval(sampler);
      lag.disable();
      await engine.stop();
    },
  );
}

main().catch(failStart);
