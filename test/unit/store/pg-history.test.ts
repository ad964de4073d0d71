/**
 * The history cleaner on PostgreSQL when several processes run it at once: several stores (each its
 * own pool, as separate processes would have) on one fresh schema purge together. Each row is
 * deleted by exactly one of them, none is left behind, and what must stay stays.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresStore, type PostgresStore } from '../../../engine/store/postgres/pg-store.js';
import { createSecretBox } from '../../../engine/store/secret-box.js';
import type { PurgeResult } from '../../../engine/store/types.js';
import { countRows, DAY_MS, eventAt, fanOutAll, seedClosedHistory } from '../../helpers/history.js';
import { createTestSchema, postgresAvailable, type TestSchema } from '../../helpers/postgres.js';

const available = await postgresAvailable();
const box = createSecretBox('test-key');
const NOW = Date.now();
const OLD = NOW - 40 * DAY_MS;
const CUTOFF = NOW - 30 * DAY_MS;
const TABLES = ['deliveries', 'attempts', 'events', 'executions'] as const;

let schema: TestSchema;
let stores: PostgresStore[];

function processes(count: number): PostgresStore[] {
  const made = Array.from({ length: count }, (_, i) =>
    createPostgresStore({
      connectionString: schema.url,
      schema: schema.schema,
      secretBox: box,
      owner: `p${i + 1}`,
      poolSize: 2,
    }),
  );
  stores.push(...made);
  return made;
}

/** One process's cleanup pass: batches until one comes back with room to spare. */
async function pass(store: PostgresStore, batchRows: number): Promise<Omit<PurgeResult, 'more'>> {
  const total = { deliveries: 0, attempts: 0, events: 0, executions: 0 };
  for (;;) {
    const batch = await store.purgeHistory(CUTOFF, batchRows);
    for (const table of TABLES) total[table] += batch[table];
    if (!batch.more) return total;
  }
}

describe.skipIf(!available)('history retention on PostgreSQL shared by several processes', () => {
  beforeAll(() => expect(available).toBe(true));
  beforeEach(async () => {
    schema = await createTestSchema('history');
    stores = [];
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
    await schema.drop();
  });

  it('deletes every old row exactly once when three processes purge at once, and keeps the rest', async () => {
    const [a, b, c] = processes(3);
    await a.migrate();
    await seedClosedHistory(a, 'old', 900, OLD, 2);
    await seedClosedHistory(a, 'new', 20, NOW, 1);
    // An old event whose delivery is still open stays, with its delivery.
    await a.commit({ events: [eventAt('evt_open', OLD)] });
    await fanOutAll(a);
    const passes = await Promise.all([a, b, c].map((store) => pass(store, 25)));
    const deleted = Object.fromEntries(TABLES.map((t) => [t, passes.reduce((sum, p) => sum + p[t], 0)]));
    expect(deleted).toEqual({ deliveries: 900, attempts: 1800, events: 900, executions: 900 });
    // More than one process did part of the work (each took rows the others had not locked).
    expect(passes.filter((p) => p.deliveries + p.events + p.executions > 0).length).toBeGreaterThan(1);
    expect(await countRows(async (text) => (await a.pool.query(text)).rows)).toEqual({
      deliveries: 21,
      attempts: 20,
      events: 21,
      executions: 20,
    });
    const { rows } = await a.pool.query(`SELECT id FROM events WHERE timestamp < $1 ORDER BY id`, [
      new Date(CUTOFF).toISOString(),
    ]);
    expect(rows.map((row) => row.id)).toEqual(['evt_open']);
  });

  it('erases an event once while another process erases it too', async () => {
    const [a, b] = processes(2);
    await a.migrate();
    await seedClosedHistory(a, 'x', 1, NOW, 3);
    const [first, second] = await Promise.all([a, b].map((store) => store.eraseEventContent('evt_x00000', NOW)));
    for (const result of [first, second])
      expect(result).toMatchObject({ deliveries: 1, closed: 0, attempts: 3, event: { data: null } });
    const { rows } = await a.pool.query(`SELECT payload, erased FROM deliveries`);
    expect(rows).toEqual([{ payload: '', erased: true }]);
  });
});
