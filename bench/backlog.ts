/**
 * Figure 4, backlog: deliveries queue up for ordered endpoints while their receiver refuses
 * connections, then the receiver comes back and the engine drains them. The engine runs in its
 * own process, so the RSS sampled there is the engine's alone (pool threads included). Checked:
 * peak RSS while queueing and draining, drain rate against the delivery figure, per-endpoint order.
 */
import { generateSecret } from '../engine/signing/index.js';
import { startChild, type ChildHandle } from './child.js';
import { benchOptions, type BenchOptions } from './options.js';
import { ratio, slope, wallClockMs } from './stats.js';
import type { Row } from './table.js';
import { countRows, startEngineProcess, type EngineProcess } from './workspace.js';

interface Rss {
  peakMb: number;
  currentMb: number;
  kernelPeakMb: number;
}

interface ReceiverStats {
  count: number;
  firstAtMs: number;
  lastAtMs: number;
  outOfOrder: number;
  duplicates: number;
  endpoints: number;
  /** Arrival times at 0 %, 10 %, … 100 % of the deliveries (receiver-process.ts). */
  tenthsMs: number[];
}

/** With a retry every few seconds (options), enough attempts that queueing 1M never exhausts them. */
const MAX_RETRIES = 50;
const PUBLISH_CONCURRENCY = 1000;
/** RSS readings while queueing, for the per-open-delivery slope. */
const RSS_STEPS = 4;
/** A drain that delivers nothing for this long has stalled: report it instead of waiting on. */
const STALL_MS = 60_000;
/** Queueing at a fifth of what a healthy engine manages here (~40,000/s) counts as stalled. */
const queueDeadlineMs = (deliveries: number) => 60_000 + deliveries / 5;

const fmt = (n: number) => n.toLocaleString('en-US');
const MB = 1024 * 1024;

