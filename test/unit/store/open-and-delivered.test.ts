/**
 * Two reads over the outbox's indexes, on a real store per test (SQLite or PostgreSQL): the age of
 * the oldest open delivery (a metrics gauge) and the events a subscription already got or is still
 * getting (what a failed-only replay leaves out).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryTransition } from '../../../engine/store/records.js';
import { DELIVERY_LOG_SQL } from '../../../engine/store/sqlite-delivery-log.js';
import type { Store } from '../../../engine/store/types.js';
import { makeNewDelivery, makeSubscription } from '../../helpers/records.js';
import { createTempStore, sqliteDb, TEST_STORE, type TempStore } from '../../helpers/store.js';

let temp: TempStore;
let store: Store;

beforeEach(async () => {
  temp = await createTempStore();
  store = temp.store;
  for (const id of ['sub_1', 'sub_2']) await store.saveSubscription(makeSubscription({ id }));
});
afterEach(async () => {
  await temp.close();
});

/** A transition to `status`, as settling an attempt writes it. */
const to = (deliveryId: string, status: DeliveryTransition['status']): DeliveryTransition => ({
  deliveryId,
  status,
  attemptCount: 1,
  nextAttemptAtMs: Date.now() + 60_000,
  lastStatusCode: status === 'succeeded' ? 200 : 500,
  lastError: null,
  completedAtMs: status === 'retrying' ? null : Date.now(),
});

describe('the oldest open delivery', () => {
  it('is the earliest creation among open rows of every endpoint, and null when nothing is open', async () => {
    expect(await store.outbox.oldestOpenAtMs()).toBeNull();
    await store.commit({
      deliveries: [
        makeNewDelivery('del_a', { subscriptionId: 'sub_1' }),
        makeNewDelivery('del_b', { subscriptionId: 'sub_1' }),
        makeNewDelivery('del_c', { subscriptionId: 'sub_2' }),
      ],
    });
    const created = { del_a: 1000, del_b: 2000, del_c: 3000 };
    for (const [id, ms] of Object.entries(created))
      await temp.sql('UPDATE deliveries SET created_at = ? WHERE id = ?', [ms, id]);
    expect(await store.outbox.oldestOpenAtMs()).toBe(1000);
    // A closed row no longer counts; a retrying one still does.
    await store.outbox.settle([to('del_a', 'succeeded'), to('del_b', 'retrying')], [], []);
    expect(await store.outbox.oldestOpenAtMs()).toBe(2000);
    await store.outbox.settle([to('del_b', 'failed'), to('del_c', 'expired')], [], []);
    expect(await store.outbox.oldestOpenAtMs()).toBeNull();
  });
});

describe('events delivered or still open', () => {
  it('names the events with a succeeded or open delivery to that subscription only', async () => {
    const delivery = (id: string, eventId: string, subscriptionId = 'sub_1') =>
      makeNewDelivery(id, { eventId, subscriptionId });
    await store.commit({
      deliveries: [
        delivery('del_ok', 'evt_ok'),
        delivery('del_failed', 'evt_failed'),
        delivery('del_expired', 'evt_expired'),
        delivery('del_retrying', 'evt_retrying'),
        delivery('del_pending', 'evt_pending'),
        // Failed once, then sent again and succeeded: it was delivered.
        delivery('del_again_1', 'evt_again'),
        delivery('del_again_2', 'evt_again'),
        // Delivered to another subscription only.
        delivery('del_other', 'evt_other', 'sub_2'),
      ],
    });
    await store.outbox.settle(
      [
        to('del_ok', 'succeeded'),
        to('del_failed', 'failed'),
        to('del_expired', 'expired'),
        to('del_retrying', 'retrying'),
        to('del_again_1', 'failed'),
        to('del_again_2', 'succeeded'),
        to('del_other', 'succeeded'),
      ],
      [],
      [],
    );
    const asked = ['evt_ok', 'evt_failed', 'evt_expired', 'evt_retrying', 'evt_pending', 'evt_again', 'evt_other'];
    const found = await store.deliveryLog.deliveredOrOpenEventIds('sub_1', [...asked, 'evt_never']);
    expect([...found].sort()).toEqual(['evt_again', 'evt_ok', 'evt_pending', 'evt_retrying']);
    expect(await store.deliveryLog.deliveredOrOpenEventIds('sub_1', [])).toEqual(new Set());
  });
});

// SQLite's planner, asked with its own EXPLAIN QUERY PLAN (the PostgreSQL statements are in hot-path-plans).
describe.skipIf(TEST_STORE !== 'sqlite')('on SQLite', () => {
  it('finds the events by their id, never by the subscription’s whole history', () => {
    const sql = DELIVERY_LOG_SQL.deliveredOrOpen(3);
    const steps = sqliteDb(temp).prepare(`EXPLAIN QUERY PLAN ${sql}`).all('evt_1', 'evt_2', 'evt_3', 'sub_1') as {
      detail: string;
    }[];
    expect(steps.map((s) => s.detail).join('\n')).toMatch(/SEARCH deliveries USING INDEX deliveries_by_event/);
  });
});
