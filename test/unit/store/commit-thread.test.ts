/**
 * The store's batch writes on a thread of their own (commit-thread.ts, commit-worker.ts): the same
 * rows and answers as on the main connection, errors that reach the caller, a shared write lock so
 * the main connection's own transactions never fail or stall on the thread's, and the threads
 * starting once the store is busy. Real files, a real worker thread.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEvent } from '../../../engine/events/envelope.js';
import { createSecretBox } from '../../../engine/store/secret-box.js';
import { createSqliteStore, type SqliteStore } from '../../../engine/store/sqlite-store.js';
import type { NewExecution } from '../../../engine/store/types.js';
import { newExecution } from '../../../engine/workflow/execution-record.js';
import { makeTempDir, type TempDir } from '../../helpers/temp.js';

let dir: TempDir;
let store: SqliteStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
  dir?.remove();
});

function openStore(threadsAfterCommits = 0): SqliteStore {
  dir = makeTempDir();
  store = createSqliteStore({ path: `${dir.path}/hookline.db`, secretBox: createSecretBox('k'), threadsAfterCommits });
  return store;
}

const accepted = (key: string | null): NewExecution => ({
  record: newExecution('wf', 'Hook', 'workflow', [{ n: 1 }], { idempotencyKey: key }),
  events: [createEvent('workflow.started', { key })],
  idempotencyWindowSec: 60,
});

describe('the commit thread', () => {
  it('writes what the main connection would, and answers with the ids that stand', async () => {
    const s = openStore();
    expect(s.commitThread).not.toBeNull();
    const first = accepted('key-1');
    const again = accepted('key-1');
    const one = await s.commit({ acknowledged: true, executions: [first] });
    const two = await s.commit({ acknowledged: true, executions: [again, accepted(null)] });
    expect(one.executionIds.get(first.record.id)).toEqual({ id: first.record.id, duplicate: false });
    // The repeat is answered with the first execution, and writes nothing of its own.
    expect(two.executionIds.get(again.record.id)).toEqual({ id: first.record.id, duplicate: true });
    expect(two.events).toBe(1);

    const keyed = {
      event: createEvent('order.paid', { n: 1 }),
      idempotencyKey: 'k',
      requestHash: 'h',
      idempotencyWindowSec: 60,
    };
    const published = await s.commit({ acknowledged: true, keyedEvents: [keyed] });
    expect(published.eventIds.get(keyed.event.id)).toEqual({ id: keyed.event.id, duplicate: false, requestHash: 'h' });
    await s.commit({
      executionUpdates: [
        { id: first.record.id, status: 'succeeded', output: { done: true }, finishedAt: new Date().toISOString() },
      ],
    });

    // The main connection reads what the thread wrote as soon as the commit is answered.
    expect(s.db.prepare('SELECT count(*) FROM executions').pluck().get()).toBe(2);
    expect(s.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(3);
    expect(await s.getExecution(first.record.id)).toMatchObject({ status: 'succeeded', output: { done: true } });
  });

  it('rejects a batch the database refuses, with SQLite’s code, and goes on with the next', async () => {
    const s = openStore();
    const { record } = accepted(null);
    await s.commit({ executions: [{ record }] });
    // The same id twice: the primary key refuses it.
    const refused = s.commit({ executions: [{ record }] });
    await expect(refused).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    await expect(s.commit({ events: [createEvent('order.paid', {})] })).resolves.toMatchObject({ events: 1 });
  });

  it('shares the write lock: the main connection’s read-then-write transactions never meet SQLITE_BUSY', async () => {
    const s = openStore();
    s.db.exec('CREATE TABLE tally (n INTEGER)');
    const insert = s.db.prepare('INSERT INTO tally (n) SELECT count(*) FROM events');
    const count = s.db.prepare('SELECT count(*) FROM events').pluck();
    // Deferred: it reads first, and would fail at its write if the thread committed in between.
    const mainWrite = s.db.transaction(() => {
      count.get();
      insert.run();
    });
    const onThread: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      onThread.push(s.commit({ events: [createEvent('order.paid', { i })] }));
      mainWrite();
      if (i % 10 === 0) await onThread[i];
    }
    await Promise.all(onThread);
    expect(s.db.prepare('SELECT count(*) FROM tally').pluck().get()).toBe(300);
    expect(count.get()).toBe(300);
  });

  it('starts the threads at the store’s n-th commit, and answers every commit in flight on close', async () => {
    const s = openStore(3);
    await s.commit({ events: [createEvent('order.paid', {})] });
    await s.commit({ events: [createEvent('order.paid', {})] });
    expect(s.commitThread).toBeNull();
    expect(s.checkpointer).toBeNull();
    const inFlight = Array.from({ length: 20 }, () => s.commit({ events: [createEvent('order.paid', {})] }));
    expect(s.commitThread).not.toBeNull();
    expect(s.checkpointer).not.toBeNull();
    const closed = s.close();
    expect((await Promise.all(inFlight)).every((result) => result.events === 1)).toBe(true);
    await closed;
    store = undefined;
  });
});
