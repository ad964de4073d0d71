/**
 * HTTP load with autocannon, the same request for every target: 50 connections by default,
 * a short warm-up first (JIT, connection set-up and SQLite's first pages are not the figure).
 */
import autocannon, { type Result } from 'autocannon';

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

function fire(options: LoadOptions, durationSec: number, amount?: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon(
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
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.warmupSec) await fire(options, options.warmupSec);
  await options.beforeMeasured?.();
  const cpuBefore = process.cpuUsage();
  const result = await fire(options, options.durationSec, options.maxRequests);
  const cpu = process.cpuUsage(cpuBefore);
  const ok = result['2xx'];
  return {
    okPerSec: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok,
    failed: result.non2xx + result.errors + result.timeouts,
    clientCpuUs: cpu.user + cpu.system,
  };
}
