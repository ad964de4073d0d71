/**
 * The group committer on a real store per test (SQLite or PostgreSQL); groups are closed by `flush()`,
 * never by a timer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEvent } from '../../../engine/events/envelope.js';
import { createGroupCommitter } from '../../../engine/store/group-commit.js';
import type { CommitResult, Store, WriteBatch } from '../../../engine/store/types.js';
import { makeNewDelivery } from '../../helpers/records.js';
import { createTempStore, TEST_STORE, type TempStore } from '../../helpers/store.js';

/** Long enough that only `flush()` or a full group can close a group in these tests. */
const NEVER_MS = 3_600_000;

let temp: TempStore;
/** Every `commit` the committer makes: one entry per transaction. */
let transactions: WriteBatch[];
let store: Store;

beforeEach(async () => {
  temp = await createTempStore();
  transactions = [];
  const real = temp.store;
  // The real store, counting its transactions (SQLite's are staged: written now, durable later).
  store = new Proxy(real, {
    get(target, key, receiver) {
      if (key === 'commit')
        return (batch: WriteBatch) => {
          transactions.push(batch);
          return real.commit(batch);
        };
      if (key === 'commitStaged' && real.commitStaged)
        return (batch: WriteBatch) => {
          transactions.push(batch);
          return real.commitStaged!(batch);
        };
      return Reflect.get(target, key, receiver);
    },
  });
});

/** `inner` without `commitStaged`: written one group after the other, as PostgreSQL's store is. */
const unstaged = (inner: Store): Store =>
  new Proxy(inner, {
    get: (target, key, receiver) => (key === 'commitStaged' ? undefined : Reflect.get(target, key, receiver)),
  });
afterEach(async () => {
  await temp.close();
});

/** Turns of the event loop until `done()` (a few at most: the writes here are synchronous). */
async function waitFor(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100 && !done(); turn++) await new Promise((resolve) => setImmediate(resolve));
}

const eventBatch = (n: number): WriteBatch => ({ events: [createEvent('order.completed', { n })] });

