/**
 * HTTP load with autocannon, the same request for every target: 50 connections by default,
 * a short warm-up first (JIT, connection set-up and SQLite's first pages are not the figure).
 *
 * The warm-up and the measured run are one autocannon run on the same connections; only answers
 * that arrive after the warm-up count. Two runs would open fresh connections for the measured one,
 * and a busy server accepts one connection per event-loop turn (libuv 1.45+): 50 new connections
 * to a loaded engine took 250–450 ms to be accepted, so a quick run's p99 (the 7th slowest of
 * ~700 answers) measured that ramp, not the latency of a running engine.
 */
import autocannon, { type Instance, type Result } from 'autocannon';
import { percentile } from './stats.js';

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  durationSec: number;
  /** @defaultValue 50 */
  connections?: number;
  /** Warm-up seconds before the measured run; 0 for none. @defaultValue 0 */
  warmupSec?: number;
  /** Stop after this many requests even before `durationSec` (the smoke run: what it queues must drain fast). */
  maxRequests?: number;
  /** Called after the warm-up, right before the measured run (a server's CPU reading starts there). */
  beforeMeasured?: () => Promise<void>;
}

export interface LoadResult {
  /** 2xx answers per second: errors and rejections do not count as throughput. */
  okPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  /** Non-2xx answers, socket errors and timeouts together. */
  failed: number;
  /**
   * CPU time of this process during the measured run (µs): autocannon's, since the servers run in
   * their own processes. On a machine of a few cores the load generator's share of the CPU is part
   * of what a server's rate can reach.
   */
  clientCpuUs: number;
}

/** Starts one autocannon run; `done` resolves with its result. */
function fire(
  options: LoadOptions,
  durationSec: number,
  amount?: number,
): { instance: Instance; done: Promise<Result> } {
  let instance!: Instance;
  const done = new Promise<Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: options.url,
        method: 'POST',
        headers: options.headers,
        body: options.body,
        connections: options.connections ?? 50,
        duration: durationSec,
        // autocannon ignores `duration` when `amount` is set.
        ...(amount ? { amount } : {}),
        idReplacement: true,
        // autocannon notices the end of a run only at its next sample and times the run to it: at its
        // default of 1 s, a 0.75 s load ran (and was timed) for 1 s.
        sampleInt: 10,
        timeout: 30,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  return { instance, done };
}

/** What arrived after the warm-up: answers' times (2xx), other answers, and failed requests. */
interface Measured {
  startedMs: number;
  latenciesMs: number[];
  non2xx: number;
  errors: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const warmupSec = options.warmupSec ?? 0;
  const { instance, done } = fire(options, warmupSec + options.durationSec, options.maxRequests);
  let measured: Measured | null = null;
  let cpuBefore: NodeJS.CpuUsage | undefined;
  const measure = async (): Promise<void> => {
    await options.beforeMeasured?.();
    cpuBefore = process.cpuUsage();
    measured = { startedMs: performance.now(), latenciesMs: [], non2xx: 0, errors: 0 };
  };
  const measuring =
    warmupSec > 0 ? new Promise((resolve) => setTimeout(resolve, warmupSec * 1000)).then(measure) : measure();
  instance.on('response', (_client, statusCode, _bytes, ms) => {
    if (!measured) return;
    if (statusCode >= 200 && statusCode < 300) measured.latenciesMs.push(ms);
    else measured.non2xx++;
  });
  instance.on('reqError', () => {
    if (measured) measured.errors++;
  });
  await measuring;
  await done;
  const endedMs = performance.now();
  const cpu = process.cpuUsage(cpuBefore);
  const { startedMs, latenciesMs, non2xx, errors } = measured!;
  const ok = latenciesMs.length;
  return {
    okPerSec: ok / ((endedMs - startedMs) / 1000),
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    ok,
    failed: non2xx + errors,
    clientCpuUs: cpu.user + cpu.system,
  };
}
