/**
 * Overload: does the engine keep answering while deliveries fan out? The bundled contact-form
 * example (trigger → Set → sender node, about seven `workflow.*` events per request) runs under
 * trigger load three times, each on a fresh engine in the same run: with no subscribers (the
 * baseline), with 3 healthy receivers subscribed to `workflow.*`, and with 3 that never answer.
 * During each load a separate process polls `/healthz` and the engine samples its own event-loop
 * lag. Afterwards the healthy backlog must drain completely: lagging is allowed, losing is not.
 * Each fresh engine first serves the same load unmeasured, before any webhook exists (`warmUp`).
 * A fourth scenario, `outage` (outage.ts), runs the load while five receivers misbehave and 1,000
 * deliveries hang on a slow one: its ingress p99 is held to 2× the no-subscriber one, and every
 * delivery must arrive once the receivers recover.
 */
import { startChild, type ChildHandle } from './child.js';
import { STALL_MS, settleUnlessStalled } from './drain-watch.js';
import { OUTAGE_CONFIG, startOutage, type Outage } from './outage.js';
import { loadTrigger } from './ingress.js';
import type { LoadResult } from './load.js';
import type { BenchOptions } from './options.js';
import { ratio } from './stats.js';
import type { Row } from './table.js';
import { CONTACT_FORM, startEngineProcess, type EngineProcess } from './workspace.js';

type Scenario = 'none' | 'healthy' | 'hanging' | 'outage';

interface Measured {
  load: LoadResult;
  healthz: { count: number; failed: number; p99Ms: number; maxMs: number };
  lag: { p99Ms: number; maxMs: number };
  /** Healthy only: every delivery arrived once the load stopped (unless the drain stalled). */
  drained?: { delivered: number; stored: number; drainMs: number; stalled: boolean };
  /** Outage only: the slow receiver's held requests and the healthy one's deliveries, then the recovery. */
  outage?: {
    heldAtStart: number;
    during: Awaited<ReturnType<Outage['duringLoad']>>;
    recovered: Awaited<ReturnType<Outage['recover']>>;
  };
}

const SUBSCRIBERS = 3;
const EMPTY: Measured = {
  load: { okPerSec: Number.NaN, p50Ms: Number.NaN, p99Ms: Number.NaN, ok: 0, failed: 0, clientCpuUs: 0 },
  healthz: { count: 0, failed: 0, p99Ms: Number.NaN, maxMs: Number.NaN },
  lag: { p99Ms: Number.NaN, maxMs: Number.NaN },
  drained: { delivered: 0, stored: 0, drainMs: 0, stalled: false },
};
/** Short enough that a hanging receiver's requests end within the run, as the issue's did. */
const DELIVERY_TIMEOUT_MS = 2_000;

export async function benchOverload(options: BenchOptions): Promise<Row[]> {
  const results = {} as Record<Scenario, Measured>;
  for (const scenario of ['none', 'healthy', 'hanging', 'outage'] as const) {
    // HOOKLINE_BENCH_SCENARIO=hanging runs one scenario alone (for profiling; its rows then compare
    // with nothing), `none,hanging` those two.
    const only = process.env.HOOKLINE_BENCH_SCENARIO?.split(',');
    results[scenario] = !only || only.includes(scenario) ? await measure(scenario, options) : EMPTY;
  }
  options.log(
    `overload: ${Object.entries(results)
      .map(
        ([name, r]) =>
          `${name} ${r.load.okPerSec.toFixed(0)}/s healthz p99 ${r.healthz.p99Ms.toFixed(1)} ms lag p99 ${r.lag.p99Ms.toFixed(1)} ms`,
      )
      .join('; ')}`,
  );
  return overloadRows(results, options);
}

