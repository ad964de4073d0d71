/** The delivery log's aggregates and pages, on a real store per test (SQLite or PostgreSQL). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttemptRecord, DeliveryTransition } from '../../../engine/store/records.js';
import { DELIVERY_LOG_SQL } from '../../../engine/store/sqlite-delivery-log.js';
import type { Store } from '../../../engine/store/types.js';
import { createTempStore, sqliteDb, TEST_STORE, type TempStore } from '../../helpers/store.js';

let temp: TempStore;
let store: Store;
/** Attempts start after their deliveries are created (at the real now). */
const T0 = Date.now() + 60_000;

beforeEach(async () => {
  temp = await createTempStore();
  store = temp.store;
});

afterEach(async () => {
  await temp.close();
});

/** Deliveries of `wh_a` with the given response times, one attempt each (a second for the first). */
async function seed(responseTimesMs: number[], statusCodes: number[]): Promise<void> {
  const deliveries = responseTimesMs.map((_, i) => ({
    id: `del_${i}`,
    subscriptionId: 'wh_a',
    eventId: `evt_${i}`,
    eventType: 'order.created',
    payload: '{}',
    nextAttemptAtMs: 1000,
    expiresAtMs: 10_000_000,
  }));
  await store.commit({ deliveries: [...deliveries, { ...deliveries[0], id: 'del_other', subscriptionId: 'wh_b' }] });
  const attempts: AttemptRecord[] = responseTimesMs.map((ms, i) => ({
    id: `att_${i}`,
    deliveryId: `del_${i}`,
    attemptNo: 1,
    startedAtMs: T0 + i,
    statusCode: statusCodes[i],
    responseTimeMs: ms,
    responseExcerpt: null,
    errorCode: statusCodes[i] < 300 ? null : 'HTTP_ERROR',
    error: null,
  }));
  attempts.push({ ...attempts[0], id: 'att_late', attemptNo: 2, startedAtMs: T0 + 3000, responseTimeMs: 7 });
  const transitions: DeliveryTransition[] = responseTimesMs.map((_, i) => ({
    deliveryId: `del_${i}`,
    status: statusCodes[i] < 300 ? 'succeeded' : 'failed',
    attemptCount: i === 0 ? 2 : 1,
    nextAttemptAtMs: 1000,
    lastStatusCode: statusCodes[i],
    lastError: null,
    completedAtMs: T0 + 100,
  }));
  await store.outbox.settle(transitions, attempts, []);
}

describe('the delivery log', () => {
  it('aggregates attempt counts and nearest-rank percentiles of a window in SQL', async () => {
    await seed([40, 10, 30, 20, 50], [200, 200, 500, 204, 200]);
    // The window leaves out the second attempt of del_0.
    const stats = await store.deliveryLog.attemptStats('wh_a', T0, T0 + 2000);
    const times = [10, 20, 30, 40, 50];
    expect(stats).toEqual({
      attempts: 5,
      successful: 4,
      p50ResponseTimeMs: times[Math.floor(0.5 * 5)],
      p95ResponseTimeMs: times[Math.floor(0.95 * 5)],
      maxResponseTimeMs: 50,
    });
    expect(await store.deliveryLog.attemptStats('wh_a', T0 + 4000, T0 + 5000)).toEqual({
      attempts: 0,
      successful: 0,
      p50ResponseTimeMs: null,
      p95ResponseTimeMs: null,
      maxResponseTimeMs: null,
    });
  });

  it('counts deliveries of several webhooks in one grouped query', async () => {
    await seed([10, 20], [200, 500]);
    const counts = await store.deliveryLog.deliveryStats(['wh_a', 'wh_b', 'wh_none']);
    expect(counts.get('wh_a')).toMatchObject({ total: 2, succeeded: 1, failed: 1, pending: 0 });
    expect(counts.get('wh_b')).toMatchObject({ total: 1, succeeded: 0, failed: 0, pending: 1 });
    expect(counts.get('wh_none')).toEqual({ total: 0, succeeded: 0, failed: 0, pending: 0, lastAttemptAtMs: null });
  });

  it("pages log rows with each delivery's latest response time", async () => {
    await seed([10, 20, 30], [200, 200, 200]);
    const rows = await store.deliveryLog.listLog({ subscriptionId: 'wh_a', limit: 2, offset: 0 });
    expect(rows.map((row) => [row.delivery.id, row.lastResponseTimeMs])).toEqual([
      ['del_2', 30],
      ['del_1', 20],
    ]);
    const last = await store.deliveryLog.listLog({ subscriptionId: 'wh_a', limit: 2, offset: 2 });
    expect(last.map((row) => [row.delivery.id, row.lastResponseTimeMs])).toEqual([['del_0', 7]]);
    const unsent = await store.deliveryLog.listLog({ subscriptionId: 'wh_b', limit: 5, offset: 0 });
    expect(unsent.map((row) => row.lastResponseTimeMs)).toEqual([null]);
  });
});

// SQLite's planner, asked with its own EXPLAIN QUERY PLAN: its output has no PostgreSQL equivalent.
describe.skipIf(TEST_STORE !== 'sqlite')('the SQLite delivery log', () => {
  function plan(query: { sql: string; params: unknown[] }): string[] {
    const explained = sqliteDb(temp).prepare(`EXPLAIN QUERY PLAN ${query.sql}`);
    return (explained.all(...query.params) as { detail: string }[]).map((row) => row.detail);
  }

  it('serves its queries from indexes, never a scan of deliveries or attempts', () => {
    const queries = [
      { sql: DELIVERY_LOG_SQL.attemptStats, params: ['wh_a', 0, 1] },
      { sql: DELIVERY_LOG_SQL.deliveryCounts(2), params: ['wh_a', 'wh_b'] },
      DELIVERY_LOG_SQL.logPage({ subscriptionId: 'wh_a', limit: 50, offset: 0 }),
    ];
    for (const query of queries) {
      const steps = plan(query);
      expect(steps.filter((step) => /^SCAN (deliveries|attempts|d|a)\b/.test(step))).toEqual([]);
      expect(steps.some((step) => /USING (COVERING )?INDEX/.test(step))).toBe(true);
    }
    // Stats are driven by the window, never by the webhook's whole (unpurged) history.
    expect(plan(queries[0])).toContain('SEARCH a USING INDEX attempts_by_time (started_at>? AND started_at<?)');
    // A log page walks the webhook's index newest first: nothing is sorted.
    expect(plan(queries[2])).not.toContain('USE TEMP B-TREE FOR ORDER BY');
  });
});
