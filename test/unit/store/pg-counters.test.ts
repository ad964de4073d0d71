/**
 * The limit counters: one behaviour table, run against the embedded store's (memory) and
 * PostgreSQL's, then what only PostgreSQL must prove: exact counts when two processes (two pools)
 * count at once, and the sweep that keeps its tables small. Each test gets fresh counters; on
 * PostgreSQL, a fresh schema with the store's migrations.
 */
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryCounters } from '../../../engine/store/memory-counters.js';
import { createPgCounters } from '../../../engine/store/postgres/pg-counters.js';
import { createPgPool } from '../../../engine/store/postgres/pg-db.js';
import { migratePg } from '../../../engine/store/postgres/pg-migrate.js';
import type { LimitCounters } from '../../../engine/store/types.js';
import { TUNING } from '../../../engine/tuning.js';
import { createTestSchema, postgresAvailable } from '../../helpers/postgres.js';

const hasPostgres = await postgresAvailable();

const T0 = 1_700_000_000_000;
const MINUTE_MS = 60_000;

/** A schema migrated as the store migrates it; `connect()` is one more process. */
interface CountersDatabase {
  connect(): pg.Pool;
  close(): Promise<void>;
}

async function createCountersDatabase(): Promise<CountersDatabase> {
  const schema = await createTestSchema('counters');
  const pools: pg.Pool[] = [];
  const connect = () => {
    const pool = createPgPool({ connectionString: schema.url, poolSize: 5, schema: schema.schema });
    pools.push(pool);
    return pool;
  };
  const close = async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await schema.drop();
  };
  try {
    await migratePg(connect());
  } catch (error) {
    await close();
    throw error;
  }
  return { connect, close };
}

interface Implementation {
  name: string;
  needsPostgres: boolean;
  open(): Promise<{ counters: LimitCounters; close(): Promise<void> }>;
}

const IMPLEMENTATIONS: Implementation[] = [
  {
    name: 'memory',
    needsPostgres: false,
    open: async () => ({ counters: createMemoryCounters(), close: async () => {} }),
  },
  {
    name: 'postgres',
    needsPostgres: true,
    open: async () => {
      const database = await createCountersDatabase();
      return { counters: createPgCounters(database.connect()), close: database.close };
    },
  },
];

describe.each(IMPLEMENTATIONS)('$name limit counters', ({ needsPostgres, open }) => {
  describe.skipIf(needsPostgres && !hasPostgres)('behave as one table says', () => {
    let counters: LimitCounters;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ counters, close } = await open());
    });
    afterEach(() => close());

    const takes = async (key: string, perMinute: number, nowMs: number, count: number) => {
      const waits: number[] = [];
      for (let i = 0; i < count; i++) waits.push(await counters.takeToken(key, perMinute, nowMs));
      return waits;
    };

    it('starts a bucket full, then refuses with the whole seconds until its next token', async () => {
      expect(await takes('k', 3, T0, 4)).toEqual([0, 0, 0, 20]);
    });

    it('refills continuously, a token every 60/perMinute seconds', async () => {
      await takes('k', 60, T0, 60);
      expect(await counters.takeToken('k', 60, T0 + 999)).toBe(1);
      expect(await counters.takeToken('k', 60, T0 + 1_000)).toBe(0);
      expect(await counters.takeToken('k', 60, T0 + 1_000)).toBe(1);
      expect(await takes('k', 60, T0 + 3_500, 3)).toEqual([0, 0, 1]);
    });

    it('does not drain on refusals: Retry-After counts down and the token comes on time', async () => {
      await takes('k', 6, T0, 6);
      expect(await counters.takeToken('k', 6, T0)).toBe(10);
      expect(await counters.takeToken('k', 6, T0 + 1_000)).toBe(9);
      expect(await counters.takeToken('k', 6, T0 + 2_500)).toBe(8);
      expect(await counters.takeToken('k', 6, T0 + 9_999)).toBe(1);
      expect(await counters.takeToken('k', 6, T0 + 10_000)).toBe(0);
      expect(await counters.takeToken('k', 6, T0 + 10_000)).toBe(10);
    });

    it('never holds more than perMinute tokens, however long it rests', async () => {
      await counters.takeToken('k', 2, T0);
      expect(await takes('k', 2, T0 + 60 * MINUTE_MS, 3)).toEqual([0, 0, 30]);
    });

    it('keeps a bucket per key', async () => {
      expect(await counters.takeToken('a', 1, T0)).toBe(0);
      expect(await counters.takeToken('b', 1, T0)).toBe(0);
      expect(await counters.takeToken('a', 1, T0)).toBe(60);
    });

    it('never refuses when perMinute is 0', async () => {
      expect(new Set(await takes('k', 0, T0, 100))).toEqual(new Set([0]));
    });

    it('has no failure window before a failure, then counts failures in a fixed window from the first', async () => {
      expect(await counters.failureWindow('k', MINUTE_MS, T0)).toBeNull();
      for (const atMs of [T0, T0 + 10_000, T0 + 59_999]) await counters.addFailure('k', MINUTE_MS, atMs);
      expect(await counters.failureWindow('k', MINUTE_MS, T0 + 59_999)).toEqual({ failures: 3, startMs: T0 });
      expect(await counters.failureWindow('k', MINUTE_MS, T0 + MINUTE_MS)).toBeNull();
    });

    it('starts a new window at the first failure after the last one ended', async () => {
      await counters.addFailure('k', MINUTE_MS, T0);
      await counters.addFailure('k', MINUTE_MS, T0 + 1);
      await counters.addFailure('k', MINUTE_MS, T0 + MINUTE_MS);
      const restarted = { failures: 1, startMs: T0 + MINUTE_MS };
      expect(await counters.failureWindow('k', MINUTE_MS, T0 + MINUTE_MS)).toEqual(restarted);
      expect(await counters.failureWindow('k', MINUTE_MS, T0 + 2 * MINUTE_MS - 1)).toEqual(restarted);
    });

    it('keeps a failure window per key', async () => {
      await counters.addFailure('a', MINUTE_MS, T0);
      await counters.addFailure('a', MINUTE_MS, T0);
      await counters.addFailure('b', MINUTE_MS, T0 + 5);
      expect(await counters.failureWindow('a', MINUTE_MS, T0 + 10)).toEqual({ failures: 2, startMs: T0 });
      expect(await counters.failureWindow('b', MINUTE_MS, T0 + 10)).toEqual({ failures: 1, startMs: T0 + 5 });
    });
  });
});

