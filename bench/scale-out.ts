/**
 * Scale-out: delivery throughput with one and with two engine processes sharing one PostgreSQL
 * database, next to one process on its embedded SQLite file, in the same run. Two processes on two
 * cores are not expected to be faster, only not slower: claims that contend (one endpoint, SKIP
 * LOCKED) must not collapse.
 *
 * Each round starts every side afresh (a new SQLite file, a new schema dropped after it), in turns
 * (a b c, then c b a): tables never grow across rounds, and no idle side is woken by another's
 * NOTIFYs (channels are per database, not per schema). The PostgreSQL sides also record what a
 * delivery costs the database (pg-costs.ts), for a scaling model: in the note, and in full under
 * the row's `details` in `bench/results.json`.
 */
import { availableParallelism } from 'node:os';
import { startChild, type ChildHandle } from './child.js';
import { senderConcurrency } from './delivery.js';
import { hooklineDelivery, warmupDeliveries, type RunResult, type RunSpec } from './delivery-runs.js';
import type { BenchOptions } from './options.js';
import type { EngineProcess } from './workspace.js';
import {
  backendCpu,
  costsBetween,
  cpuBetween,
  snapshotAfterEngines,
  takeSnapshot,
  type MeasuredRun,
  type PgCosts,
} from './pg-costs.js';
import { sumQueryCounts, type QueryCounts } from './pg-query-counter.js';
import { createBenchSchema } from './pg-schema.js';
import { inTurns, median, ratio } from './stats.js';
import { formatNumber, fullModeOnly, type Row } from './table.js';

interface SideResult extends RunResult {
  costs?: PgCosts;
  /** Round trips by statement over the measured run, all processes together (for profiling). */
  statements?: Record<string, number>;
}

/** One fresh engine on its own SQLite file: warmed up, measured once, stopped. */
async function sqliteRound(spec: RunSpec): Promise<SideResult> {
  const side = await hooklineDelivery(spec);
  try {
    return await side.run();
  } finally {
    await side.close();
  }
}

/** Round trips of all the engines since the last call. */
async function takeQueries(engines: readonly EngineProcess[]): Promise<QueryCounts> {
  return sumQueryCounts(await Promise.all(engines.map((engine) => engine.child.call<QueryCounts>('pgQueries'))));
}

/**
 * `processes` fresh engines on a fresh schema, measured once: the database's counters from before
 * the start to after the stop, the engines' round trips over the measured run.
 */
async function postgresRound(spec: RunSpec, processes: number): Promise<SideResult> {
  const schema = await createBenchSchema();
  try {
    const before = await takeSnapshot(schema);
    const side = await hooklineDelivery({
      ...spec,
      databaseUrl: schema.url,
      processes,
      settings: { poolThreads: Math.max(1, Math.floor(availableParallelism() / processes)) },
    });
    const measured = spec.events * spec.subscriptions;
    let result: RunResult;
    let run: MeasuredRun;
    try {
      const [, cpuBefore] = await Promise.all([takeQueries(side.engines), backendCpu(schema)]);
      result = await side.run();
      const [queries, cpuAfter] = await Promise.all([takeQueries(side.engines), backendCpu(schema)]);
      run = { queries, serverCpuUs: cpuBetween(cpuBefore, cpuAfter), deliveries: measured };
    } finally {
      await side.close();
    }
    const after = await snapshotAfterEngines(schema);
    const costs = costsBetween(before, after, warmupDeliveries(spec) + measured, run);
    return { ...result, costs, statements: run.queries.byStatement };
  } finally {
    await schema.drop();
  }
}

/** Each field's median over the rounds. */
function medianCosts(runs: readonly SideResult[]): PgCosts {
  const costs = runs.map((run) => run.costs!);
  const keys = Object.keys(costs[0]) as (keyof PgCosts)[];
  return Object.fromEntries(keys.map((key) => [key, median(costs.map((c) => c[key]))])) as unknown as PgCosts;
}

