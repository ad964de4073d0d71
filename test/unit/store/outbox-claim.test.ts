/** The outbox through its public `OutboxStore` contract, on a real store per test (SQLite or PostgreSQL). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimSpec, NewDelivery, DeliveryLog, OutboxStore } from '../../../engine/store/types.js';
import { makeNewDelivery } from '../../helpers/records.js';
import { createTempStore, type TempStore } from '../../helpers/store.js';

const LEASE_MS = 30_000;
const ordered: ClaimSpec = { subscriptionId: 'sub_1', ordered: true, limit: 10 };
const unordered: ClaimSpec = { subscriptionId: 'sub_1', ordered: false, limit: 10 };

let temp: TempStore;
let outbox: OutboxStore;
let log: DeliveryLog;
/** Time base of each test: rows are due relative to it. */
let now: number;

beforeEach(async () => {
  temp = await createTempStore();
  outbox = temp.store.outbox;
  log = temp.store.deliveryLog;
  now = Date.now();
});
afterEach(async () => {
  await temp.close();
});

async function insert(...deliveries: NewDelivery[]): Promise<void> {
  await temp.store.commit({ deliveries });
}
const due = (id: string, fields: Partial<NewDelivery> = {}) =>
  makeNewDelivery(id, { nextAttemptAtMs: now, expiresAtMs: now + 86_400_000, ...fields });
/** A first attempt's success, as settling it writes it (`now` is set per test). */
const succeeded = (deliveryId: string) => ({
  deliveryId,
  status: 'succeeded' as const,
  attemptCount: 1,
  nextAttemptAtMs: now,
  lastStatusCode: 200,
  lastError: null,
  completedAtMs: now,
});
const ids = (rows: readonly { id: string }[]) => rows.map((row) => row.id);
const claim = (spec: ClaimSpec, atMs = now, owner = 'w1') => outbox.claim(spec, atMs, owner, LEASE_MS);

/** Records a successful first attempt: the row is closed. */
const succeedOnce = (id: string) => outbox.settle([succeeded(id)], [], []);

/** Records a failed first attempt, so the row waits as `retrying` until `nextAttemptAtMs`. */
async function failOnce(id: string, nextAttemptAtMs: number): Promise<void> {
  await outbox.settle(
    [
      {
        deliveryId: id,
        status: 'retrying',
        attemptCount: 1,
        nextAttemptAtMs,
        lastStatusCode: 500,
        lastError: 'HTTP 500',
        completedAtMs: null,
      },
    ],
    [],
    [],
  );
}

describe('claim, ordered', () => {
  it('claims the line in insertion order and leases it to the owner', async () => {
    await insert(due('d1'), due('d2'), due('d3'));
    const claimed = await claim(ordered);
    expect(ids(claimed)).toEqual(['d1', 'd2', 'd3']);
    for (const row of claimed)
      expect(row).toMatchObject({ status: 'in_flight', leaseOwner: 'w1', leaseExpiresAtMs: now + LEASE_MS });
    expect(await log.getDelivery('d2')).toMatchObject({ status: 'in_flight', leaseOwner: 'w1' });
  });

  it('claims nothing while the head is in flight', async () => {
    await insert(due('d1'));
    await claim({ ...ordered, limit: 1 });
    await insert(due('d2'));
    expect(await claim(ordered, now, 'w2')).toEqual([]);
  });

  it('stops at a head that is not yet due, even when later rows are', async () => {
    await insert(due('d1'), due('d2'), due('d3'));
    await claim({ ...ordered, limit: 1 });
    await failOnce('d1', now + 60_000);
    expect(await claim(ordered)).toEqual([]);
    expect(ids(await claim(ordered, now + 60_000))).toEqual(['d1', 'd2', 'd3']);
  });

  it('takes at most the limit from the head', async () => {
    await insert(due('d1'), due('d2'), due('d3'));
    expect(ids(await claim({ ...ordered, limit: 2 }))).toEqual(['d1', 'd2']);
  });

  it('moves on once the head is settled', async () => {
    await insert(due('d1'), due('d2'));
    await claim({ ...ordered, limit: 1 });
    await succeedOnce('d1');
    expect(ids(await claim(ordered))).toEqual(['d2']);
  });

  it('keeps each subscription on its own line', async () => {
    await insert(due('a1'), due('b1', { subscriptionId: 'sub_2' }), due('a2'));
    expect(ids(await claim(ordered))).toEqual(['a1', 'a2']);
    expect(ids(await claim({ ...ordered, subscriptionId: 'sub_2' }))).toEqual(['b1']);
  });
});

