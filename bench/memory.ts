/**
 * Memory per idle subscription: subscriptions of the fan-out figure's mix are stored in steps,
 * and before each step a fresh engine process starts on those stored so far (loading them, as a
 * restart does), matches one event (so the matcher's index is built) and has its RSS read after a
 * full garbage collection; then it stores the next step's. A fresh process per reading: one that
 * had just stored the rows would still hold the memory the writing used. The row is the least-squares slope of RSS over the subscription count.
 * The issue sets no target: it asks for the figure to be measured and printed.
 */
import { startChild, type ChildHandle } from './child.js';
import type { BenchOptions } from './options.js';
import { slope } from './stats.js';
import type { Row } from './table.js';
import { benchOverrides, makeBenchDir, type BenchDir } from './workspace.js';

const MB = 1024 * 1024;

/** An engine process on `dir`, which keeps its database between processes. */
async function withEngine<T>(dir: BenchDir, use: (engine: ChildHandle) => Promise<T>): Promise<T> {
  const engine = await startChild('engine-process', [JSON.stringify(benchOverrides(dir))]);
  try {
    return await use(engine);
  } finally {
    await engine.close(60_000);
  }
}

/** A fresh engine's idle RSS over what `dir` holds; then it stores subscriptions `from`…`to - 1` for the next reading. */
const readThenSeed = (dir: BenchDir, seed?: { from: number; to: number }): Promise<number> =>
  withEngine(dir, async (engine) => {
    await engine.call('indexSubscriptions');
    const { currentMb } = await engine.call<{ currentMb: number }>('rss', { gc: true });
    if (seed) await engine.call('seedSubscriptions', seed);
    return currentMb;
  });

export async function benchMemory(options: BenchOptions): Promise<Row[]> {
  const { subscriptions: total, steps } = options.memory;
  const dir = makeBenchDir();
  try {
    const counts = Array.from({ length: steps + 1 }, (_, step) => Math.round((total * step) / steps));
    const points: [number, number][] = [];
    for (const [step, count] of counts.entries()) {
      const next = counts[step + 1];
      points.push([count, await readThenSeed(dir, next === undefined ? undefined : { from: count, to: next })]);
    }
    const bytesPer = slope(points) * MB;
    const readings = points.map(([n, mb]) => `${n.toLocaleString('en-US')}: ${mb.toFixed(0)} MB`).join(', ');
    options.log(`memory: ${bytesPer.toFixed(0)} B per idle subscription (${readings})`);
    return [
      {
        figure: `RSS per idle subscription (0 → ${total.toLocaleString('en-US')})`,
        hookline: bytesPer,
        baseline: Number.NaN,
        unit: 'B',
        ratio: Number.NaN,
        target: '',
        pass: null,
        note: `Slope of an engine process's RSS (after a full GC) over the subscriptions it loaded at start: the fan-out figure's mix, each with its own secret and URL, matcher index built. Readings: ${readings}.`,
        details: { points },
      },
    ];
  } finally {
    dir.remove();
  }
}
