/**
 * The crash figure: the crash proof of test/integration/crash-proof.test.ts at full size (the
 * issue's 20,000 requests and the deliveries they cause, several seeds), one run after another.
 * Each row is a promise summed over the seeds; any count that must be zero and is not fails it.
 * Full mode only: quick mode prints one row saying so (`npm test` runs the short crash proof).
 */
import { runCrashProof, type CrashRun } from './crash-proof.js';
import { benchOptions, type BenchOptions } from './options.js';
import { ratio } from './stats.js';
import { fullModeOnly, type Row } from './table.js';

export async function benchCrash(options: BenchOptions): Promise<Row[]> {
  if (!options.crash) {
    const full = benchOptions('full').crash!;
    return [
      fullModeOnly(
        'crash proof',
        `${full.requests.toLocaleString('en-US')} requests per seed, ${full.seeds.length} seeds; npm test runs the short crash proof (test/integration/crash-proof.test.ts).`,
      ),
    ];
  }
  const runs: CrashRun[] = [];
  for (const seed of options.crash.seeds)
    runs.push(await runCrashProof({ requests: options.crash.requests, seed, log: options.log }));
  for (const run of runs)
    if (run.examples.length > 0) options.log(`crash seed ${run.seed}:\n${run.examples.join('\n')}`);
  const sum = (get: (run: CrashRun) => number) => runs.reduce((total, run) => total + get(run), 0);
  const acked = runs.length * options.crash.requests;
  const deliveries = sum((r) => r.deliveries + r.missingDeliveries);
  const perSeed = runs
    .map(
      (r) =>
        `seed ${r.seed}: killed after ${r.killedAfter} acknowledged with ${r.inFlightAtKill} deliveries in flight, ${r.resent} resent, ${(r.durationMs / 1000).toFixed(0)} s`,
    )
    .join('; ');
  const kept = (value: number) => value === 0;
  return [
    {
      figure: 'crash: acknowledged requests with their execution',
      hookline: acked - sum((r) => r.missingExecutions),
      baseline: acked,
      unit: 'requests',
      ratio: ratio(acked - sum((r) => r.missingExecutions), acked),
      target: 'all',
      pass: kept(sum((r) => r.missingExecutions)),
      note: `hookline serve on SQLite, SIGKILL at a seeded random moment under load, restarted on the same file; ${perSeed}.`,
    },
    {
      figure: 'crash: deliveries arrived',
      hookline: deliveries - sum((r) => r.missingDeliveries + r.undelivered),
      baseline: deliveries,
      unit: 'deliveries',
      ratio: ratio(deliveries - sum((r) => r.missingDeliveries + r.undelivered), deliveries),
      target: 'all',
      pass: kept(sum((r) => r.missingDeliveries + r.undelivered)),
      note: 'every event of a subscribed type has a delivery per endpoint, it succeeded, and its message reached the endpoint.',
    },
    {
      figure: 'crash: ordered endpoints, arrivals out of order',
      hookline: sum((r) => r.orderViolations),
      baseline: Number.NaN,
      unit: 'arrivals',
      ratio: Number.NaN,
      target: '0',
      pass: kept(sum((r) => r.orderViolations)),
      note: 'first arrivals at the two ordered endpoints against the events’ order in the store.',
    },
    {
      figure: 'crash: repeats the kill does not explain',
      hookline: sum((r) => r.unexplainedRepeats),
      baseline: sum((r) => r.repeats),
      unit: 'messages',
      ratio: ratio(
        sum((r) => r.unexplainedRepeats),
        sum((r) => r.repeats),
      ),
      target: '0',
      pass: kept(sum((r) => r.unexplainedRepeats)),
      note: `baseline = all repeated messages: ${sum((r) => r.repeatsInFlightAtKill)} in flight at the kill, ${sum((r) => r.repeatsAfterFailedAttempt)} after a failed attempt (a timeout: the receiver got it, the engine gave up).`,
    },
  ];
}
