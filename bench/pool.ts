/**
 * Figure 5, the worker pool: what piscina buys. The same delivery run with signing and sending
 * inline on the main thread versus in the pool, and signing alone at several task sizes, so the
 * README can say at which batch size handing work to a thread starts to pay.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { resolveWorkerEntry } from '../engine/pool/dispatcher.js';
import type { SignItem, SignTask } from '../engine/pool/tasks.js';
import { generateSecret, signPayload } from '../engine/signing/index.js';
import { sourceBundle, startChild } from './child.js';
import { compareSides, hooklineDelivery, type RunResult } from './delivery-runs.js';
import { cpuNote, senderConcurrency } from './delivery.js';
import type { BenchOptions } from './options.js';
import { alternate, median, ratio } from './stats.js';
import type { Row } from './table.js';

/** DESIGN §7 measured signing on 1 KB bodies. */
const BODY = JSON.stringify({ id: 'evt_bench', type: 'bench.sign', data: { text: 'x'.repeat(940) } });

function signItems(count: number): SignItem[] {
  const secret = generateSecret();
  return Array.from({ length: count }, (_, i) => ({
    msgId: `msg_${i}`,
    body: BODY,
    signing: { scheme: 'standard-webhooks' as const, secrets: [secret] },
  }));
}

function signInline(items: readonly SignItem[]): number {
  const started = performance.now();
  const timestampSec = Math.floor(Date.now() / 1000);
  for (const item of items)
    signPayload({
      scheme: item.signing.scheme,
      secrets: item.signing.secrets,
      msgId: item.msgId,
      body: item.body,
      timestampSec,
    });
  return items.length / ((performance.now() - started) / 1000);
}

async function signInPool(pool: Piscina<SignTask, unknown>, items: SignItem[], batchSize: number): Promise<number> {
  const started = performance.now();
  const tasks = [];
  for (let i = 0; i < items.length; i += batchSize)
    tasks.push(pool.run({ items: items.slice(i, i + batchSize) }, { name: 'sign' }));
  await Promise.all(tasks);
  return items.length / ((performance.now() - started) / 1000);
}

async function signingRows(options: BenchOptions): Promise<Row[]> {
  const threads = availableParallelism();
  // From sources (the smoke test) the bundled worker starts in milliseconds, not seconds.
  const entry = resolveWorkerEntry();
  const filename = entry.filename.endsWith('.ts') ? await sourceBundle('tasks') : entry.filename;
  const pool = new Piscina<SignTask, unknown>({ filename, minThreads: threads, maxThreads: threads });
  const items = signItems(options.pool.signatures);
  try {
    await signInPool(pool, items.slice(0, 1000), 100); // start and warm the threads
    signInline(items.slice(0, 1000));
    const rows: Row[] = [];
    for (const batchSize of options.pool.batchSizes) {
      const { a, b } = await alternate(
        options.pool.rounds,
        () => signInPool(pool, items, batchSize),
        async () => signInline(items),
      );
      const r = ratio(median(a), median(b));
      rows.push({
        figure: `pool: HMAC signing, ${batchSize} per task`,
        hookline: median(a),
        baseline: median(b),
        unit: 'signatures/s',
        ratio: r,
        target: '',
        pass: null,
      });
    }
    const pays = rows.find((row) => row.ratio > 1);
    const verdict = pays
      ? `The pool first beats inline at ${pays.figure.replace(/\D+/g, '')} signatures per task.`
      : 'The pool never beat inline at these task sizes.';
    rows[0].note = `piscina (${threads} threads) vs inline on the main thread, 1 KB bodies, standard-webhooks; the threads share ${availableParallelism()} cores with the main thread. ${verdict}`;
    return rows;
  } finally {
    await pool.close();
  }
}

export async function benchPool(options: BenchOptions): Promise<Row[]> {
  const receiver = await startChild('receiver-process');
  const spec = { receiver, events: options.pool.events, subscriptions: 1, concurrency: senderConcurrency() };
  let runs: { a: RunResult[]; b: RunResult[] };
  try {
    runs = await compareSides(
      options.pool.rounds,
      () => hooklineDelivery(spec),
      () => hooklineDelivery(spec, true),
    );
  } finally {
    await receiver.close();
  }
  const [pool, inline] = [runs.a.map((r) => r.perSec), runs.b.map((r) => r.perSec)];
  options.log(
    `pool vs inline delivery: ${pool.map((x) => x.toFixed(0)).join(', ')} vs ${inline.map((x) => x.toFixed(0)).join(', ')} /s`,
  );
  const delivery: Row = {
    figure: `pool: delivery run, ${options.pool.events.toLocaleString('en-US')} events (pool vs inline)`,
    hookline: median(pool),
    baseline: median(inline),
    unit: 'deliveries/s',
    ratio: ratio(median(pool), median(inline)),
    target: '',
    pass: null,
    note: `Hookline = piscina pool (default); baseline = the same engine with signing and sending inline on the main thread (createDispatcher({ inline: true })). ${cpuNote('engine process', runs.a, runs.b, 'inline')}`,
  };
  return [delivery, ...(await signingRows(options))];
}
