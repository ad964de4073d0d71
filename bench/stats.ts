/**
 * Small statistics for the benchmarks. The machine is shared and noisy, so every figure is a
 * median over rounds, and latencies are read at percentiles rather than averaged.
 */

/** The value below which `p` percent of the samples fall (nearest rank on a sorted copy). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** Median; for an even count the mean of the two middle samples. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A ratio that stays finite-or-NaN instead of throwing on a zero baseline. */
export function ratio(value: number, baseline: number): number {
  return baseline === 0 ? Number.NaN : value / baseline;
}

/**
 * Runs every one of `runs` once per round, in order on even rounds and in reverse on odd ones
 * (a b c, c b a …), so a machine that slowly gets busier or calmer does not favour whichever side
 * always runs first. Returns each run's results, in the order of `runs`.
 */
export async function inTurns<T>(rounds: number, runs: readonly (() => Promise<T>)[]): Promise<T[][]> {
  const results = runs.map(() => [] as T[]);
  for (let round = 0; round < rounds; round++) {
    const order = runs.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) results[i].push(await runs[i]());
  }
  return results;
}

/** {@link inTurns} for two sides of different types: a b, b a, a b … */
export async function alternate<A, B>(
  rounds: number,
  a: () => Promise<A>,
  b: () => Promise<B>,
): Promise<{ a: A[]; b: B[] }> {
  const [as, bs] = await inTurns<A | B>(rounds, [a, b]);
  return { a: as as A[], b: bs as B[] };
}

/** Milliseconds since the epoch with sub-millisecond precision, comparable across processes. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Calls `fire(seq)` at `ratePerSec` for `seconds`: a steady offered load. When a timer fires late
 * it catches up in a burst, as a real producer's queue would. Resolves when every call settled.
 */
export async function pace(
  ratePerSec: number,
  seconds: number,
  fire: (seq: number) => Promise<unknown>,
): Promise<void> {
  const total = Math.round(ratePerSec * seconds);
  const inFlight: Promise<unknown>[] = [];
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * ratePerSec) + 1);
    while (sent < due) inFlight.push(fire(sent++));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
}

/** The least-squares slope of `y` over `x`: e.g. megabytes per subscription from (count, RSS) readings. */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const [x, y] of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? Number.NaN : covariance / variance;
}
