/**
 * History retention (`purgeHistory`) and erasure (`eraseEventContent`) on a real store per test
 * (SQLite or PostgreSQL): what goes, what stays, in batches; an erased event's content is gone from
 * the event, its deliveries and their attempts, and nothing of it can be sent afterwards.
 */
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PurgeResult, Store } from '../../../engine/store/types.js';
import { TUNING } from '../../../engine/tuning.js';
import {
  closeDeliveries,
  countRows,
  DAY_MS,
  eventAt,
  executionAt,
  fanOutAll,
  finishedExecutions,
  onePerEvent,
  seedClosedHistory,
} from '../../helpers/history.js';
import { createTempStore, type TempStore } from '../../helpers/store.js';

let temp: TempStore;
let store: Store;
const NOW = Date.now();
const OLD = NOW - 40 * DAY_MS;
const CUTOFF = NOW - 30 * DAY_MS;

beforeEach(async () => {
  temp = await createTempStore();
  store = temp.store;
});
afterEach(async () => {
  await temp.close();
});

/** Batches until one says nothing more is due; the sum of what they deleted, and how many ran. */
async function purgeAll(beforeMs: number, batchRows: number): Promise<PurgeResult & { batches: number }> {
  const total = { deliveries: 0, attempts: 0, events: 0, executions: 0, more: false, batches: 0 };
  for (;;) {
    const batch = await store.purgeHistory(beforeMs, batchRows);
    total.batches++;
    for (const key of ['deliveries', 'attempts', 'events', 'executions'] as const) total[key] += batch[key];
    if (!batch.more) return total;
  }
}

const ids = async (table: string, column = 'id'): Promise<string[]> =>
  (await temp.sql(`SELECT ${column} AS id FROM ${table} ORDER BY ${column}`)).map((row) => String(row.id));