async function measure(scenario: Scenario, options: BenchOptions): Promise<Measured> {
  // The helper processes start side by side with the engine: each is a Node start-up of its own.
  const [engine, prober, subscribed] = await Promise.all([
    startEngineProcess({ deliveryTimeoutMs: DELIVERY_TIMEOUT_MS, ...(scenario === 'outage' ? OUTAGE_CONFIG : {}) }),
    startChild('receiver-process'),
    Promise.all(
      Array.from({ length: scenario === 'healthy' || scenario === 'hanging' ? SUBSCRIBERS : 0 }, () =>
        startChild('receiver-process'),
      ),
    ),
  ]);
  const receivers: ChildHandle[] = [...subscribed];
  try {
    await warmUp(engine, options);
    const outage =
      scenario === 'outage'
        ? await startOutage(engine.child, DELIVERY_TIMEOUT_MS / 1000, options.outage.slowBacklog)
        : undefined;
    receivers.push(...(outage?.receivers ?? []));
    for (const [i, receiver] of subscribed.entries()) {
      if (scenario === 'hanging') await receiver.call('hang');
      await engine.child.call('subscribe', {
        url: `${receiver.info.url}/r${i}`,
        events: ['workflow.*'],
        ordering: 'unordered',
        timeout: DELIVERY_TIMEOUT_MS / 1000,
      });
    }
    const { durationSec, warmupSec } = options.ingress;
    await engine.child.call('loopLag', { reset: true });
    const [load, healthz] = await Promise.all([
      loadTrigger(engine.url, options, CONTACT_FORM),
      prober.call<Measured['healthz']>('probe', {
        url: `${engine.url}/healthz`,
        durationMs: (durationSec + warmupSec) * 1000,
        everyMs: 20,
      }),
    ]);
    const lag = await engine.child.call<Measured['lag']>('loopLag', { reset: true });
    if (process.env.HOOKLINE_BENCH_DEBUG)
      options.log(
        `${scenario}: ${JSON.stringify(healthz)} ${JSON.stringify(lag)} ${JSON.stringify(await engine.child.call('slowHealth'))}`,
      );
    const drained = scenario === 'healthy' ? await drain(engine.child, receivers) : undefined;
    if (!outage) return { load, healthz, lag, drained };
    const during = await outage.duringLoad();
    return {
      load,
      healthz,
      lag,
      outage: { heldAtStart: outage.heldAtStart, during, recovered: await outage.recover() },
    };
  } finally {
    await Promise.all([engine.stop(), prober.close(), ...receivers.map((r) => r.close())]);
  }
}

/**
 * The same load for `overload.warmUpSec`, unmeasured, before any webhook exists (so its events go to
 * no one): every scenario, the baseline too, is then measured on an engine whose code is compiled.
 */
async function warmUp(engine: EngineProcess, options: BenchOptions): Promise<void> {
  const { warmUpSec } = options.overload;
  if (warmUpSec <= 0) return;
  await loadTrigger(
    engine.url,
    { ...options, ingress: { ...options.ingress, durationSec: warmUpSec, warmupSec: 0 } },
    CONTACT_FORM,
  );
  await engine.child.call('idle');
}

/** Waits until no delivery is open, then compares what the receivers got with what the store holds. */
async function drain(engine: ChildHandle, receivers: ChildHandle[]): Promise<Measured['drained']> {
  const started = performance.now();
  const stalled = !(await settleUnlessStalled(engine, receivers));
  const drainMs = performance.now() - started;
  const counts = await engine.call<Record<string, number>>('deliveryCounts');
  const stored = Object.values(counts).reduce((sum, n) => sum + n, 0);
  let delivered = 0;
  for (const receiver of receivers) delivered += (await receiver.call<{ count: number }>('stats')).count;
  return { delivered, stored, drainMs, stalled };
}

