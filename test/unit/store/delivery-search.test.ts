/**
 * Delivery search on a real store per test (SQLite or PostgreSQL): every filter of the API's
 * delivery lists, cursor pages, the attempt headers as stored, and the query plans that keep a
 * page cheap on a large table (each filter reads its index in `seq` order, never the whole table,
 * never a sort of it).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryPageSql, UNDELIVERED_STATUSES } from '../../../engine/store/delivery-search.js';
import type { DeliveryStatus, DeliveryTransition } from '../../../engine/store/records.js';
import type { DeliveryQuery, Store } from '../../../engine/store/types.js';
import { makeNewDelivery } from '../../helpers/records.js';
import { createTempStore, sqliteDb, TEST_STORE, type TempStore } from '../../helpers/store.js';

let temp: TempStore;
let store: Store;

beforeEach(async () => {
  temp = await createTempStore();
  store = temp.store;
});

afterEach(async () => {
  await temp.close();
});

const STATUSES: DeliveryStatus[] = ['succeeded', 'failed', 'pending', 'retrying', 'expired', 'succeeded'];

/** 24 deliveries: two webhooks, two event types, every status, created one second apart from t=1000 s. */
async function seed(): Promise<void> {
  const deliveries = Array.from({ length: 24 }, (_, i) =>
    makeNewDelivery(`del_${String(i).padStart(2, '0')}`, {
      subscriptionId: i % 2 === 0 ? 'wh_a' : 'wh_b',
      eventId: `evt_${Math.floor(i / 2)}`,
      eventType: i % 3 === 0 ? 'order.failed' : 'order.created',
    }),
  );
  await store.commit({ deliveries });
  const transitions: DeliveryTransition[] = deliveries
    .map((d, i) => ({ d, status: STATUSES[i % STATUSES.length] }))
    .filter(({ status }) => status !== 'pending')
    .map(({ d, status }) => ({
      deliveryId: d.id,
      status: status as DeliveryTransition['status'],
      attemptCount: 1,
      nextAttemptAtMs: 0,
      lastStatusCode: status === 'succeeded' ? 200 : 500,
      lastError: null,
      completedAtMs: status === 'retrying' ? null : 1,
    }));
  await store.outbox.settle(transitions, [], []);
  for (const [i, d] of deliveries.entries())
    await temp.sql('UPDATE deliveries SET created_at = ? WHERE id = ?', [1_000_000 + i * 1000, d.id]);
}

const ids = async (query: DeliveryQuery): Promise<string[]> =>
  (await store.deliveryLog.listDeliveries({ limit: 100, ...query })).map((d) => d.id);

/** The seeded ids that satisfy `keep`, newest first (as every page reads). */
const expected = (keep: (i: number) => boolean): string[] =>
  Array.from({ length: 24 }, (_, i) => i)
    .filter(keep)
    .reverse()
    .map((i) => `del_${String(i).padStart(2, '0')}`);

const statusOf = (i: number): DeliveryStatus => STATUSES[i % STATUSES.length];

