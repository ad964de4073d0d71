/**
 * What several processes on one PostgreSQL store must get right, shown with several stores (each
 * its own pool, as separate processes would have) on one fresh schema per test: migrations once,
 * one acceptance per idempotency key, exclusive ordered heads, disjoint unordered claims, each
 * event fanned out once, orphaned executions taken over once, and the wake-up signals.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS } from '../../../engine/store/postgres/pg-migrations.js';
import { createPostgresStore, type PostgresStore } from '../../../engine/store/postgres/pg-store.js';
import { createSecretBox } from '../../../engine/store/secret-box.js';
import type { ExecutionRecord, NewDelivery, StoreSignal } from '../../../engine/store/types.js';
import { makeNewDelivery, makeSubscription } from '../../helpers/records.js';
import { createTestSchema, postgresAvailable, type TestSchema } from '../../helpers/postgres.js';
import { until } from '../../helpers/wait.js';

const available = await postgresAvailable();
const box = createSecretBox('test-key');
const LEASE_MS = 30_000;

let schema: TestSchema;
let stores: PostgresStore[];

/** `count` stores ("processes") on this test's schema; the first applies the migrations unless told not to. */
async function processes(count: number, migrate = true): Promise<PostgresStore[]> {
  const made = Array.from({ length: count }, (_, i) =>
    createPostgresStore({
      connectionString: schema.url,
      schema: schema.schema,
      secretBox: box,
      owner: `p${stores.length + i + 1}`,
      poolSize: 4,
    }),
  );
  stores.push(...made);
  if (migrate) await made[0].migrate();
  return made;
}

const due = (id: string, subscriptionId = 'sub_1'): NewDelivery =>
  makeNewDelivery(id, { subscriptionId, nextAttemptAtMs: Date.now() - 1, expiresAtMs: Date.now() + 86_400_000 });

function execution(id: string, fields: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    id,
    workflowId: 'wf',
    kind: 'workflow',
    triggerNode: 'Trigger',
    status: 'queued',
    input: { n: 1 },
    output: null,
    error: null,
    idempotencyKey: null,
    metadata: null,
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: null,
    ...fields,
  };
}

