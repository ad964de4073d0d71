/**
 * The store's side of published events under an Idempotency-Key and of event type schemas, on a
 * real store per test (SQLite, or PostgreSQL in the postgres project): the first event of a key
 * in its window stands (also against a repeat in the same transaction, and from a second store on
 * the same database), and every registration or removal moves the event types version.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEvent } from '../../../engine/events/envelope.js';
import type { KeyedEvent } from '../../../engine/store/types.js';
import { createTempStore, type TempStore } from '../../helpers/store.js';

let temp: TempStore;
beforeEach(async () => {
  temp = await createTempStore();
});
afterEach(async () => {
  await temp.close();
});

const keyed = (key: string, hash: string, at = new Date(), windowSec?: number): KeyedEvent => ({
  event: createEvent('order.completed', { key, hash }, undefined, at),
  idempotencyKey: key,
  requestHash: hash,
  idempotencyWindowSec: windowSec,
});

describe('keyed events', () => {
  it('writes the first event of a key and answers repeats with it, in one batch or later', async () => {
    const [a, b] = [keyed('k1', 'h1'), keyed('k1', 'h2')];
    const first = await temp.store.commit({ keyedEvents: [a, b, keyed('k2', 'h1')] });
    expect(first.eventIds.get(a.event.id)).toEqual({ id: a.event.id, duplicate: false, requestHash: 'h1' });
    expect(first.eventIds.get(b.event.id)).toEqual({ id: a.event.id, duplicate: true, requestHash: 'h1' });
    expect(first.events).toBe(2);
    const later = keyed('k1', 'h1');
    const other = temp.reopen();
    const again = await other.commit({ keyedEvents: [later] });
    expect(again.eventIds.get(later.event.id)).toEqual({ id: a.event.id, duplicate: true, requestHash: 'h1' });
    expect((await temp.store.listEvents()).map((e) => e.id).sort()).toHaveLength(2);
  });

  it('writes a new event once the key is older than its window', async () => {
    const old = keyed('k1', 'h1', new Date(Date.now() - 120_000));
    await temp.store.commit({ keyedEvents: [old] });
    const fresh = keyed('k1', 'h1', new Date(), 60);
    const result = await temp.store.commit({ keyedEvents: [fresh] });
    expect(result.eventIds.get(fresh.event.id)).toMatchObject({ id: fresh.event.id, duplicate: false });
  });
});

describe('event types', () => {
  it('registers, replaces and removes, moving the version each time', async () => {
    const { store } = temp;
    const v0 = await store.eventTypesVersion();
    const first = await store.putEventType({ type: 'order.completed', description: null, schema: { type: 'object' } });
    expect(first).toMatchObject({ type: 'order.completed', description: null, schema: { type: 'object' } });
    expect(first.version).toBeGreaterThan(v0);
    const second = await store.putEventType({ type: 'order.completed', description: 'd', schema: { required: ['a'] } });
    expect(second.version).toBeGreaterThan(first.version);
    expect(second.createdAt).toBe(first.createdAt);
    expect(await temp.reopen().listEventTypes()).toEqual([second]);
    expect(await store.deleteEventType('order.completed')).toBe(true);
    expect(await store.deleteEventType('order.completed')).toBe(false);
    expect(await store.eventTypesVersion()).toBeGreaterThan(second.version);
    const again = await store.putEventType({ type: 'order.completed', description: null, schema: {} });
    expect(again.version).toBeGreaterThan(second.version);
  });
});