describe('delivery search', () => {
  it('filters by webhook, one status, several, and every undelivered one', async () => {
    await seed();
    expect(await ids({ subscriptionId: 'wh_a' })).toEqual(expected((i) => i % 2 === 0));
    expect(await ids({ statuses: ['failed'] })).toEqual(expected((i) => statusOf(i) === 'failed'));
    const given = expected((i) => ['failed', 'expired'].includes(statusOf(i)));
    expect(await ids({ statuses: ['failed', 'expired'] })).toEqual(given);
    const undelivered = expected((i) => statusOf(i) !== 'succeeded');
    expect(await ids({ statuses: [...UNDELIVERED_STATUSES] })).toEqual(undelivered);
    expect(await ids({ statuses: [...UNDELIVERED_STATUSES], subscriptionId: 'wh_b' })).toEqual(
      expected((i) => statusOf(i) !== 'succeeded' && i % 2 === 1),
    );
    expect(await ids({ statuses: ['succeeded', 'pending'] })).toEqual(
      expected((i) => ['succeeded', 'pending'].includes(statusOf(i))),
    );
  });

  it('filters by event type, event id and creation time, alone and together', async () => {
    await seed();
    expect(await ids({ eventType: 'order.failed' })).toEqual(expected((i) => i % 3 === 0));
    expect(await ids({ eventType: 'order.failed', subscriptionId: 'wh_b' })).toEqual(
      expected((i) => i % 3 === 0 && i % 2 === 1),
    );
    expect(await ids({ eventId: 'evt_4' })).toEqual(['del_09', 'del_08']);
    expect(await ids({ eventId: 'evt_4', subscriptionId: 'wh_a' })).toEqual(['del_08']);
    expect(await ids({ sinceMs: 1_005_000, untilMs: 1_008_000 })).toEqual(expected((i) => i >= 5 && i <= 8));
    expect(
      await ids({ sinceMs: 1_005_000, untilMs: 1_020_000, statuses: ['failed'], eventType: 'order.created' }),
    ).toEqual(expected((i) => i >= 5 && i <= 20 && statusOf(i) === 'failed' && i % 3 !== 0));
    expect(await ids({ eventType: 'no.such' })).toEqual([]);
  });

  it('pages by cursor through every row once, newest first, and on with an offset too', async () => {
    await seed();
    const seen: string[] = [];
    let cursorSeq: number | undefined;
    for (;;) {
      const page = await store.deliveryLog.listDeliveries({ limit: 5, cursorSeq, statuses: [...UNDELIVERED_STATUSES] });
      seen.push(...page.map((d) => d.id));
      if (page.length < 5) break;
      cursorSeq = page[page.length - 1].seq;
    }
    expect(seen).toEqual(expected((i) => statusOf(i) !== 'succeeded'));
    const first = await store.deliveryLog.listDeliveries({ limit: 3 });
    const after = await ids({ cursorSeq: first[2].seq, offset: 2, limit: 2 });
    expect(after).toEqual(expected(() => true).slice(5, 7));
  });

  it('keeps the request and response headers of each attempt, and the latest on the log row', async () => {
    await store.commit({ deliveries: [makeNewDelivery('del_h', { subscriptionId: 'wh_a' })] });
    const attempt = {
      deliveryId: 'del_h',
      startedAtMs: 5,
      statusCode: 500,
      responseTimeMs: 3,
      responseExcerpt: null,
      errorCode: 'DELIVERY_REJECTED',
      error: 'HTTP 500',
    };
    const requestHeaders = { 'content-type': 'application/json', 'webhook-signature': '••••' };
    await store.outbox.settle(
      [],
      [
        { ...attempt, id: 'att_1', attemptNo: 1, requestHeaders, responseHeaders: { server: 'one' } },
        { ...attempt, id: 'att_2', attemptNo: 2, requestHeaders, responseHeaders: null },
        { ...attempt, id: 'att_3', attemptNo: 3, requestHeaders: { a: 'b' }, responseHeaders: { server: 'three' } },
      ],
      [],
    );
    const attempts = await store.deliveryLog.listAttempts('del_h');
    expect(attempts.map((a) => [a.requestHeaders, a.responseHeaders])).toEqual([
      [requestHeaders, { server: 'one' }],
      [requestHeaders, null],
      [{ a: 'b' }, { server: 'three' }],
    ]);
    const [row] = await store.deliveryLog.listLog({ subscriptionId: 'wh_a' });
    expect([row.lastRequestHeaders, row.lastResponseHeaders]).toEqual([{ a: 'b' }, { server: 'three' }]);
  });
});

