/**
 * One measured delivery run each way, shared by the delivery, pool and scale-out figures: Hookline's
 * full pipeline in its own process (publish → outbox row in the event's transaction → claim → pool
 * signs and POSTs → attempt recorded) and the baseline sender, against the same receiver process.
 * Hookline's side may run on PostgreSQL, in several processes sharing the one database.
 */
import type { HooklineConfig } from '../engine/config.js';
import { generateSecret } from '../engine/signing/index.js';
import { cpuMicros, type ChildHandle } from './child.js';
import { createBaselineSender, envelopeMessage, type OutgoingMessage } from './sender.js';
import { alternate, pace, wallClockMs } from './stats.js';
import { startEngineProcess, type EngineProcess } from './workspace.js';

/** Same secret for both sides: signing cost must not differ by key. */
const SECRET = generateSecret();
const EVENT_TYPE = 'bench.delivery';
/** Events published at once: they share group commits, as concurrent producers would. */
const PUBLISH_CONCURRENCY = 500;

export interface RunSpec {
  receiver: ChildHandle;
  events: number;
  subscriptions: number;
  /** Requests in flight for the baseline sender (Hookline's ceiling: 64 connections per pool thread). */
  concurrency: number;
  /** The engines' store: a PostgreSQL URL, or empty for each engine's own temp SQLite file. @defaultValue '' */
  databaseUrl?: string;
  /** Engine processes sharing the store (PostgreSQL only); each publishes its share of the events. @defaultValue 1 */
  processes?: number;
  /** Further settings for every engine of the run (e.g. `poolThreads`). */
  settings?: Partial<Record<keyof HooklineConfig, unknown>>;
}

/** One measured run: throughput, and the sending process's CPU per delivery (pool threads included). */
export interface RunResult {
  perSec: number;
  cpuUsPerDelivery: number;
  /** The receiver process's CPU per delivery (µs): it shares the machine's cores with the sender. */
  receiverCpuUsPerDelivery: number;
}

interface ReceiverStats {
  count: number;
  latencyP99Ms: number;
}

const receiverUrl = (spec: RunSpec) => String(spec.receiver.info.url);
/** Generous: a stuck run should fail the figure, not hang the benchmark. */
const timeoutFor = (deliveries: number) => 60_000 + deliveries * 2;
/**
 * Each side is warmed with about 5,000 deliveries (a whole round of the delivery figures) before it
 * is measured: after 500, the engine's first measured round still ran at half its later rate (JIT
 * of the claim, pool and settle paths, the pool threads' own), so a quick run's median of two
 * rounds measured the warm-up. Both sides get the same.
 */
const WARMUP_DELIVERIES = 5_000;
const warmupEvents = (spec: RunSpec) =>
  Math.max(1, Math.min(spec.events, Math.ceil(WARMUP_DELIVERIES / spec.subscriptions)));

const receiverCpuUs = (spec: RunSpec) => spec.receiver.call<number>('cpu');

/** CPU time of all the engine processes together (pool threads included). */
async function enginesCpu(engines: readonly EngineProcess[]): Promise<number> {
  const each = await Promise.all(engines.map((engine) => engine.child.call<number>('cpu')));
  return each.reduce((sum, micros) => sum + micros, 0);
}

/**
 * Publishes `events` through the engines (each its share, as separate producers would) and waits
 * until the receiver has them all and the store has settled them: with a shared store, one
 * process's view is every process's.
 */
async function deliverThroughEngines(
  engines: readonly EngineProcess[],
  spec: RunSpec,
  events: number,
): Promise<RunResult> {
  await spec.receiver.call('reset');
  const total = events * spec.subscriptions;
  const [started, cpu, receiverCpu] = [performance.now(), await enginesCpu(engines), await receiverCpuUs(spec)];
  await Promise.all(
    engines.map((engine, i) =>
      engine.child.call('publish', {
        type: EVENT_TYPE,
        count: Math.floor(events / engines.length) + (i < events % engines.length ? 1 : 0),
        concurrency: PUBLISH_CONCURRENCY,
      }),
    ),
  );
  await spec.receiver.call('waitFor', { count: total, timeoutMs: timeoutFor(total) });
  await engines[0].child.call('settled');
  const elapsedSec = (performance.now() - started) / 1000;
  return {
    perSec: total / elapsedSec,
    cpuUsPerDelivery: ((await enginesCpu(engines)) - cpu) / total,
    receiverCpuUsPerDelivery: ((await receiverCpuUs(spec)) - receiverCpu) / total,
  };
}

/** One side of a comparison, set up and warmed once, then measured round after round. */
export interface Side<T> {
  run(): Promise<T>;
  close(): Promise<void>;
}