describe('history retention', () => {
  it('deletes closed deliveries with their attempts, passed events and finished executions older than the cutoff', async () => {
    await seedClosedHistory(store, 'old', 3, OLD);
    await seedClosedHistory(store, 'new', 2, NOW);
    const result = await purgeAll(CUTOFF, 100);
    expect(result).toMatchObject({ deliveries: 3, attempts: 6, events: 3, executions: 3 });
    expect(await ids('deliveries')).toEqual(['del_evt_new00000', 'del_evt_new00001']);
    expect(await ids('attempts', 'delivery_id')).toEqual([
      'del_evt_new00000',
      'del_evt_new00000',
      'del_evt_new00001',
      'del_evt_new00001',
    ]);
    expect(await ids('events')).toEqual(['evt_new00000', 'evt_new00001']);
    expect(await ids('executions')).toEqual(['exec_new00000', 'exec_new00001']);
  });

  it('keeps open deliveries, the events they need, events not fanned out yet and unfinished executions', async () => {
    await store.commit({ events: ['evt_flight', 'evt_pending', 'evt_retrying'].map((id) => eventAt(id, OLD)) });
    await fanOutAll(store);
    await closeDeliveries(store, ['del_evt_retrying'], OLD, 'retrying');
    const [claimed] = await store.outbox.claimMany(
      [{ subscriptionId: 'wh_a', ordered: true, limit: 1 }],
      Date.now() + 1000,
      'worker',
      30_000,
    );
    expect(claimed.claimed.map((d) => d.id)).toEqual(['del_evt_flight']);
    await store.commit({ events: [eventAt('evt_unplanned', OLD)] });
    await store.commit({
      executions: [
        { record: executionAt('exec_queued', OLD) },
        { record: executionAt('exec_running', OLD, { status: 'running' }) },
      ],
    });
    const before = await countRows(temp.sql);
    expect(await purgeAll(NOW + DAY_MS, 100)).toMatchObject({ deliveries: 0, events: 0, executions: 0 });
    expect(await countRows(temp.sql)).toEqual(before);
  });

  it('counts a delivery by when it closed, an event by its timestamp and an execution by when it finished', async () => {
    await store.commit({ events: [eventAt('evt_old', OLD)] });
    await fanOutAll(store);
    // Closed recently: kept, though its event is old (which goes: no open delivery needs it).
    await closeDeliveries(store, ['del_evt_old'], NOW, 'failed');
    await finishedExecutions(store, ['exec_late'], OLD);
    await store.commit({
      executionUpdates: [{ id: 'exec_late', status: 'stopped', finishedAt: new Date(NOW).toISOString() }],
    });
    // A delivery failed by a deleted webhook has no completed_at: its last update counts.
    await store.commit({ events: [eventAt('evt_deleted', NOW)] });
    await fanOutAll(store, onePerEvent('wh_gone'));
    await store.deleteSubscription('wh_gone');
    await temp.sql('UPDATE deliveries SET updated_at = ? WHERE id = ?', [OLD, 'del_evt_deleted']);
    expect(await purgeAll(CUTOFF, 100)).toMatchObject({ deliveries: 1, events: 1, executions: 0 });
    expect(await ids('deliveries')).toEqual(['del_evt_old']);
    expect(await ids('events')).toEqual(['evt_deleted']);
    expect(await ids('executions')).toEqual(['exec_late']);
  });

  it('leaves the fan-out nothing pending when it deleted every event the cursor passed', async () => {
    await seedClosedHistory(store, 'old', 3, OLD);
    await purgeAll(CUTOFF, 100);
    expect(await countRows(temp.sql)).toMatchObject({ events: 0 });
    expect(await store.outbox.pendingFanOut()).toBe(0);
    await store.commit({ events: [eventAt('evt_next', NOW)] });
    expect(await store.outbox.pendingFanOut()).toBe(1);
  });

  it('deletes at most batchRows rows per batch and says when more may remain', async () => {
    await seedClosedHistory(store, 'old', 25, OLD, 1);
    const first = await store.purgeHistory(CUTOFF, 10);
    expect(first).toEqual({ deliveries: 10, attempts: 10, events: 0, executions: 0, more: true });
    const rest = await purgeAll(CUTOFF, 10);
    expect(rest).toMatchObject({ deliveries: 15, attempts: 15, events: 25, executions: 25 });
    expect(rest.batches).toBe(7);
    expect(await countRows(temp.sql)).toEqual({ deliveries: 0, attempts: 0, events: 0, executions: 0 });
  });

  it('deletes a full batch in one short transaction (its time is logged, not asserted)', async () => {
    const batchRows = TUNING.history.batchRows;
    await seedClosedHistory(store, 'old', batchRows * 2, OLD, 2);
    const times: number[] = [];
    let result: PurgeResult;
    do {
      const started = performance.now();
      result = await store.purgeHistory(CUTOFF, batchRows);
      times.push(performance.now() - started);
    } while (result.more);
    console.info(
      `[history] ${temp.kind}: ${times.length} batches of ≤ ${batchRows} rows (deliveries with 2 attempts each, ` +
        `then events and executions): ${times.map((ms) => ms.toFixed(1)).join(', ')} ms`,
    );
    expect(await countRows(temp.sql)).toEqual({ deliveries: 0, attempts: 0, events: 0, executions: 0 });
  });
});