describe('createGroupCommitter', () => {
  it('commits many concurrent submits in one transaction and answers each after the write', async () => {
    const committed: CommitResult[] = [];
    const committer = createGroupCommitter({ store, windowMs: NEVER_MS });
    committer.onCommitted((r) => committed.push(r));
    const batches = Array.from({ length: 50 }, (_, n) => eventBatch(n));
    const answers = batches.map((batch) =>
      committer.submit(batch).then(async (result) => {
        // Durable before the answer: the caller's own event is readable and the commit was reported.
        expect(await temp.store.getEvent(batch.events![0].id)).not.toBeNull();
        expect(committed).toHaveLength(1);
        return result;
      }),
    );
    expect(transactions).toHaveLength(0);
    await committer.flush();
    const results = await Promise.all(answers);
    expect(transactions).toHaveLength(1);
    expect(transactions[0].events).toHaveLength(50);
    expect(new Set(results).size).toBe(1);
    expect(await temp.store.listEvents({ limit: 100 })).toHaveLength(50);
  });

  it('lets writes that arrive while a group waits for the disk join the next group', async () => {
    // The first commit is held after its write, as the WAL sync holds it: flushes pile up behind it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = new Proxy(unstaged(store), {
      get: (target, key, receiver) =>
        key === 'commit'
          ? async (batch: WriteBatch) => {
              const result = await target.commit(batch);
              if (transactions.length === 1) await held;
              return result;
            }
          : Reflect.get(target, key, receiver),
    });
    const committer = createGroupCommitter({ store: slow, windowMs: NEVER_MS });
    const first = committer.submit(eventBatch(1));
    void committer.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(transactions).toHaveLength(1);
    const later = [2, 3, 4].map((n) => {
      const answer = committer.submit(eventBatch(n));
      void committer.flush();
      return answer;
    });
    release();
    await Promise.all([first, ...later]);
    expect(transactions.map((t) => t.events?.map((e) => (e.data as { n: number }).n))).toEqual([[1], [2, 3, 4]]);
  });

  it.runIf(TEST_STORE === 'sqlite')(
    'writes the next group while the one before waits for the disk, and answers each group once it is durable',
    async () => {
      // SQLite stages its writes: the first group's WAL flush is held; the next group is still written.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const slowDisk = new Proxy(store, {
        get: (target, key, receiver) =>
          key === 'commitStaged'
            ? (batch: WriteBatch) => {
                const staged = target.commitStaged!(batch);
                return transactions.length === 1 ? { ...staged, durable: staged.durable.then(() => held) } : staged;
              }
            : Reflect.get(target, key, receiver),
      });
      const committer = createGroupCommitter({ store: slowDisk, windowMs: NEVER_MS });
      const answered: number[] = [];
      const committed: number[] = [];
      committer.onCommitted((result) => committed.push(result.events));
      const submit = (n: number) => committer.submit(eventBatch(n)).then(() => void answered.push(n));
      const first = submit(1);
      void committer.flush();
      await waitFor(() => transactions.length === 1);
      const second = [submit(2), submit(3)];
      const flushed = committer.flush();
      // Both groups are written (readable) while the first one's flush is held; no one is answered yet.
      await waitFor(() => transactions.length === 2);
      expect(transactions.map((t) => t.events?.length)).toEqual([1, 2]);
      expect(await temp.store.listEvents({ limit: 10 })).toHaveLength(3);
      expect(answered).toEqual([]);
      expect(committed).toEqual([]);
      release();
      await Promise.all([first, ...second, flushed]);
      // Answered in the order the groups were written, each after its listener call.
      expect(answered).toEqual([1, 2, 3]);
      expect(committed).toEqual([1, 2]);
    },
  );

  it('rejects a group whose flush to disk fails, and keeps writing the groups after it', async () => {
    let failures = 1;
    const failingDisk = new Proxy(store, {
      get: (target, key, receiver) => {
        if (key === 'commitStaged' && target.commitStaged)
          return (batch: WriteBatch) => {
            const staged = target.commitStaged!(batch);
            const durable = failures-- > 0 ? Promise.reject(new Error('EIO: fdatasync failed')) : staged.durable;
            return { ...staged, durable };
          };
        if (key === 'commit' && !target.commitStaged)
          return async (batch: WriteBatch) => {
            const result = await target.commit(batch);
            if (failures-- > 0) throw new Error('EIO: fdatasync failed');
            return result;
          };
        return Reflect.get(target, key, receiver);
      },
    });
    const committed: CommitResult[] = [];
    const committer = createGroupCommitter({ store: failingDisk, windowMs: NEVER_MS });
    committer.onCommitted((result) => committed.push(result));
    const lost = committer.submit(eventBatch(1));
    const rejected = expect(lost).rejects.toThrow(/EIO/);
    await committer.flush();
    await rejected;
    const next = committer.submit(eventBatch(2));
    await committer.flush();
    await expect(next).resolves.toMatchObject({ events: 1 });
    // A group that was never durable is reported to no listener (nothing may fan it out).
    expect(committed).toHaveLength(1);
  });

  it('commits on its own at the end of the tick with a zero window', async () => {
    const committer = createGroupCommitter({ store, windowMs: 0 });
    await Promise.all([committer.submit(eventBatch(1)), committer.submit(eventBatch(2))]);
    expect(transactions).toHaveLength(1);
  });

  it('commits a full group at once, without waiting for the window', async () => {
    const committer = createGroupCommitter({ store, windowMs: NEVER_MS, maxGroup: 3 });
    const full = [1, 2, 3].map((n) => committer.submit(eventBatch(n)));
    await Promise.all(full);
    expect(transactions.map((t) => t.events?.length)).toEqual([3]);
    const rest = committer.submit(eventBatch(4));
    await committer.flush();
    await rest;
    expect(transactions.map((t) => t.events?.length)).toEqual([3, 1]);
  });

  it('merges every kind of write in one transaction and leaves the events to the fan-out', async () => {
    const committer = createGroupCommitter({ store, windowMs: NEVER_MS });
    const answers = [
      committer.submit(eventBatch(1)),
      committer.submit({ deliveries: [makeNewDelivery('direct')], acknowledged: true }),
      committer.submit(eventBatch(2)),
    ];
    await committer.flush();
    const results = await Promise.all(answers);
    expect(transactions).toHaveLength(1);
    expect(transactions[0]).toMatchObject({ acknowledged: true });
    expect(results[0]).toMatchObject({ deliveries: 1, events: 2 });
    expect(await temp.store.deliveryLog.listDeliveries({ limit: 10 })).toHaveLength(1);
    // The fan-out plans the two events afterwards, once each.
    const plan = (event: { id: string }) => [makeNewDelivery(`planned_${event.id}`, { eventId: event.id })];
    expect(await temp.store.outbox.fanOut(plan, 10)).toMatchObject({ events: 2, deliveries: 2, more: false });
    expect(await temp.store.outbox.fanOut(plan, 10)).toMatchObject({ events: 0, deliveries: 0 });
    expect(await temp.store.deliveryLog.listDeliveries({ limit: 10 })).toHaveLength(3);
  });

  it('retries a failing group one batch at a time, so only the culprit is rejected', async () => {
    await temp.store.commit({ deliveries: [makeNewDelivery('taken')] });
    const committed: CommitResult[] = [];
    const committer = createGroupCommitter({ store, windowMs: NEVER_MS });
    committer.onCommitted((r) => committed.push(r));
    const good1 = eventBatch(1);
    const bad: WriteBatch = {
      events: [createEvent('order.completed', { n: 'bad' })],
      deliveries: [makeNewDelivery('taken')],
    };
    const good2 = eventBatch(2);
    // Settled as they come: the culprit's rejection must have a handler while the others still commit.
    const answers = Promise.allSettled([good1, bad, good2].map((batch) => committer.submit(batch)));
    await committer.flush();
    const settled = await answers;
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((settled[1] as PromiseRejectedResult).reason)).toMatch(/unique/i);
    // The group's transaction, then one per batch.
    expect(transactions).toHaveLength(4);
    expect(committed).toHaveLength(2);
    expect(await temp.store.getEvent(good1.events![0].id)).not.toBeNull();
    expect(await temp.store.getEvent(good2.events![0].id)).not.toBeNull();
    // The culprit's transaction rolled back whole: its event is not there either.
    expect(await temp.store.getEvent(bad.events![0].id)).toBeNull();
  });

  it('answers every caller once, and writes nothing twice, when an after-commit listener throws', async () => {
    const failures: unknown[] = [];
    const committer = createGroupCommitter({ store, windowMs: NEVER_MS, onListenerError: (e) => failures.push(e) });
    committer.onCommitted(() => {
      throw new Error('listener broke');
    });
    const answers = [eventBatch(1), eventBatch(2)].map((batch) => committer.submit(batch));
    await committer.flush();
    expect((await Promise.allSettled(answers)).map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(transactions).toHaveLength(1);
    expect(failures).toHaveLength(1);
    expect(await temp.store.listEvents({ limit: 10 })).toHaveLength(2);
  });

  it('rejects a lone failing batch without retrying it', async () => {
    await temp.store.commit({ deliveries: [makeNewDelivery('taken')] });
    const committer = createGroupCommitter({ store, windowMs: NEVER_MS });
    const answer = expect(committer.submit({ deliveries: [makeNewDelivery('taken')] })).rejects.toThrow(/unique/i);
    await committer.flush();
    await answer;
    expect(transactions).toHaveLength(1);
  });

  it('keeps committing after a failed group', async () => {
    await temp.store.commit({ deliveries: [makeNewDelivery('taken')] });
    const committer = createGroupCommitter({ store, windowMs: NEVER_MS });
    const failed = expect(committer.submit({ deliveries: [makeNewDelivery('taken')] })).rejects.toThrow();
    await committer.flush();
    await failed;
    const next = committer.submit(eventBatch(3));
    await committer.flush();
    await expect(next).resolves.toMatchObject({ deliveries: 0 });
  });

  it('flushes nothing when nothing waits', async () => {
    const committer = createGroupCommitter({ store, windowMs: NEVER_MS });
    await committer.flush();
    expect(transactions).toHaveLength(0);
  });
});