describe.skipIf(!available)('PostgreSQL store shared by several processes', () => {
  beforeAll(() => expect(available).toBe(true));
  beforeEach(async () => {
    schema = await createTestSchema('shared');
    stores = [];
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
    await schema.drop();
  });

  it('applies each migration once when processes start together', async () => {
    const all = await processes(4, false);
    const applied = await Promise.all(all.map((store) => store.migrate()));
    const versions = PG_MIGRATIONS.map((m) => m.version).sort((a, b) => a - b);
    expect(applied.flat().sort((a, b) => a - b)).toEqual(versions);
    const { rows } = await all[0].pool.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((row) => row.version)).toEqual(versions);
  });

  it('loads one credentials file in processes starting at once, and follows a credential given a new id', async () => {
    const all = await processes(4);
    const credential = {
      id: 'httpHeaderAuth:Partner',
      name: 'Partner',
      type: 'httpHeaderAuth',
      data: { value: 'one' },
    };
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        all.flatMap((store) => [store.upsertCredential(credential), store.upsertCredential(credential)]),
      );
    }
    expect(await all[3].findCredential('httpHeaderAuth', 'Partner')).toEqual(credential);
    const renamed = { ...credential, id: 'cred_7', data: { value: 'two' } };
    await Promise.all(all.map((store) => store.upsertCredential(renamed)));
    expect(await all[0].findCredential('httpHeaderAuth', 'Partner')).toEqual(renamed);
    expect(await all[0].findCredential('httpHeaderAuth', credential.id)).toBeNull();
  });

  it('accepts one execution per idempotency key across processes committing at once', async () => {
    const [a, b, c] = await processes(3);
    const results = await Promise.all(
      [a, b, c, a, b, c].map((store, i) =>
        store.commit({
          acknowledged: true,
          executions: [{ record: execution(`exec_${i}`, { idempotencyKey: 'same-key' }) }],
        }),
      ),
    );
    const standing = results.map((result, i) => result.executionIds.get(`exec_${i}`)!);
    expect(new Set(standing.map((s) => s.id)).size).toBe(1);
    expect(standing.filter((s) => !s.duplicate)).toHaveLength(1);
    expect(await a.listExecutions()).toHaveLength(1);
  });

  it("holds an ordered endpoint's head in one process at a time", async () => {
    const [a, b] = await processes(2);
    await a.commit({ deliveries: [due('d1'), due('d2'), due('d3')] });
    const spec = { subscriptionId: 'sub_1', ordered: true, limit: 10 };
    const nowMs = Date.now();
    const claims = await Promise.all([
      a.outbox.claimMany([spec], nowMs, 'a', LEASE_MS),
      b.outbox.claimMany([spec], nowMs, 'b', LEASE_MS),
    ]);
    const taken = claims.flatMap(([result]) => result.claimed.map((d) => d.id));
    expect(taken).toEqual(['d1', 'd2', 'd3']);
    // Both still say the endpoint has work, so neither forgets it.
    expect(claims.every(([result]) => result.open)).toBe(true);
    // The other process sees the head in flight and claims nothing behind it.
    expect(await b.outbox.claim(spec, Date.now(), 'b', LEASE_MS)).toEqual([]);
  });

  it('gives processes claiming an unordered endpoint at once disjoint rows, all of them', async () => {
    const all = await processes(3);
    await all[0].commit({ deliveries: Array.from({ length: 300 }, (_, i) => due(`d${i}`)) });
    const spec = { subscriptionId: 'sub_1', ordered: false, limit: 60 };
    const taken: string[] = [];
    for (let round = 0; round < 3; round++) {
      const claims = await Promise.all(all.map((s, i) => s.outbox.claim(spec, Date.now(), `p${i}`, LEASE_MS)));
      taken.push(...claims.flat().map((d) => d.id));
    }
    expect(taken).toHaveLength(new Set(taken).size);
    expect(taken.length).toBeGreaterThan(0);
    const rest = await all[0].outbox.claim({ ...spec, limit: 1000 }, Date.now(), 'rest', LEASE_MS);
    expect(taken.length + rest.length).toBe(300);
  });

  it('fans each event out exactly once when processes fan out at once', async () => {
    const all = await processes(3);
    const events = Array.from({ length: 200 }, (_, i) => ({
      id: `evt_${String(i).padStart(4, '0')}`,
      type: 'order.completed',
      timestamp: new Date().toISOString(),
      data: { i },
    }));
    await Promise.all(all.map((s, k) => s.commit({ events: events.filter((_, i) => i % 3 === k) })));
    const plan = (event: { id: string }) => [due(`del_${event.id}`)];
    while ((await all[0].outbox.pendingFanOut()) > 0)
      await Promise.all(all.map((s) => s.outbox.fanOut((e) => plan(e), 16)));
    const { rows } = await all[0].pool.query('SELECT event_id, count(*) AS n FROM deliveries GROUP BY event_id');
    expect(rows).toHaveLength(200);
    expect(rows.every((row) => row.n === 1)).toBe(true);
  });

  it('reclaims each expired lease and expires each old row once, however many processes maintain at once', async () => {
    const all = await processes(3);
    await all[0].commit({ deliveries: Array.from({ length: 120 }, (_, i) => due(`d${i}`)) });
    // Rows are due from their insertion: claim after it, so all 60 are due.
    const t0 = Date.now();
    const claimed = await all[0].outbox.claim(
      { subscriptionId: 'sub_1', ordered: false, limit: 60 },
      t0,
      'dead',
      1_000,
    );
    expect(claimed).toHaveLength(60);
    const reclaimed = await Promise.all(all.map((s) => s.outbox.reclaimExpiredLeases(t0 + 1_001, 25)));
    const more = await Promise.all(all.map((s) => s.outbox.reclaimExpiredLeases(t0 + 1_001, 25)));
    expect([...reclaimed, ...more].reduce((a, b) => a + b, 0)).toBe(60);
    const late = t0 + 86_400_000 + 60_000;
    const expired = (await Promise.all(all.map((s) => s.outbox.expireDue(late, 50)))).flat();
    const rest = await all[0].outbox.expireDue(late, 1_000);
    const ids = [...expired, ...rest].map((d) => d.id);
    expect(ids).toHaveLength(120);
    expect(new Set(ids).size).toBe(120);
  });

  it('plans a page with rules at least as new as its events (the fan-out reads the version after them)', async () => {
    const [a, b] = await processes(2);
    await a.saveSubscription(makeSubscription({ id: 'wh_new', createdAtMs: Date.now() }));
    await b.commit({
      events: [{ id: 'evt_1', type: 'order.completed', timestamp: new Date().toISOString(), data: {} }],
    });
    const seen: number[] = [];
    await b.outbox.fanOut(
      () => [],
      10,
      100,
      async (version) => void seen.push(version),
    );
    expect(seen).toEqual([await a.subscriptionsVersion()]);
    expect(seen[0]).toBeGreaterThan(0);
  });

  it('lets a live process keep its executions and hands a silent one’s to exactly one other', async () => {
    const [a, b, c] = await processes(3);
    const t0 = Date.now();
    await a.heartbeat(t0);
    await a.commit({
      executions: [{ record: execution('exec_1') }, { record: execution('exec_2', { status: 'running' }) }],
    });
    await a.commit({ executionUpdates: [{ id: 'exec_3', status: 'succeeded' }] });
    expect(await b.claimOrphanedExecutions(t0 + 1_000, 10_000, 10)).toEqual([]);
    // a falls silent: 10 s later both others look at once; each execution goes to one of them.
    const [fromB, fromC] = await Promise.all([
      b.claimOrphanedExecutions(t0 + 10_001, 10_000, 10),
      c.claimOrphanedExecutions(t0 + 10_001, 10_000, 10),
    ]);
    const ids = [...fromB, ...fromC].map((e) => e.id).sort();
    expect(ids).toEqual(['exec_1', 'exec_2']);
    // Taken over: the new owner's executions are no longer orphans while it heartbeats.
    await b.heartbeat(t0 + 10_001);
    await c.heartbeat(t0 + 10_001);
    expect(await a.claimOrphanedExecutions(t0 + 10_002, 10_000, 10)).toEqual([]);
  });

  it('signals other processes: events, due deliveries by endpoint, subscription changes', async () => {
    const [a, b] = await processes(2);
    const signals: StoreSignal[] = [];
    const stop = await b.listen((signal) => signals.push(signal));
    try {
      await a.commit({ events: [{ id: 'evt_1', type: 'x.y', timestamp: new Date().toISOString(), data: {} }] });
      await a.commit({ deliveries: [due('d1', 'sub_9')] });
      await a.saveSubscription(makeSubscription({ id: 'wh_1' }));
      await until(() => signals.length >= 3, 'three signals');
      expect(signals).toEqual([
        { kind: 'events' },
        { kind: 'deliveries', subscriptionIds: ['sub_9'] },
        { kind: 'subscriptions' },
      ]);
    } finally {
      await stop();
    }
  });
});
