/**
 * Memory per idle subscription: subscriptions of the fan-out figure's mix are stored in steps,
 * and after each step a fresh engine process starts on them (loading them, as a restart does),
 * matches one event (so the matcher's index is built) and has its RSS read after a full garbage
 * collection. A fresh process per reading: one that had just stored the rows would still hold the
 * memory the writing used. The row is the least-squares slope of RSS over the subscription count.
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

const idleRssMb = (dir: BenchDir): Promise<number> =>
  withEngine(dir, async (engine) => {
    await engine.call('indexSubscriptions');
    return (await engine.call<{ currentMb: number }>('rss', { gc: true })).currentMb;
  });

export async function benchMemory(options: BenchOptions): Promise<Row[]> {
  const { subscriptions: total, steps } = options.memory;
  const dir = makeBenchDir();
  try {
    const points: [number, number][] = [[0, await idleRssMb(dir)]];
    for (let step = 1, seeded = 0; step <= steps; step++) {
      const to = Math.round((total * step) / steps);
      await withEngine(dir, (engine) => engine.call('seedSubscriptions', { from: seeded, to }));
      seeded = to;
      points.push([to, await idleRssMb(dir)]);
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