describe.skipIf(!hasPostgres)('postgres limit counters, shared by processes', () => {
  let database: CountersDatabase;
  let pool: pg.Pool;
  beforeEach(async () => {
    database = await createCountersDatabase();
    pool = database.connect();
  });
  afterEach(() => database.close());

  const keys = async (table: 'rate_buckets' | 'auth_failures') =>
    (await pool.query<{ key: string }>(`SELECT key FROM ${table} ORDER BY key`)).rows.map((row) => row.key);

  it('lets exactly perMinute of 50 concurrent takes from two processes through', async () => {
    const processes = [createPgCounters(pool), createPgCounters(database.connect())];
    const waits = await Promise.all(Array.from({ length: 50 }, (_, i) => processes[i % 2].takeToken('shared', 10, T0)));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(10);
    expect(waits.filter((wait) => wait > 0)).toEqual(Array(40).fill(6));
  });

  it('counts every one of 30 concurrent failures from two processes', async () => {
    const processes = [createPgCounters(pool), createPgCounters(database.connect())];
    await Promise.all(Array.from({ length: 30 }, (_, i) => processes[i % 2].addFailure('shared', MINUTE_MS, T0)));
    expect(await processes[0].failureWindow('shared', MINUTE_MS, T0)).toEqual({ failures: 30, startMs: T0 });
  });

  it('writes no row for an unlimited bucket', async () => {
    await createPgCounters(pool).takeToken('k', 0, T0);
    expect(await keys('rate_buckets')).toEqual([]);
  });

  it('deletes full buckets and ended windows once a sweep interval has passed', async () => {
    const counters = createPgCounters(pool);
    const laterMs = T0 + Math.max(TUNING.counters.sweepEveryMs, MINUTE_MS) + 1;
    const recentMs = laterMs - MINUTE_MS + 1; // still counts at laterMs, and before the sweep is due
    await counters.takeToken('old', 1, T0);
    await counters.addFailure('old', MINUTE_MS, T0);
    await counters.takeToken('recent', 1, recentMs);
    await counters.addFailure('recent', MINUTE_MS, recentMs);
    expect(await keys('rate_buckets')).toEqual(['old', 'recent']);
    expect(await keys('auth_failures')).toEqual(['old', 'recent']);

    await counters.takeToken('new', 1, laterMs);
    await counters.addFailure('new', MINUTE_MS, laterMs);
    expect(await keys('rate_buckets')).toEqual(['new', 'recent']);
    expect(await keys('auth_failures')).toEqual(['new', 'recent']);
    // A swept bucket was full: the key starts over as a new one.
    expect(await counters.takeToken('old', 1, laterMs)).toBe(0);
  });
});