/** Each filter shape a page can have, and the index that must serve it. */
const SHAPES: [string, DeliveryQuery, string | null][] = [
  ['everything', {}, null],
  ['one webhook', { subscriptionId: 'wh_1' }, 'deliveries_by_subscription_seq'],
  ['undelivered', { statuses: [...UNDELIVERED_STATUSES] }, 'deliveries_undelivered'],
  ['failed', { statuses: ['failed'] }, 'deliveries_undelivered'],
  [
    'a webhook’s undelivered',
    { subscriptionId: 'wh_1', statuses: ['failed', 'retrying'] },
    'deliveries_undelivered_by_subscription',
  ],
  ['event type', { eventType: 'order.failed' }, 'deliveries_by_type'],
  ['a webhook’s event type', { subscriptionId: 'wh_1', eventType: 'order.failed' }, 'deliveries_by_subscription_type'],
  ['event id', { eventId: 'evt_1' }, 'deliveries_by_event'],
  ['time range, next page', { sinceMs: 1, untilMs: 2, cursorSeq: 100 }, null],
];

describe.skipIf(TEST_STORE !== 'sqlite')('delivery search plans on SQLite', () => {
  it.each(SHAPES)('%s: its index, no scan of the table and no sort', (_name, query, index) => {
    const { sql, params } = deliveryPageSql({ ...query, limit: 51 }, '*');
    const steps = (
      sqliteDb(temp)
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params) as { detail: string }[]
    ).map((row) => row.detail);
    const text = steps.join('\n');
    expect(text).not.toContain('USE TEMP B-TREE');
    if (index) expect(text).toMatch(new RegExp(`USING (COVERING )?INDEX ${index}\\b`));
    // Without a filter with an index, the rowid order itself is read newest first and stops at a page.
    else expect(text).toMatch(/SCAN deliveries|SEARCH deliveries USING INTEGER PRIMARY KEY/);
  });
});

interface PgPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PgPlanNode[];
}
const flatten = (node: PgPlanNode): PgPlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

describe.skipIf(TEST_STORE !== 'postgres')('delivery search plans on PostgreSQL', () => {
  /** 40 webhooks, 12 event types; 1 in 50 failed, 1 in 100 open, the rest delivered. */
  const SEED = `INSERT INTO deliveries (id, subscription_id, event_id, event_type, payload, status, attempt_count,
      next_attempt_at, created_at, updated_at, completed_at, expires_at)
    SELECT 'del_' || g, 'wh_' || (g % 40), 'evt_' || (g / 3), 'type.t' || (g % 12), '{}',
      CASE WHEN g % 50 = 0 THEN 'failed' WHEN g % 100 = 1 THEN 'retrying' ELSE 'succeeded' END,
      1, g, g, g, g, g + 86400000
    FROM generate_series(1, 20000) AS g`;

  /**
   * PostgreSQL weighs its statistics: a webhook's rows spread evenly through the table are found
   * as fast by reading the primary key newest first (a page needs ~40 × 51 rows of it), so only the
   * filters that select few rows must read their own index. None may scan the table; one event's
   * deliveries (one per matching webhook, a bounded few) may be sorted.
   */
  const SELECTIVE = new Set(['undelivered', 'failed', 'event type', 'event id']);

  it('reads each filter’s index in seq order: no scan of deliveries, no sort of a growing set', async () => {
    await temp.sql(SEED);
    await temp.sql('ANALYZE deliveries');
    for (const [name, query, index] of SHAPES) {
      const { sql, params } = deliveryPageSql({ ...query, limit: 51 }, '*');
      const [row] = await temp.sql(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      const steps = flatten((row['QUERY PLAN'] as { Plan: PgPlanNode }[])[0].Plan);
      const described = steps.map((n) => [n['Node Type'], n['Relation Name'], n['Index Name']].join(' ')).join('\n');
      expect(described, name).not.toMatch(/Seq Scan deliveries|Bitmap Heap Scan deliveries/);
      if (index !== 'deliveries_by_event') expect(described, name).not.toMatch(/^Sort/m);
      if (index && SELECTIVE.has(name))
        expect(described, name).toMatch(new RegExp(`Index (Only )?Scan deliveries ${index}\\b`));
    }
  });
});