async function waitForDrain(receiver: ChildHandle, total: number, log: (m: string) => void): Promise<ReceiverStats> {
  let [lastCount, lastProgressMs, lastLogMs] = [0, Date.now(), Date.now()];
  for (;;) {
    const stats = await receiver.call<ReceiverStats>('stats');
    if (stats.count >= total) return stats;
    if (stats.count > lastCount) [lastCount, lastProgressMs] = [stats.count, Date.now()];
    if (Date.now() - lastProgressMs > STALL_MS)
      throw new Error(
        `drain stalled: ${fmt(stats.count)} of ${fmt(total)} delivered, none in the last ${STALL_MS / 1000} s`,
      );
    if (Date.now() - lastLogMs > 10_000) {
      log(`backlog: drained ${fmt(stats.count)} of ${fmt(total)}`);
      lastLogMs = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Publishes events `from`…`from + events - 1`, or, when that takes past the deadline (for the
 * whole backlog), kills the engine (its thread may be too busy to answer) and reports how many
 * deliveries its database holds.
 */
async function queueOrExplain(
  engine: EngineProcess,
  range: { from: number; events: number },
  deliveries: number,
): Promise<{ ms: number }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error('deadline')), queueDeadlineMs(deliveries))),
  );
  try {
    return await Promise.race([
      engine.child.call<{ ms: number }>('publish', {
        type: 'bench.backlog',
        count: range.events,
        from: range.from,
        concurrency: PUBLISH_CONCURRENCY,
      }),
      deadline,
    ]);
  } catch (error) {
    process.kill(engine.child.pid, 'SIGKILL');
    await engine.child.exited;
    const queued = countRows(engine.dbPath, 'deliveries');
    throw new Error(
      `queueing stalled: ${fmt(queued)} of ${fmt(deliveries)} deliveries queued after ${queueDeadlineMs(deliveries) / 1000} s (${(error as Error).message})`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Queues the backlog in {@link RSS_STEPS} parts, reading the engine's RSS after a full GC before
 * and after each: (open deliveries, MB) points for the RSS-per-open-delivery slope.
 */
async function queueInSteps(
  engine: EngineProcess,
  events: number,
  endpoints: number,
): Promise<{ ms: number; points: [number, number][] }> {
  const gcRss = async () => (await engine.child.call<Rss>('rss', { gc: true })).currentMb;
  const points: [number, number][] = [[0, await gcRss()]];
  let ms = 0;
  for (let step = 1, from = 0; step <= RSS_STEPS; step++) {
    const to = Math.round((events * step) / RSS_STEPS);
    ms += (await queueOrExplain(engine, { from, events: to - from }, events * endpoints)).ms;
    from = to;
    points.push([to * endpoints, await gcRss()]);
  }
  return { ms, points };
}

interface Measured {
  idle: Rss;
  queueing: Rss;
  draining: Rss;
  queuedMs: number;
  /** (open deliveries, RSS MB after a full GC) while queueing. */
  points: [number, number][];
  upAtMs: number;
  stats: ReceiverStats;
}

/** Queues `events` per endpoint while the receiver is down, brings it back, waits for the drain. */
async function measureBacklog(
  engine: EngineProcess,
  receiver: ChildHandle,
  options: BenchOptions,
  events: number,
): Promise<Measured> {
  const { endpoints } = options.backlog;
  const secret = generateSecret();
  for (let i = 0; i < endpoints; i++) {
    await engine.child.call('subscribe', {
      url: `${receiver.info.url}/b/${i}`,
      events: ['bench.backlog'],
      ordering: 'ordered',
      secret,
      retry_policy: { max_retries: MAX_RETRIES, backoff_multiplier: 1 },
    });
  }
  const idle = await engine.child.call<Rss>('rss', { reset: true });
  const queued = await queueInSteps(engine, events, endpoints);
  const queueing = await engine.child.call<Rss>('rss', { reset: true });
  options.log(
    `backlog: queued ${(events * endpoints).toLocaleString('en-US')} deliveries in ${(queued.ms / 1000).toFixed(1)} s, peak RSS ${queueing.peakMb.toFixed(0)} MB`,
  );
  await receiver.call('reset');
  await receiver.call('up');
  const upAtMs = wallClockMs();
  const stats = await waitForDrain(receiver, events * endpoints, options.log);
  await engine.child.call('settled');
  const draining = await engine.child.call<Rss>('rss');
  return { idle, queueing, draining, queuedMs: queued.ms, points: queued.points, upAtMs, stats };
}

function backlogRows(options: BenchOptions, m: Measured, events: number, deliveryPerSec: number): Row[] {
  const { endpoints, retryEverySec } = options.backlog;
  const total = events * endpoints;
  const drainPerSec = total / ((m.stats.lastAtMs - m.stats.firstAtMs) / 1000);
  const peakMb = Math.max(m.queueing.peakMb, m.draining.peakMb);
  const size = `${total.toLocaleString('en-US')} deliveries`;
  const scaled =
    options.mode === 'quick'
      ? `Quick mode: ${fmt(total)} of full mode's ${fmt(benchOptions('full').backlog.deliveries)}. `
      : '';
  options.log(
    `backlog: drained at ${drainPerSec.toFixed(0)}/s, peak RSS ${m.draining.peakMb.toFixed(0)} MB (kernel ${m.draining.kernelPeakMb.toFixed(0)} MB), out of order ${m.stats.outOfOrder}`,
  );
  return [
    {
      figure: `backlog ${size}: peak RSS`,
      hookline: peakMb,
      baseline: m.idle.currentMb,
      unit: 'MB',
      ratio: ratio(peakMb, m.idle.currentMb),
      target: '≤ 300 MB',
      pass: peakMb <= 300,
      note: `${scaled}Engine process sampled every 20 ms; baseline = the same engine idle before queueing. Queueing ${m.queueing.peakMb.toFixed(0)} MB, draining ${m.draining.peakMb.toFixed(0)} MB, kernel VmHWM over both ${m.draining.kernelPeakMb.toFixed(0)} MB. ${endpoints} ordered endpoints, ${events.toLocaleString('en-US')} events each, queued in ${(m.queuedMs / 1000).toFixed(1)} s while the receiver refused connections.`,
    },
    {
      figure: `RSS per open delivery (0 → ${size})`,
      hookline: slope(m.points) * MB,
      baseline: Number.NaN,
      unit: 'B',
      ratio: Number.NaN,
      target: '',
      pass: null,
      note: `Slope of the engine's RSS (after a full GC) over the deliveries queued while the receiver was down. Readings: ${m.points.map(([n, mb]) => `${fmt(n)}: ${mb.toFixed(0)} MB`).join(', ')}.`,
      details: { points: m.points },
    },
    {
      figure: `backlog ${size}: drain rate`,
      hookline: drainPerSec,
      baseline: deliveryPerSec,
      unit: 'deliveries/s',
      ratio: ratio(drainPerSec, deliveryPerSec),
      target: '≥ 0.5× delivery figure',
      pass: Number.isFinite(deliveryPerSec) ? drainPerSec >= 0.5 * deliveryPerSec : null,
      note: `First to last delivery received after the receiver came back (the first retry probe came ${((m.stats.firstAtMs - m.upAtMs) / 1000).toFixed(1)} s after it was up; retries every ${retryEverySec} s while down). Baseline = Hookline's 1-subscription delivery rate above.`,
    },
    flatnessRow(size, m.stats, total),
    {
      figure: `backlog ${size}: per-endpoint order`,
      hookline: m.stats.outOfOrder,
      baseline: Number.NaN,
      unit: 'out of order',
      ratio: Number.NaN,
      target: '0',
      pass: m.stats.outOfOrder === 0 && m.stats.endpoints === endpoints,
      note: `Receiver checks each endpoint's seq never goes back; ${m.stats.duplicates} at-least-once repeats of the previous message; ${m.stats.endpoints} of ${endpoints} endpoints reached.`,
    },
  ];
}

/**
 * Whether the drain keeps its pace as finished rows pile up: the rate over the last tenth of the
 * deliveries against the rate over the first tenth (target: at least half).
 */
function flatnessRow(size: string, stats: ReceiverStats, total: number): Row {
  const t = stats.tenthsMs;
  const perSec = (from: number, to: number) => (total / 10 / Math.max(1, t[to] - t[from])) * 1000;
  const [first, last] = t.length === 11 ? [perSec(0, 1), perSec(9, 10)] : [Number.NaN, Number.NaN];
  const tenths =
    t.length === 11
      ? t
          .slice(1)
          .map((ms, i) => perSec(i, i + 1).toFixed(0))
          .join(', ')
      : 'none';
  return {
    figure: `backlog ${size}: drain rate, last 10 % vs first 10 %`,
    hookline: last,
    baseline: first,
    unit: 'deliveries/s',
    ratio: ratio(last, first),
    target: '≥ 0.5× (a flat drain)',
    pass: Number.isFinite(first) ? last >= 0.5 * first : null,
    note: `Rate over each tenth of the deliveries as they arrived: ${tenths} /s.`,
  };
}

/** Measures one backlog; `deliveryPerSec` is figure 2's Hookline rate to compare the drain with. */
export async function benchBacklog(options: BenchOptions, deliveryPerSec = Number.NaN): Promise<Row[]> {
  const events = Math.ceil(options.backlog.deliveries / options.backlog.endpoints);
  const receiver = await startChild('receiver-process');
  try {
    await receiver.call('down');
    const engine = await startEngineProcess({ retryScheduleSec: [options.backlog.retryEverySec], retryJitter: 0 });
    try {
      return backlogRows(options, await measureBacklog(engine, receiver, options, events), events, deliveryPerSec);
    } finally {
      await engine.stop();
    }
  } finally {
    await receiver.close();
  }
}