function costsText(c: PgCosts): string {
  return (
    `${formatNumber(c.roundTrips)} round trips in ${formatNumber(c.transactions)} transactions, ` +
    `${formatNumber(c.serverCpuUs)} µs of server CPU; rows ${formatNumber(c.rowsInserted)} inserted / ` +
    `${formatNumber(c.rowsUpdated)} updated (${Math.round(c.hotUpdateShare * 100)}% HOT) / ${formatNumber(c.rowsDeleted)} deleted; ` +
    `${formatNumber(c.blocksHit)} blocks hit / ${formatNumber(c.blocksRead)} read; ${formatNumber(c.storageBytes)} bytes stored; ` +
    `${formatNumber(c.walBytes)} WAL bytes (other sessions wrote ${Math.round(c.otherWritesShare * 100)}% of the database's rows meanwhile)`
  );
}

/** Median CPU per delivery of a side's engine processes (pool threads included): steadier than rates on a busy machine. */
const cpuPerDelivery = (runs: readonly SideResult[]) =>
  `${formatNumber(median(runs.map((r) => r.cpuUsPerDelivery)))} µs`;

const perSecList = (runs: readonly SideResult[]) => runs.map((r) => r.perSec.toFixed(0)).join(', ');

const COSTS_SOURCES =
  "Round trips, transactions and server CPU (the engines' backends, from /proc when the server is local) cover the " +
  "measured run; rows, blocks and bytes stored are the run's schema's from before start to after stop (warm-up " +
  "included); WAL is the whole server's over that time.";

export async function benchScaleOut(options: BenchOptions): Promise<Row[]> {
  if (!options.scaleout)
    return [
      fullModeOnly(
        'delivery, PostgreSQL 1 and 2 processes',
        'each side starts afresh per round (engines, schema, migrations), and a 2-process verdict needs several rounds; npm test runs the figure small (test/bench/smoke.test.ts).',
      ),
    ];
  const { rounds, events } = options.scaleout;
  const receiver: ChildHandle = await startChild('receiver-process');
  try {
    const spec: RunSpec = { receiver, events, subscriptions: 1, concurrency: senderConcurrency() };
    const [sqlite, pg1, pg2] = await inTurns<SideResult>(rounds, [
      () => sqliteRound(spec),
      () => postgresRound(spec, 1),
      () => postgresRound(spec, 2),
    ]);
    options.log(
      `scale-out: SQLite ${perSecList(sqlite)} /s; PostgreSQL 1 process ${perSecList(pg1)} /s; 2 processes ${perSecList(pg2)} /s`,
    );
    const [rateSqlite, rate1, rate2] = [sqlite, pg1, pg2].map((runs) => median(runs.map((r) => r.perSec)));
    const [costs1, costs2] = [medianCosts(pg1), medianCosts(pg2)];
    const shape = `${events.toLocaleString('en-US')} events → 1 unordered subscription, measured as the delivery figure does, a fresh engine (and schema) per round, median of ${rounds}`;
    const one: Row = {
      figure: 'delivery, PostgreSQL 1 process',
      hookline: rate1,
      baseline: rateSqlite,
      unit: 'deliveries/s',
      ratio: ratio(rate1, rateSqlite),
      target: '≥ 0.5× SQLite, 1 process',
      pass: ratio(rate1, rateSqlite) >= 0.5,
      note:
        `${shape}. CPU per delivery (engine processes): SQLite ${cpuPerDelivery(sqlite)}, PostgreSQL ${cpuPerDelivery(pg1)}. ` +
        `PostgreSQL per delivery: ${costsText(costs1)}. ${COSTS_SOURCES}`,
      details: { costsPerDelivery: costs1, rounds: { sqlite, postgres: pg1 } },
    };
    const two: Row = {
      figure: 'delivery, PostgreSQL 2 processes',
      hookline: rate2,
      baseline: rate1,
      unit: 'deliveries/s',
      ratio: ratio(rate2, rate1),
      target: '≥ 1.0× 1 process',
      pass: ratio(rate2, rate1) >= 1,
      note:
        `Both processes publish half the events and claim from the one shared outbox; the rate is its drain. Each ` +
        `process gets half the pool threads (HOOKLINE_POOL_THREADS), so both sides run as many threads on the same ` +
        `cores: on 2 cores this shows no contention collapse, not a speed-up. CPU per delivery (both processes): ` +
        `${cpuPerDelivery(pg2)}. PostgreSQL per delivery: ${costsText(costs2)}.`,
      details: { costsPerDelivery: costs2, rounds: { postgres: pg2 } },
    };
    return [one, two];
  } finally {
    await receiver.close();
  }
}
