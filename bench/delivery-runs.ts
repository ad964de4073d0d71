/**
 * One measured delivery run each way, shared by the delivery and pool figures: Hookline's full
 * pipeline in its own process (publish → outbox row in the event's transaction → claim → pool
 * signs and POSTs → attempt recorded) and the baseline sender, against the same receiver process.
 */
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
}

/** One measured run: throughput, and the sending process's CPU per delivery (pool threads included). */
export interface RunResult {
  perSec: number;
  cpuUsPerDelivery: number;
}

interface ReceiverStats {
  count: number;
  latencyP99Ms: number;
}

const receiverUrl = (spec: RunSpec) => String(spec.receiver.info.url);
/** Generous: a stuck run should fail the figure, not hang the benchmark. */
const timeoutFor = (deliveries: number) => 60_000 + deliveries * 2;
const warmupEvents = (spec: RunSpec) => Math.max(1, Math.min(500, Math.floor(spec.events / 10)));

/** Publishes `events` in the engine and waits until the receiver has them all and the store has settled them. */
async function deliverThroughEngine(engine: EngineProcess, spec: RunSpec, events: number): Promise<RunResult> {
  await spec.receiver.call('reset');
  const total = events * spec.subscriptions;
  const [started, cpu] = [performance.now(), await engine.child.call<number>('cpu')];
  await engine.child.call('publish', { type: EVENT_TYPE, count: events, concurrency: PUBLISH_CONCURRENCY });
  await spec.receiver.call('waitFor', { count: total, timeoutMs: timeoutFor(total) });
  await engine.child.call('settled');
  const elapsedSec = (performance.now() - started) / 1000;
  return { perSec: total / elapsedSec, cpuUsPerDelivery: ((await engine.child.call<number>('cpu')) - cpu) / total };
}

/** One side of a comparison, set up and warmed once, then measured round after round. */
export interface Side<T> {
  run(): Promise<T>;
  close(): Promise<void>;
}

/** A fresh engine process with unordered subscriptions, warmed up (JIT, sockets, pool threads). */
async function engineFor(spec: RunSpec, inline = false): Promise<EngineProcess> {
  const engine = await startEngineProcess({}, { inline });
  try {
    for (let i = 0; i < spec.subscriptions; i++) {
      await engine.child.call('subscribe', {
        url: `${receiverUrl(spec)}/d/${i}`,
        events: [EVENT_TYPE],
        ordering: 'unordered',
        secret: SECRET,
      });
    }
    await deliverThroughEngine(engine, spec, warmupEvents(spec));
    return engine;
  } catch (error) {
    await engine.stop();
    throw error;
  }
}

/** Hookline's deliveries per second through the full pipeline (`inline`: no pool). */
export async function hooklineDelivery(spec: RunSpec, inline = false): Promise<Side<RunResult>> {
  const engine = await engineFor(spec, inline);
  return { run: () => deliverThroughEngine(engine, spec, spec.events), close: () => engine.stop() };
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
    const [started, cpu] = [performance.now(), cpuMicros()];
    await sender.sendAll(messagesFor(spec, spec.events), spec.concurrency);
    await spec.receiver.call('waitFor', { count: total, timeoutMs: timeoutFor(total) });
    return { perSec: total / ((performance.now() - started) / 1000), cpuUsPerDelivery: (cpuMicros() - cpu) / total };
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
  const engine = await engineFor({ ...spec, subscriptions: 1 });
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