describe('claim, unordered', () => {
  it('claims every due row by due time, skipping rows in flight or not yet due', async () => {
    await insert(
      due('early'),
      due('late', { nextAttemptAtMs: now + 60_000 }),
      due('soon', { nextAttemptAtMs: now - 5 }),
    );
    expect(ids(await claim({ ...unordered, limit: 1 }))).toEqual(['soon']);
    expect(ids(await claim(unordered))).toEqual(['early']);
    expect(ids(await claim(unordered, now + 60_000))).toEqual(['late']);
  });

  it('claims rows behind a waiting retry', async () => {
    await insert(due('d1'), due('d2'));
    await claim({ ...unordered, limit: 1 });
    await failOnce('d1', now + 60_000);
    expect(ids(await claim(unordered))).toEqual(['d2']);
  });
});

describe('claimMany', () => {
  it('claims several endpoints in the order given and says which still have open work', async () => {
    await insert(due('a1'), due('b1', { subscriptionId: 'sub_2' }), due('a2'));
    await claim({ ...ordered, subscriptionId: 'sub_2' });
    const results = await outbox.claimMany(
      [ordered, { ...ordered, subscriptionId: 'sub_2' }, { ...ordered, subscriptionId: 'sub_none' }],
      now,
      'w1',
      LEASE_MS,
    );
    expect(results.map((r) => [ids(r.claimed), r.open])).toEqual([
      [['a1', 'a2'], true],
      [[], true],
      [[], false],
    ]);
  });

  it('counts open rows of every endpoint, in flight included', async () => {
    await insert(due('a1'), due('a2'), due('b1', { subscriptionId: 'sub_2' }));
    await claim({ ...ordered, limit: 1 });
    await succeedOnce('a1');
    await claim(ordered);
    expect(await outbox.countOpen()).toBe(2);
  });
});

describe('claim, batching', () => {
  const batch = { maxEvents: 3, maxWaitMs: 1_000 };

  it('claims once max_events rows wait', async () => {
    await insert(due('d1'), due('d2'), due('d3'), due('d4'));
    expect(ids(await claim({ ...unordered, limit: 3, batch }))).toEqual(['d1', 'd2', 'd3']);
  });

  it.each([true, false])('waits for company until the oldest row waited max_wait (ordered %s)', async (isOrdered) => {
    await insert(due('d1'), due('d2'));
    const { createdAtMs } = (await log.getDelivery('d1'))!;
    const spec = { subscriptionId: 'sub_1', ordered: isOrdered, limit: 3, batch };
    expect(await claim(spec, createdAtMs + batch.maxWaitMs - 1)).toEqual([]);
    expect(ids(await claim(spec, createdAtMs + batch.maxWaitMs))).toEqual(['d1', 'd2']);
  });

  it('leaves rows that wait for a retry until they are due, as single messages do', async () => {
    await insert(due('d1', { nextAttemptAtMs: now + 60_000 }), due('d2'), due('d3'), due('d4'));
    expect(ids(await claim({ ...unordered, limit: 3, batch }))).toEqual(['d2', 'd3', 'd4']);
    expect(ids(await claim({ ...unordered, limit: 3, batch }, now + 60_000 + batch.maxWaitMs))).toEqual(['d1']);
  });
});

