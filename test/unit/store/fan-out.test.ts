/**
 * The fan-out: ingress writes events only; the delivery loop turns them into deliveries in pages,
 * moving a durable cursor in the same transaction. On a real store per test (SQLite or PostgreSQL).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEvent, type EventEnvelope } from '../../../engine/events/envelope.js';
import type { DeliveryPlanner, FanOutResult } from '../../../engine/store/types.js';
import { makeNewDelivery } from '../../helpers/records.js';
import { createTempStore, TEST_STORE, type TempStore } from '../../helpers/store.js';

let temp: TempStore;
beforeEach(async () => {
  temp = await createTempStore();
});
afterEach(async () => {
  await temp.close();
});

/** Two endpoints per event; records which events it was asked about. */
function recordingPlan(): { plan: DeliveryPlanner; seen: string[] } {
  const seen: string[] = [];
  const plan: DeliveryPlanner = (event: EventEnvelope) => {
    seen.push(event.id);
    return ['wh_a', 'wh_b'].map((subscriptionId) =>
      makeNewDelivery(`del_${event.id}_${subscriptionId}`, {
        eventId: event.id,
        subscriptionId,
        eventType: event.type,
      }),
    );
  };
  return { plan, seen };
}

const events = (n: number) => Array.from({ length: n }, (_, i) => createEvent('order.completed', { i }));

describe('fan-out', () => {
  it('plans each written event once, in order, a bounded page at a time', async () => {
    const written = events(5);
    const result = await temp.store.commit({ events: written });
    expect(result).toMatchObject({ events: 5, deliveries: 0 });
    expect(await temp.store.outbox.pendingFanOut()).toBe(5);
    const { plan, seen } = recordingPlan();
    expect(await temp.store.outbox.fanOut(plan, 2)).toMatchObject({ events: 2, deliveries: 4, more: true });
    expect(await temp.store.outbox.fanOut(plan, 2)).toMatchObject({ events: 2, more: true });
    const last = await temp.store.outbox.fanOut(plan, 2);
    expect(last).toMatchObject({ events: 1, deliveries: 2, more: false });
    expect(last.subscriptionIds.sort()).toEqual(['wh_a', 'wh_b']);
    expect(seen).toEqual(written.map((e) => e.id));
    expect(await temp.store.outbox.pendingFanOut()).toBe(0);
    expect(await temp.store.outbox.countOpen()).toBe(10);
  });

  it('ends a page at a whole event once it has written enough deliveries', async () => {
    await temp.store.commit({ events: events(4) });
    const { plan } = recordingPlan(); // two deliveries per event
    expect(await temp.store.outbox.fanOut(plan, 100, 3)).toMatchObject({ events: 2, deliveries: 4, more: true });
    expect(await temp.store.outbox.fanOut(plan, 100, 3)).toMatchObject({ events: 2, deliveries: 4, more: false });
    expect(await temp.store.outbox.pendingFanOut()).toBe(0);
  });

  it("writes a page's deliveries grouped by endpoint, each endpoint's in event order", async () => {
    const written = events(3);
    await temp.store.commit({ events: written });
    await temp.store.outbox.fanOut(recordingPlan().plan, 10);
    const rows = await temp.sql('SELECT id FROM deliveries ORDER BY seq');
    expect(rows.map((row) => row.id)).toEqual([
      ...written.map((e) => `del_${e.id}_wh_a`),
      ...written.map((e) => `del_${e.id}_wh_b`),
    ]);
  });

  it('hands the planner the event as written: id, type, timestamp, data and metadata', async () => {
    const event = createEvent('order.completed', { total: 12.5, items: ['a'] }, { source: 'test' });
    await temp.store.commit({ events: [event] });
    let planned: EventEnvelope | undefined;
    await temp.store.outbox.fanOut((e) => ((planned = e), []), 10);
    expect(planned).toMatchObject({
      id: event.id,
      type: event.type,
      timestamp: event.timestamp,
      data: event.data,
      metadata: event.metadata,
    });
  });

  it('resumes after a crash where the cursor stopped: nothing twice, nothing lost', async () => {
    await temp.store.commit({ events: events(3) });
    await temp.store.outbox.fanOut(recordingPlan().plan, 1);
    await temp.store.commit({ events: events(2) });
    // A new process on the same database: the cursor survived the "crash".
    await temp.store.close();
    const reopened = temp.reopen();
    expect(await reopened.outbox.pendingFanOut()).toBe(4);
    const { plan, seen } = recordingPlan();
    expect(await reopened.outbox.fanOut(plan, 100)).toMatchObject({ events: 4, deliveries: 8, more: false });
    expect(seen).toHaveLength(4);
    expect(await reopened.outbox.countOpen()).toBe(10);
  });

  it('rolls the page back whole when a planned delivery cannot be written', async () => {
    await temp.store.commit({ events: events(2), deliveries: [makeNewDelivery('taken')] });
    const clash: DeliveryPlanner = (event) => [
      makeNewDelivery(event.data && (event.data as { i: number }).i === 1 ? 'taken' : `ok_${event.id}`),
    ];
    await expect(temp.store.outbox.fanOut(clash, 10)).rejects.toThrow(/unique/i);
    expect(await temp.store.outbox.pendingFanOut()).toBe(2);
    expect(await temp.store.outbox.countOpen()).toBe(1);
  });
});

// Only PostgreSQL stores share a server, and its advisory locks are database-wide.
describe.skipIf(TEST_STORE !== 'postgres')('fan-out beside a store in another schema of the database', () => {
  it("is never locked out by the other store's fan-out", async () => {
    const other = await createTempStore();
    try {
      await temp.store.commit({ events: events(1) });
      await other.store.commit({ events: events(1) });
      let inside: FanOutResult | undefined;
      // `sync` runs inside this store's fan-out transaction, while it holds its fan-out lock.
      await temp.store.outbox.fanOut(recordingPlan().plan, 10, undefined, async () => {
        inside = await other.store.outbox.fanOut(recordingPlan().plan, 10);
      });
      expect(inside).toMatchObject({ events: 1, deliveries: 2 });
    } finally {
      await other.close();
    }
  });
});