describe('erasing an event’s content', () => {
  /** evt_x fanned out to three webhooks: one delivered (two attempts), one retrying (one attempt), one pending. */
  async function threeDeliveries(): Promise<void> {
    await store.commit({ events: [eventAt('evt_x', NOW)] });
    await fanOutAll(store, (event) =>
      ['wh_a', 'wh_b', 'wh_c']
        .flatMap((id) => onePerEvent(id)(event))
        .map((d) => ({ ...d, id: `${d.id}_${d.subscriptionId}` })),
    );
    await closeDeliveries(store, ['del_evt_x_wh_a'], NOW, 'succeeded', 2);
    await closeDeliveries(store, ['del_evt_x_wh_b'], NOW, 'retrying', 1);
  }

  it('empties the event, its deliveries and their attempts, and closes the open deliveries', async () => {
    await threeDeliveries();
    const delivered = await store.deliveryLog.getDelivery('del_evt_x_wh_a');
    const at = NOW + 1000;
    const result = await store.eraseEventContent('evt_x', at);
    expect(result).toMatchObject({ deliveries: 3, closed: 2, attempts: 3 });
    expect(result?.event).toMatchObject({
      id: 'evt_x',
      type: 'order.completed',
      data: null,
      erasedAt: new Date(at).toISOString(),
    });
    expect(result?.event).not.toHaveProperty('metadata');
    expect(await store.getEvent('evt_x')).toEqual(result?.event);
    const after = await Promise.all(
      ['wh_a', 'wh_b', 'wh_c'].map((id) => store.deliveryLog.getDelivery(`del_evt_x_${id}`)),
    );
    expect(after.map((d) => [d?.status, d?.payload, d?.erased, d?.lastError])).toEqual([
      ['succeeded', '', true, null],
      ['failed', '', true, 'content erased'],
      ['failed', '', true, 'content erased'],
    ]);
    // The delivered one keeps its history as it was; the closed ones closed now.
    expect(after[0]).toMatchObject({ updatedAtMs: delivered?.updatedAtMs, completedAtMs: delivered?.completedAtMs });
    expect(after[1]).toMatchObject({ completedAtMs: at, updatedAtMs: at });
    const attempts = [
      ...(await store.deliveryLog.listAttempts('del_evt_x_wh_a')),
      ...(await store.deliveryLog.listAttempts('del_evt_x_wh_b')),
    ];
    expect(attempts.map((a) => [a.attemptNo, a.responseExcerpt, a.statusCode])).toEqual([
      [1, null, 500],
      [2, null, 200],
      [1, null, 500],
    ]);
    expect(await store.outbox.countOpen()).toBe(0);
  });

  it('changes nothing more when repeated, and answers null for an unknown event', async () => {
    await threeDeliveries();
    const first = await store.eraseEventContent('evt_x', NOW + 1000);
    const again = await store.eraseEventContent('evt_x', NOW + 2000);
    expect(again).toEqual({ ...first, closed: 0 });
    expect(await store.eraseEventContent('evt_missing', NOW)).toBeNull();
  });

  it('erases the deliveries of an event the cleaner already deleted', async () => {
    await seedClosedHistory(store, 'x', 1, OLD);
    await temp.sql('DELETE FROM events');
    expect(await store.eraseEventContent('evt_x00000', NOW)).toEqual({
      event: null,
      deliveries: 1,
      closed: 0,
      attempts: 2,
    });
  });

  it('lets a worker that held an erased delivery settle nothing, and the fan-out plan nothing for an erased event', async () => {
    await store.commit({ events: [eventAt('evt_sent', NOW)] });
    await fanOutAll(store);
    const [{ claimed }] = await store.outbox.claimMany(
      [{ subscriptionId: 'wh_a', ordered: false, limit: 5 }],
      Date.now() + 1000,
      'worker',
      30_000,
    );
    expect(claimed.map((d) => d.id)).toEqual(['del_evt_sent']);
    expect(await store.eraseEventContent('evt_sent', NOW)).toMatchObject({ closed: 1 });
    const late = {
      deliveryId: 'del_evt_sent',
      status: 'succeeded' as const,
      attemptCount: 1,
      nextAttemptAtMs: NOW,
      lastStatusCode: 200,
      lastError: null,
      completedAtMs: NOW,
      leaseOwner: 'worker',
    };
    expect(await store.outbox.settle([late], [], [])).toBe(0);
    expect(await store.deliveryLog.getDelivery('del_evt_sent')).toMatchObject({ status: 'failed', erased: true });

    await store.commit({ events: [eventAt('evt_early', NOW)] });
    await store.eraseEventContent('evt_early', NOW);
    const planned: string[] = [];
    const result = await store.outbox.fanOut((event) => (planned.push(event.id), onePerEvent()(event)), 10);
    expect([result.events, result.deliveries, planned]).toEqual([1, 0, []]);
    expect(await store.outbox.pendingFanOut()).toBe(0);
  });
});