describe('leases', () => {
  it('puts rows whose lease expired back in line, pending or retrying by attempts made', async () => {
    await insert(due('fresh'), due('tried'));
    await claim({ ...unordered, limit: 2 });
    await failOnce('tried', now);
    await claim(unordered);
    expect(await outbox.reclaimExpiredLeases(now + LEASE_MS - 1, 100)).toBe(0);
    expect(await outbox.reclaimExpiredLeases(now + LEASE_MS, 100)).toBe(2);
    expect(await log.getDelivery('fresh')).toMatchObject({
      status: 'pending',
      leaseOwner: null,
      leaseExpiresAtMs: null,
    });
    expect(await log.getDelivery('tried')).toMatchObject({ status: 'retrying', attemptCount: 1, leaseOwner: null });
    expect(ids(await claim(ordered, now + LEASE_MS, 'w2'))).toEqual(['fresh', 'tried']);
  });

  it('ignores a late result once the lease passed to another worker, and counts only what closed', async () => {
    await insert(due('d1'));
    await claim(unordered, now, 'w1');
    await outbox.reclaimExpiredLeases(now + LEASE_MS, 100);
    await claim(unordered, now + LEASE_MS, 'w2');
    const late = succeeded('d1');
    expect(await outbox.settle([{ ...late, leaseOwner: 'w1' }], [], [])).toBe(0);
    expect(await log.getDelivery('d1')).toMatchObject({ status: 'in_flight', leaseOwner: 'w2' });
    expect(await outbox.settle([{ ...late, leaseOwner: 'w2' }], [], [])).toBe(1);
    expect(await log.getDelivery('d1')).toMatchObject({ status: 'succeeded', leaseOwner: null });
  });

  it('renews only the leases its owner still holds in flight, so a live worker keeps its rows', async () => {
    await insert(due('d1'), due('d2'), due('done'));
    await claim({ ...unordered, limit: 3 }, now, 'w1');
    await succeedOnce('done');
    await outbox.reclaimExpiredLeases(now + LEASE_MS, 100);
    await claim({ ...unordered, limit: 3 }, now + LEASE_MS, 'w2');
    expect(await outbox.renewLeases(['d1', 'd2', 'done'], 'w2', now + 3 * LEASE_MS)).toBe(2);
    expect(await outbox.renewLeases(['d1', 'd2'], 'w1', now + 9 * LEASE_MS)).toBe(0);
    expect(await outbox.reclaimExpiredLeases(now + 2 * LEASE_MS, 100)).toBe(0);
    expect(await log.getDelivery('d1')).toMatchObject({ status: 'in_flight', leaseOwner: 'w2' });
    expect(await log.getDelivery('done')).toMatchObject({ status: 'succeeded', leaseOwner: null });
    expect(await outbox.reclaimExpiredLeases(now + 3 * LEASE_MS, 100)).toBe(2);
  });

  it('reclaims at most the limit per call', async () => {
    await insert(due('d1'), due('d2'), due('d3'));
    await claim(unordered);
    expect(await outbox.reclaimExpiredLeases(now + LEASE_MS, 2)).toBe(2);
    expect(await outbox.reclaimExpiredLeases(now + LEASE_MS, 2)).toBe(1);
    expect(await outbox.reclaimExpiredLeases(now + LEASE_MS, 2)).toBe(0);
  });

  it('releases claimed rows that were not attempted, and only those', async () => {
    await insert(due('d1'), due('d2'), due('d3'));
    await claim(ordered);
    await succeedOnce('d1');
    await outbox.release(['d1', 'd2', 'd3'], 'w1');
    expect(await log.getDelivery('d1')).toMatchObject({ status: 'succeeded' });
    expect(await log.getDelivery('d2')).toMatchObject({ status: 'pending', leaseOwner: null });
    expect(ids(await claim(ordered))).toEqual(['d2', 'd3']);
  });

  it('never releases a row another worker holds now (its own lease ran out and was taken)', async () => {
    await insert(due('d1'));
    await claim(ordered);
    await outbox.release(['d1'], 'someone-else');
    expect(await log.getDelivery('d1')).toMatchObject({ status: 'in_flight', leaseOwner: 'w1' });
  });

  it('counts open rows, in flight included, and says when an empty claim still leaves work open', async () => {
    await insert(due('a1'), due('b1', { subscriptionId: 'sub_2' }));
    await claim(ordered);
    expect(await outbox.countOpen()).toBe(2);
    const [again] = await outbox.claimMany([ordered], now, 'w1', LEASE_MS);
    expect(again).toEqual({ claimed: [], open: true });
  });
});

describe('retries and expiry', () => {
  it('makes waiting retries due now when the endpoint recovers', async () => {
    await insert(due('d1'), due('d2'));
    await claim({ ...ordered, limit: 1 });
    await failOnce('d1', now + 60_000);
    expect(await outbox.wakeRetrying('sub_1', now + 10)).toBe(1);
    expect(ids(await claim(ordered, now + 10))).toEqual(['d1', 'd2']);
  });

  it('expires open rows past their retention, leaving rows in flight alone', async () => {
    await insert(
      due('old', { expiresAtMs: now + 100 }),
      due('new'),
      due('busy', { subscriptionId: 'sub_2', expiresAtMs: now }),
    );
    await claim({ ...ordered, subscriptionId: 'sub_2' });
    const expired = await outbox.expireDue(now + 100, 10);
    expect(expired.map((row) => [row.id, row.status])).toEqual([['old', 'expired']]);
    expect(await log.getDelivery('old')).toMatchObject({ status: 'expired', completedAtMs: now + 100 });
    expect(ids(await claim(ordered, now + 100))).toEqual(['new']);
  });

  it('requeues a finished row as a retry due now, but not one in flight', async () => {
    await insert(due('d1'), due('d2'));
    await claim({ ...ordered, limit: 1 });
    expect(await log.requeue('d1', now + 5, now + 10)).toMatchObject({ status: 'in_flight' });
    expect(await log.requeue('missing', now, now)).toBeNull();
    await failOnce('d1', now);
    await outbox.settle(
      [
        {
          deliveryId: 'd1',
          status: 'failed',
          attemptCount: 1,
          nextAttemptAtMs: now,
          lastStatusCode: 410,
          lastError: null,
          completedAtMs: now,
        },
      ],
      [],
      [],
    );
    expect(await log.requeue('d1', now + 5, now + 10)).toMatchObject({
      status: 'retrying',
      nextAttemptAtMs: now + 5,
      completedAtMs: null,
    });
    expect(await log.requeue('d2', now + 5, now + 10)).toMatchObject({
      status: 'pending',
      nextAttemptAtMs: now + 5,
    });
  });
});
