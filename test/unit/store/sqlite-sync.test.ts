/**
 * The embedded store pays an fsync only for what a caller is told is done: an acknowledged commit
 * is made durable by an fdatasync of the `-wal` file off the event loop (wal-sync.ts; the connection
 * stays at NORMAL), and the delivery loop's own writes (fan-out, claims, settlements) run at NORMAL,
 * durable against a killed process (WAL) without an fsync each.
 */
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../../engine/store/secret-box.js';
import { createSqliteStore, type SqliteStore } from '../../../engine/store/sqlite-store.js';
import { onePerEvent, eventAt } from '../../helpers/history.js';
import { TEST_STORE } from '../../helpers/store.js';
import { makeTempDir, type TempDir } from '../../helpers/temp.js';

/** SQLite's numbers for the `synchronous` pragma. */
const NORMAL = 1;

const syncOf = (db: Database.Database): number => Number(db.pragma('synchronous', { simple: true }));

describe.skipIf(TEST_STORE !== 'sqlite')('fsyncs on the SQLite file', () => {
  let dir: TempDir;
  let store: SqliteStore;
  beforeEach(async () => {
    dir = makeTempDir('hookline-sync-');
    store = createSqliteStore({ path: `${dir.path}/hookline.db`, secretBox: createSecretBox('test-key') });
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('syncs an acknowledged write’s WAL, and runs the delivery loop’s writes after it with NORMAL', async () => {
    await store.commit({ acknowledged: true, events: [eventAt('evt_1', Date.now())] });
    // FULL's guarantee without FULL on the connection: the -wal file was synced before the answer.
    expect(syncOf(store.db)).toBe(NORMAL);

    await store.outbox.fanOut(onePerEvent('wh_a'), 10);
    expect(syncOf(store.db)).toBe(NORMAL);

    await store.commit({ acknowledged: true, events: [eventAt('evt_2', Date.now())] });
    const [{ claimed }] = await store.outbox.claimMany(
      [{ subscriptionId: 'wh_a', ordered: false, limit: 10 }],
      Date.now(),
      'me',
      30_000,
    );
    expect(claimed.map((d) => d.id)).toEqual(['del_evt_1']);
    expect(syncOf(store.db)).toBe(NORMAL);

    await store.commit({ acknowledged: true, events: [eventAt('evt_3', Date.now())] });
    const settled = await store.outbox.settle(
      [
        {
          deliveryId: 'del_evt_1',
          status: 'succeeded',
          attemptCount: 1,
          nextAttemptAtMs: claimed[0].nextAttemptAtMs,
          lastStatusCode: 200,
          lastError: null,
          completedAtMs: Date.now(),
          leaseOwner: 'me',
        },
      ],
      [],
      [],
    );
    expect(settled).toBe(1);
    expect(syncOf(store.db)).toBe(NORMAL);
  });
});
