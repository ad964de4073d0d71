/**
 * Acknowledged SQLite writes at the default durability (FULL): committed with NORMAL, then the
 * `-wal` file is fdatasync'ed on libuv's pool (wal-sync.ts). Real files; what a second connection
 * reads is what reached the WAL.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createEvent } from '../../../engine/events/envelope.js';
import { createSecretBox } from '../../../engine/store/secret-box.js';
import { createSqliteStore } from '../../../engine/store/sqlite-store.js';
import { createWalSyncer } from '../../../engine/store/wal-sync.js';
import { makeTempDir, type TempDir } from '../../helpers/temp.js';

let dir: TempDir;
afterEach(() => dir?.remove());

describe('WAL sync off the event loop', () => {
  it('answers an acknowledged FULL write once it is in the WAL, and leaves the connection on NORMAL', async () => {
    dir = makeTempDir();
    const path = `${dir.path}/hookline.db`;
    const store = createSqliteStore({ path, secretBox: createSecretBox('k') });
    const events = Array.from({ length: 20 }, (_, n) => createEvent('order.completed', { n }));
    // Concurrent acknowledged writes: each resolves after a sync that started after its commit.
    const results = await Promise.all(events.map((event) => store.commit({ acknowledged: true, events: [event] })));
    expect(results.reduce((sum, result) => sum + result.events, 0)).toBe(20);
    // NORMAL = 1: SQLite's own fsync is not what made these durable.
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1);
    const reader = new Database(path, { readonly: true });
    expect(reader.prepare('SELECT count(*) FROM events').pluck().get()).toBe(20);
    reader.close();
    await store.close();
  });

  it('syncs on demand for writes answered outside commit (the API hook awaits durable())', async () => {
    dir = makeTempDir();
    const path = `${dir.path}/hookline.db`;
    const store = createSqliteStore({ path, secretBox: createSecretBox('k') });
    store.db.exec('CREATE TABLE t (x)');
    store.db.prepare('INSERT INTO t VALUES (1)').run();
    await expect(store.durable()).resolves.toBeUndefined();
    await store.close();
  });

  it('shares one queued sync among the callers that arrive while another runs', async () => {
    dir = makeTempDir();
    const path = `${dir.path}/wal`;
    dir.file('wal', 'frames');
    const syncer = createWalSyncer(path);
    const first = syncer.sync();
    const second = syncer.sync();
    const third = syncer.sync();
    // The first is queued behind nothing and has not started: the others share it.
    expect(second).toBe(first);
    expect(third).toBe(first);
    await first;
    const after = syncer.sync();
    expect(after).not.toBe(first);
    await after;
    await syncer.close();
  });

  it('fails the callers of a sync that cannot run, and the next sync still runs', async () => {
    dir = makeTempDir();
    const syncer = createWalSyncer(`${dir.path}/missing-wal`);
    await expect(syncer.sync()).rejects.toThrow(/ENOENT/);
    dir.file('missing-wal', 'frames');
    await expect(syncer.sync()).resolves.toBeUndefined();
    await syncer.close();
  });
});
