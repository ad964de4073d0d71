/**
 * One measured delivery run each way, shared by the delivery, pool and scale-out figures: Hookline's
 * full pipeline in its own process (publish → outbox row in the event's transaction → claim → pool
 * signs and POSTs → attempt recorded) and the baseline sender, against the same receiver process.
 * Hookline's side may run on PostgreSQL, in several processes sharing the one database.
 */
import { DEFAULTS, type HooklineConfig } from '../engine/config.js';
import { createId } from '../engine/events/ids.js';
import {
  boundedResponseHeaders,
  isSuccessStatus,
  maskedRequestHeaders,
  signedHeadersOf,
} from '../engine/message/index.js';
import { generateSecret } from '../engine/signing/index.js';
import { createGroupCommitter } from '../engine/store/group-commit.js';
import { TUNING } from '../engine/tuning.js';
import { cpuMicros, type ChildHandle } from './child.js';
import { openScratchStore } from './scratch-store.js';
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

/**
 * Times `work`, which sends `total` deliveries from this process, until the receiver has them all:
 * this process's CPU (its store threads included) and the receiver's, per delivery.
 */
async function measureInProcess(spec: RunSpec, total: number, work: () => Promise<unknown>): Promise<RunResult> {
  await spec.receiver.call('reset');
  const [started, cpu, receiverCpu] = [performance.now(), cpuMicros(), await receiverCpuUs(spec)];
  await work();
  await spec.receiver.call('waitFor', { count: total, timeoutMs: timeoutFor(total) });
  return {
    perSec: total / ((performance.now() - started) / 1000),
    cpuUsPerDelivery: (cpuMicros() - cpu) / total,
    receiverCpuUsPerDelivery: ((await receiverCpuUs(spec)) - receiverCpu) / total,
  };
}

/** The baseline sender's deliveries per second for the same payloads, after the same warm-up. */
export async function baselineDelivery(spec: RunSpec): Promise<Side<RunResult>> {
  const sender = createBaselineSender(spec.concurrency);
  await sender.sendAll(messagesFor(spec, warmupEvents(spec)), spec.concurrency);
  const run = () =>
    measureInProcess(spec, spec.events * spec.subscriptions, () =>
      sender.sendAll(messagesFor(spec, spec.events), spec.concurrency),
    );
  return { run, close: () => sender.close() };
}

/**
 * The delivery ceiling: the baseline sender plus only the durable record the engine keeps of a
 * delivery, written through the engine's own store (scratch-store.ts) in the engine's pages
 * (`TUNING.outbox.parallelChunk` messages): a page's events and their delivery rows in one
 * acknowledged group commit, leased by one claim, sent, then settled with their attempts (headers
 * kept as the engine keeps them) in one transaction. Pages go `concurrency ÷ page` at a time, so as
 * many requests are in flight as the baseline's. One webhook; no matcher, pool, pacing, health or
 * retries, and one thread: what a hand-written sender that keeps the engine's delivery log reaches here.
 */
export async function durableSenderDelivery(spec: RunSpec): Promise<Side<RunResult>> {
  const sender = createBaselineSender(spec.concurrency);
  const scratch = await openScratchStore('delivery-ceiling');
  const { store } = scratch;
  const committer = createGroupCommitter({ store, windowMs: DEFAULTS.commitWindowMs });
  const page = TUNING.outbox.parallelChunk;
  const leaseMs = 60_000;

  /** Claims up to a page of the webhook's due rows, sends them, and settles what came back. */
  async function claimSendSettle(message: OutgoingMessage): Promise<number> {
    const claim = { subscriptionId: message.subscriptionId, ordered: false, limit: page };
    const [{ claimed }] = await store.outbox.claimMany([claim], Date.now(), store.owner, leaseMs);
    const sent = await Promise.all(
      claimed.map(async (delivery) => {
        const startedAtMs = Date.now();
        const answer = await sender.sendOne({ ...message, msgId: delivery.eventId, body: delivery.payload });
        return { delivery, startedAtMs, answer, responseTimeMs: Date.now() - startedAtMs };
      }),
    );
    const now = Date.now();
    await store.outbox.settle(
      sent.map(({ delivery, answer }) => ({
        deliveryId: delivery.id,
        status: isSuccessStatus(answer.statusCode) ? 'succeeded' : 'failed',
        attemptCount: 1,
        nextAttemptAtMs: now,
        lastStatusCode: answer.statusCode,
        lastError: null,
        completedAtMs: now,
        leaseOwner: store.owner,
      })),
      sent.map(({ delivery, startedAtMs, answer, responseTimeMs }) => ({
        id: createId('att'),
        deliveryId: delivery.id,
        attemptNo: 1,
        startedAtMs,
        statusCode: answer.statusCode,
        responseTimeMs,
        responseExcerpt: null,
        errorCode: null,
        error: null,
        requestHeaders: maskedRequestHeaders(
          answer.headers,
          [],
          signedHeadersOf(answer.headers, { ...answer.headers, ...answer.signature }),
        ),
        responseHeaders: boundedResponseHeaders(answer.responseHeaders),
      })),
      [],
    );
    return claimed.length;
  }

  async function sendDurably(events: number): Promise<void> {
    if (spec.subscriptions !== 1) throw new Error('the delivery ceiling sends to one webhook');
    const messages = [...messagesFor(spec, events)];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < messages.length) {
        const taken = messages.slice(next, (next += page));
        const now = Date.now();
        await committer.submit({
          acknowledged: true,
          events: taken.map((m) => m.event),
          deliveries: taken.map((m) => ({
            id: createId('del'),
            subscriptionId: m.subscriptionId,
            eventId: m.event.id,
            eventType: m.event.type,
            payload: m.body,
            nextAttemptAtMs: now,
            expiresAtMs: now + DEFAULTS.retentionSec * 1000,
          })),
        });
        await claimSendSettle(taken[0]);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.ceil(spec.concurrency / page)) }, lane));
    // A lane's claim may have taken another lane's rows and left some of its own: send what is left.
    for (let sent = 1; sent > 0;) sent = await claimSendSettle(messages[0]);
  }

  await sendDurably(warmupEvents(spec));
  return {
    run: () => measureInProcess(spec, spec.events * spec.subscriptions, () => sendDurably(spec.events)),
    close: async () => {
      await sender.close();
      await committer.flush();
      await scratch.close();
    },
  };
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
