/**
 * The figures in order. Delivery runs before backlog because the backlog's drain rate is held to
 * half of the delivery rate measured in the same run. The smoke mode runs its independent chains
 * side by side: its numbers mean nothing, and ten engine start-ups one after another would not
 * fit a test suite.
 */
import { benchBacklog } from './backlog.js';
import { benchCrash } from './crash.js';
import { benchDelivery } from './delivery.js';
import { benchFanout } from './fanout.js';
import { benchIngress } from './ingress.js';
import { benchMemory } from './memory.js';
import { benchN8n, createN8nPeers } from './n8n.js';
import { benchN8nExport, exportPeer } from './n8n-export.js';
import { benchOverload } from './overload.js';
import type { BenchOptions } from './options.js';
import { benchPool } from './pool.js';
import { benchScaleOut } from './scale-out.js';
import type { Row } from './table.js';

export const FIGURES = [
  'ingress',
  'overload',
  'delivery',
  'scaleout',
  'fanout',
  'memory',
  'backlog',
  'pool',
  'n8n',
  'n8nExport',
  'crash',
] as const;
export type Figure = (typeof FIGURES)[number];

/** Figures that may run at the same time as the other chains (smoke mode only). */
const CHAINS: readonly (readonly Figure[])[] = [
  ['ingress', 'n8n', 'n8nExport'],
  ['delivery', 'backlog'],
  ['fanout', 'pool', 'memory'],
  ['scaleout'],
  ['overload'],
  ['crash'],
];

/** Runs the chosen figures; a figure that throws becomes a missed row, and the rest still run. */
export async function runSuite(options: BenchOptions, only: readonly Figure[] = FIGURES): Promise<Row[]> {
  const rows = new Map<Figure, Row[]>();
  let deliveryPerSec = Number.NaN;
  // One n8n for both n8n figures: each start of it takes about 14 s.
  const n8nPeers = createN8nPeers(exportPeer);
  const steps: Record<Figure, () => Promise<Row[]>> = {
    ingress: async () => (await benchIngress(options)).rows,
    delivery: async () => {
      const result = await benchDelivery(options);
      deliveryPerSec = result.singlePerSec;
      return result.rows;
    },
    overload: () => benchOverload(options),
    scaleout: () => benchScaleOut(options),
    fanout: () => benchFanout(options),
    memory: () => benchMemory(options),
    backlog: () => benchBacklog(options, deliveryPerSec),
    pool: () => benchPool(options),
    n8n: () => benchN8n(options, n8nPeers),
    n8nExport: () => benchN8nExport(options, n8nPeers),
    crash: () => benchCrash(options),
  };
  const runFigure = async (figure: Figure) => {
    const started = performance.now();
    options.log(`— ${figure} …`);
    try {
      rows.set(figure, await steps[figure]());
    } catch (error) {
      rows.set(figure, [
        {
          figure,
          hookline: Number.NaN,
          baseline: Number.NaN,
          unit: '',
          ratio: Number.NaN,
          target: 'runs',
          pass: false,
          note: `failed: ${(error as Error).message.split('\n')[0]}`,
        },
      ]);
    }
    options.log(`— ${figure} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
  const chosen = FIGURES.filter((f) => only.includes(f));
  try {
    if (options.mode === 'smoke') {
      await Promise.all(
        CHAINS.map(async (chain) => {
          for (const figure of chain.filter((f) => chosen.includes(f))) await runFigure(figure);
        }),
      );
    } else {
      for (const figure of chosen) await runFigure(figure);
    }
  } finally {
    await n8nPeers.close();
  }
  return chosen.flatMap((figure) => rows.get(figure) ?? []);
}
