/**
 * What a delivery costs PostgreSQL, for a scaling model: the server's counters read before the
 * engines start and after they have stopped, divided by the deliveries made in between.
 *
 * Which counters are clean: `pg_stat_user_tables` / `pg_statio_user_tables` are filtered to the
 * run's own schema; `pg_stat_database` (transactions) counts every session of the database and
 * the WAL position is the whole server's, so other work on the server inflates those two
 * (`otherWritesShare` says how much other sessions wrote meanwhile). A backend publishes its
 * counters when it exits at the latest: the "after" reading waits until the engines' connections
 * (found by `application_name`) are gone.
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import type { QueryCounts } from './pg-query-counter.js';
import { withAdmin, type BenchSchema } from './pg-schema.js';

const SNAPSHOT_SQL = `SELECT pg_current_wal_lsn()::text AS lsn,
    (SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r') AS storage,
    (SELECT row_to_json(d) FROM (SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted
      FROM pg_stat_database WHERE datname = current_database()) d) AS database,
    (SELECT row_to_json(t) FROM (SELECT sum(s.n_tup_ins) AS ins, sum(s.n_tup_upd) AS upd,
        sum(s.n_tup_hot_upd) AS hot, sum(s.n_tup_del) AS del, sum(s.seq_scan) AS seq_scans,
        sum(s.idx_scan) AS idx_scans, sum(io.heap_blks_hit + coalesce(io.idx_blks_hit, 0)) AS hit,
        sum(io.heap_blks_read + coalesce(io.idx_blks_read, 0)) AS read
      FROM pg_stat_user_tables s JOIN pg_statio_user_tables io USING (relid) WHERE s.schemaname = $1) t) AS tables`;

type Counters = Record<string, number | string | null>;

export interface PgSnapshot {
  walLsn: bigint;
  /** Bytes of the schema's tables, their indexes and TOAST included. */
  storageBytes: number;
  database: Counters;
  tables: Counters;
}

/** Per delivery unless the name says otherwise; flat, so rounds can be summarised field by field. */
export interface PgCosts {
  /** Deliveries made from start to stop (the warm-up's included). */
  deliveries: number;
  /** Counted in the engines over the measured run only (steady state, no start-up). */
  roundTrips: number;
  transactions: number;
  /** CPU of the engines' server backends over the measured run, in µs (NaN unless the server is local). */
  serverCpuUs: number;
  /** `xact_commit` of the whole database, read-only transactions and other sessions included. */
  serverCommits: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  /** Updates that were HOT (no index entries written), as a share of all updates. */
  hotUpdateShare: number;
  /** WAL written by the whole server (autovacuum and other sessions included). */
  walBytes: number;
  /** Table, index and TOAST bytes the schema holds at stop (dead row versions not yet vacuumed included). */
  storageBytes: number;
  blocksHit: number;
  blocksRead: number;
  indexScans: number;
  /** Rows other sessions wrote in the database meanwhile, as a share of all rows written. */
  otherWritesShare: number;
}

/** `X/Y` (two hex halves) as one 64-bit position. */
function lsnValue(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

async function readSnapshot(client: pg.Client, schema: string): Promise<PgSnapshot> {
  const { rows } = await client.query(SNAPSHOT_SQL, [schema]);
  const row = rows[0] as { lsn: string; storage: string; database: Counters; tables: Counters | null };
  return {
    walLsn: lsnValue(row.lsn),
    storageBytes: Number(row.storage),
    database: row.database,
    tables: row.tables ?? {},
  };
}

export function takeSnapshot(schema: BenchSchema): Promise<PgSnapshot> {
  return withAdmin((client) => readSnapshot(client, schema.schema));
}

/** Waits until no connection of this schema's engines is left (their counters are then published). */
export async function snapshotAfterEngines(schema: BenchSchema, timeoutMs = 30_000): Promise<PgSnapshot> {
  return withAdmin(async (client) => {
    const endAt = performance.now() + timeoutMs;
    const open = async () =>
      Number(
        (await client.query('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [schema.schema]))
          .rows[0].n,
      );
    while ((await open()) > 0) {
      if (performance.now() > endAt)
        throw new Error(`connections of ${schema.schema} still open after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return readSnapshot(client, schema.schema);
  });
}

const delta = (after: Counters, before: Counters, key: string) => Number(after[key] ?? 0) - Number(before[key] ?? 0);

/** What the engines did over the measured run: their round trips, their backends' CPU, and deliveries made. */
export interface MeasuredRun {
  queries: QueryCounts;
  serverCpuUs: number;
  deliveries: number;
}

/** `/proc` counts CPU in USER_HZ ticks, 100 a second on Linux whatever the kernel's own tick. */
const MICROS_PER_TICK = 10_000;

/** CPU used so far by each backend of the schema's engines, from `/proc` (empty when the server is not local). */
export async function backendCpu(schema: BenchSchema): Promise<Map<number, number>> {
  const pids = await withAdmin(async (client) =>
    (await client.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [schema.schema])).rows.map(
      (row: { pid: number }) => row.pid,
    ),
  );
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu.set(pid, (Number(fields[11]) + Number(fields[12])) * MICROS_PER_TICK); // utime + stime
    } catch {
      // another machine's (or a just-ended) backend: not counted
    }
  }
  return cpu;
}

/** CPU between two readings; a backend opened in between counts from zero, one closed in between is lost. */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  if (after.size === 0) return Number.NaN;
  let sum = 0;
  for (const [pid, micros] of after) sum += micros - (before.get(pid) ?? 0);
  return sum;
}

/** The costs between two snapshots per delivery (`deliveries` made between them), and the measured run's. */
export function costsBetween(before: PgSnapshot, after: PgSnapshot, deliveries: number, run: MeasuredRun): PgCosts {
  const db = (key: string) => delta(after.database, before.database, key);
  const table = (key: string) => delta(after.tables, before.tables, key);
  const ownWrites = table('ins') + table('upd') + table('del');
  const allWrites = db('tup_inserted') + db('tup_updated') + db('tup_deleted');
  const per = (value: number) => value / deliveries;
  return {
    deliveries,
    roundTrips: run.queries.roundTrips / run.deliveries,
    transactions: run.queries.transactions / run.deliveries,
    serverCpuUs: run.serverCpuUs / run.deliveries,
    serverCommits: per(db('xact_commit')),
    rowsInserted: per(table('ins')),
    rowsUpdated: per(table('upd')),
    rowsDeleted: per(table('del')),
    hotUpdateShare: table('upd') === 0 ? 0 : table('hot') / table('upd'),
    walBytes: per(Number(after.walLsn - before.walLsn)),
    storageBytes: per(after.storageBytes - before.storageBytes),
    blocksHit: per(table('hit')),
    blocksRead: per(table('read')),
    indexScans: per(table('idx_scans')),
    otherWritesShare: allWrites <= 0 ? 0 : Math.max(0, allWrites - ownWrites) / allWrites,
  };
}