function overloadRows(results: Record<Scenario, Measured>, options: BenchOptions): Row[] {
  const base = results.none.load.okPerSec;
  const load = `${options.ingress.connections} connections, ${options.ingress.durationSec} s`;
  const worst = (get: (m: Measured) => number) => Math.max(...Object.values(results).map(get));
  const drained = results.healthy.drained!;
  return [
    {
      figure: `ingress with ${SUBSCRIBERS} healthy subscribers`,
      hookline: results.healthy.load.okPerSec,
      baseline: base,
      unit: 'req/s',
      ratio: ratio(results.healthy.load.okPerSec, base),
      target: '≥ 0.5× no subscribers',
      pass: results.healthy.load.okPerSec >= 0.5 * base,
      note: `autocannon, ${load}, fresh engine per scenario; ${SUBSCRIBERS} receivers subscribed to workflow.* (unordered). Ingress p99: ${results.none.load.p99Ms} ms none, ${results.healthy.load.p99Ms} ms healthy, ${results.hanging.load.p99Ms} ms hanging.`,
    },
    {
      figure: `ingress with ${SUBSCRIBERS} hanging subscribers`,
      hookline: results.hanging.load.okPerSec,
      baseline: base,
      unit: 'req/s',
      ratio: ratio(results.hanging.load.okPerSec, base),
      target: '≥ 0.8× no subscribers',
      pass: results.hanging.load.okPerSec >= 0.8 * base,
      note: `receivers that read each request and never answer; delivery timeout ${DELIVERY_TIMEOUT_MS / 1000} s.`,
    },
    {
      figure: '/healthz p99 under fan-out load',
      hookline: worst((m) => m.healthz.p99Ms),
      baseline: results.none.healthz.p99Ms,
      unit: 'ms',
      ratio: ratio(
        worst((m) => m.healthz.p99Ms),
        results.none.healthz.p99Ms,
      ),
      target: '≤ 100 ms',
      pass: worst((m) => m.healthz.p99Ms) <= 100 && worst((m) => m.healthz.failed) === 0,
      note: `worst scenario; polled one at a time every 20 ms from its own process. Worst single answer ${worst((m) => m.healthz.maxMs).toFixed(0)} ms; baseline = no subscribers.`,
    },
    {
      figure: 'event-loop lag p99 under fan-out load',
      hookline: worst((m) => m.lag.p99Ms),
      baseline: results.none.lag.p99Ms,
      unit: 'ms',
      ratio: ratio(
        worst((m) => m.lag.p99Ms),
        results.none.lag.p99Ms,
      ),
      target: '≤ 50 ms',
      pass: worst((m) => m.lag.p99Ms) <= 50,
      note: 'perf_hooks.monitorEventLoopDelay in the engine, worst scenario; baseline = no subscribers.',
    },
    ...outageRows(results, options),
    {
      figure: 'fan-out backlog drains after the load',
      hookline: drained.delivered,
      baseline: drained.stored,
      unit: 'deliveries',
      ratio: ratio(drained.delivered, drained.stored),
      target: 'all delivered',
      pass: drained.stored > 0 && drained.delivered >= drained.stored && !drained.stalled,
      note: drained.stalled
        ? `healthy scenario: ${drained.stored} deliveries queued; the drain stalled: nothing arrived for ${STALL_MS / 1000} s while deliveries were due, ${drained.delivered} delivered.`
        : `healthy scenario: ${drained.stored} deliveries queued, drained in ${(drained.drainMs / 1000).toFixed(1)} s after the load (${(drained.stored / Math.max(0.001, drained.drainMs / 1000)).toFixed(0)}/s incl. the load's tail).`,
    },
  ];
}

/** The outage scenario against the no-subscriber one of the same run. */
function outageRows(results: Record<Scenario, Measured>, options: BenchOptions): Row[] {
  const { load, outage } = results.outage;
  if (!outage) return [];
  const base = results.none.load.p99Ms;
  const { heldAtStart, during, recovered } = outage;
  return [
    {
      figure: 'ingress p99 during a receiver outage',
      hookline: load.p99Ms,
      baseline: base,
      unit: 'ms',
      ratio: ratio(load.p99Ms, base),
      target: '≤ 2× no outage',
      pass: load.p99Ms <= 2 * base && load.failed === 0,
      note: `receivers down, 500, slower than the timeout, resetting, huge reply, plus a healthy one, all on workflow.*; ${options.outage.slowBacklog} deliveries queued to the slow one before the load, ${heldAtStart} held by it when the load started, ${during.held} at its end (most at once ${during.peakHeld}); ${load.okPerSec.toFixed(0)} req/s (none: ${results.none.load.okPerSec.toFixed(0)}), ${load.failed} failed; the healthy receiver got ${during.healthyDelivered} meanwhile. Baseline = no subscribers.`,
    },
    {
      figure: 'outage backlog delivered after recovery',
      hookline: recovered.succeeded,
      baseline: recovered.stored,
      unit: 'deliveries',
      ratio: ratio(recovered.succeeded, recovered.stored),
      target: 'all delivered',
      pass:
        recovered.stored > 0 &&
        recovered.succeeded === recovered.stored &&
        recovered.delivered >= recovered.stored &&
        !recovered.stalled,
      note: `the down one came up, the others answered 200 (the slow one's held requests too); ${
        recovered.stalled
          ? `the drain stalled: nothing arrived for ${STALL_MS / 1000} s while deliveries were due, ${recovered.succeeded} of ${recovered.stored} succeeded`
          : `all ${recovered.stored} succeeded ${(recovered.drainMs / 1000).toFixed(1)} s after`
      }; the receivers counted ${recovered.delivered} 2xx answers.`,
    },
  ];
}