/** Resolves once every engine has loaded the subscriptions (the others learn of them from the store). */
async function untilAllKnow(engines: readonly EngineProcess[], ids: string[], timeoutMs = 30_000): Promise<void> {
  const endAt = performance.now() + timeoutMs;
  for (const engine of engines) {
    while (!(await engine.child.call<boolean>('knows', { ids }))) {
      if (performance.now() > endAt) throw new Error(`engine ${engine.child.pid} did not load the subscriptions`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Fresh engine processes sharing a store, with unordered subscriptions, warmed up (JIT, sockets, pool threads). */
async function enginesFor(spec: RunSpec, inline = false): Promise<EngineProcess[]> {
  if ((spec.processes ?? 1) > 1 && !spec.databaseUrl) throw new Error('several engine processes need a PostgreSQL URL');
  const extra = { ...spec.settings, ...(spec.databaseUrl ? { databaseUrl: spec.databaseUrl } : {}) };
  // Started side by side (migrations take turns under their lock): start-up is most of a round's time.
  const started = await Promise.allSettled(
    Array.from({ length: spec.processes ?? 1 }, () => startEngineProcess(extra, { inline })),
  );
  const engines = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  try {
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const ids: string[] = [];
    for (let i = 0; i < spec.subscriptions; i++) {
      const input = { url: `${receiverUrl(spec)}/d/${i}`, events: [EVENT_TYPE], ordering: 'unordered', secret: SECRET };
      ids.push(await engines[0].child.call<string>('subscribe', input));
    }
    await untilAllKnow(engines, ids);
    await deliverThroughEngines(engines, spec, warmupEvents(spec));
    return engines;
  } catch (error) {
    await Promise.all(engines.map((engine) => engine.stop()));
    throw error;
  }
}

/** Deliveries a side made while it was warmed up (before its first measured run). */
export const warmupDeliveries = (spec: RunSpec) => warmupEvents(spec) * spec.subscriptions;

/** Hookline's deliveries per second through the full pipeline (`inline`: no pool); `engines` for extra readings. */
export async function hooklineDelivery(
  spec: RunSpec,
  inline = false,
): Promise<Side<RunResult> & { engines: readonly EngineProcess[] }> {
  const engines = await enginesFor(spec, inline);
  return {
    engines,
    run: () => deliverThroughEngines(engines, spec, spec.events),
    close: async () => void (await Promise.all(engines.map((engine) => engine.stop()))),
  };
}

function* messagesFor(spec: RunSpec, events: number): Generator<OutgoingMessage> {
  for (let seq = 0; seq < events; seq++) {
    for (let s = 0; s < spec.subscriptions; s++)
      yield envelopeMessage(
        `${receiverUrl(spec)}/d/${s}`,
        SECRET,
        EVENT_TYPE,
        { seq, t: wallClockMs() },
        `wh_bench_${s}`,
      );
  }
}

/** The baseline sender's deliveries per second for the same payloads, after the same warm-up. */
export async function baselineDelivery(spec: RunSpec): Promise<Side<RunResult>> {
  const sender = createBaselineSender(spec.concurrency);
  await sender.sendAll(messagesFor(spec, warmupEvents(spec)), spec.concurrency);
  const run = async (): Promise<RunResult> => {
    await spec.receiver.call('reset');
    const total = spec.events * spec.subscriptions;
    const [started, cpu, receiverCpu] = [performance.now(), cpuMicros(), await receiverCpuUs(spec)];
    await sender.sendAll(messagesFor(spec, spec.events), spec.concurrency);
    await spec.receiver.call('waitFor', { count: total, timeoutMs: timeoutFor(total) });
    return {
      perSec: total / ((performance.now() - started) / 1000),
      cpuUsPerDelivery: (cpuMicros() - cpu) / total,
      receiverCpuUsPerDelivery: ((await receiverCpuUs(spec)) - receiverCpu) / total,
    };
  };
  return { run, close: () => sender.close() };
}

async function latencyP99(
  spec: RunSpec,
  ratePerSec: number,
  seconds: number,
  publish: () => Promise<unknown>,
): Promise<number> {
  await spec.receiver.call('reset');
  await publish();
  const total = Math.round(ratePerSec * seconds);
  return (await spec.receiver.call<ReceiverStats>('waitFor', { count: total, timeoutMs: timeoutFor(total) }))
    .latencyP99Ms;
}

/** Event-to-delivery latency p99 (publish call → receiver), Hookline at a steady offered rate. */
export async function hooklineLatency(spec: RunSpec, ratePerSec: number, seconds: number): Promise<Side<number>> {
  const [engine] = await enginesFor({ ...spec, subscriptions: 1, processes: 1 });
  const publish = () => engine.child.call('publishPaced', { type: EVENT_TYPE, ratePerSec, seconds });
  return { run: () => latencyP99(spec, ratePerSec, seconds, publish), close: () => engine.stop() };
}

/** The same for the baseline sender: sign and POST the moment the event exists. */
export async function baselineLatency(spec: RunSpec, ratePerSec: number, seconds: number): Promise<Side<number>> {
  const sender = createBaselineSender(spec.concurrency);
  const url = `${receiverUrl(spec)}/d/0`;
  await sender.sendAll(messagesFor({ ...spec, subscriptions: 1 }, warmupEvents(spec)), spec.concurrency);
  const publish = () =>
    pace(ratePerSec, seconds, (seq) =>
      sender.sendOne(envelopeMessage(url, SECRET, EVENT_TYPE, { seq, t: wallClockMs() }, 'wh_bench_0')),
    );
  return { run: () => latencyP99(spec, ratePerSec, seconds, publish), close: () => sender.close() };
}

/** Sets both sides up, measures them in alternating rounds, and always tears both down. */
export async function compareSides<A, B>(
  rounds: number,
  openA: () => Promise<Side<A>>,
  openB: () => Promise<Side<B>>,
): Promise<{ a: A[]; b: B[] }> {
  const a = await openA();
  let b: Side<B> | undefined;
  try {
    b = await openB();
    return await alternate(rounds, a.run, b.run);
  } finally {
    await Promise.all([a.close(), b?.close()]);
  }
}
