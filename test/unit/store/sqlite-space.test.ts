/**
 * The embedded store's side of retention: each cleanup statement reads only what it deletes (SQLite's
 * own planner is asked), a new file gives the pages the cleaner freed back to the file system
 * (incremental auto-vacuum), and a file made before that reuses them, until one `VACUUM` switches it.
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_SQL } from '../../../engine/store/sqlite-history.js';
import type { SqliteStore } from '../../../engine/store/sqlite-store.js';
import type { Store } from '../../../engine/store/types.js';
import { DAY_MS, seedClosedHistory } from '../../helpers/history.js';
import { createTempStore, openTestStore, sqliteDb, TEST_STORE, type TempStore } from '../../helpers/store.js';
import { makeTempDir, type TempDir } from '../../helpers/temp.js';

const GROWING = ['deliveries', 'events', 'executions', 'attempts'];
const OLD = Date.now() - 40 * DAY_MS;

/** Steps that read a growing table end to end or sort it: a batch would then cost the whole history. */
function fullReads(db: Database.Database, sql: string): string[] {
  const explained = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const steps = (explained.all(...Array(sql.split('?').length - 1).fill(null)) as { detail: string }[]).map(
    (row) => row.detail,
  );
  return steps.filter(
    (step) => GROWING.some((table) => new RegExp(`^SCAN ${table}\\b`).test(step)) || step.includes('TEMP B-TREE'),
  );
}

const pragma = (db: Database.Database, name: string): number => Number(db.pragma(name, { simple: true }));

async function purgeEverything(store: Store): Promise<void> {
  while ((await store.purgeHistory(Date.now(), 500)).more);
}

describe.skipIf(TEST_STORE !== 'sqlite')('retention on the SQLite file', () => {
  let temp: TempStore;
  beforeEach(async () => {
    temp = await createTempStore();
  });
  afterEach(async () => {
    await temp.close();
  });

  it.each(Object.entries(HISTORY_SQL))('%s reads through an index, never the whole table', (_name, sql) => {
    const db = sqliteDb(temp);
    expect(fullReads(db, sql)).toEqual([]);
  });

  it('gives the freed pages of a new file back to the file system, and keeps the file private', async () => {
    const db = sqliteDb(temp);
    expect(pragma(db, 'auto_vacuum')).toBe(2);
    await seedClosedHistory(temp.store, 'old', 600, OLD);
    const full = pragma(db, 'page_count');
    await purgeEverything(temp.store);
    expect(pragma(db, 'freelist_count')).toBeGreaterThan(0);
    let reclaimed = 0;
    for (let step; (step = await temp.store.reclaimSpace(64)) > 0;) reclaimed += step;
    expect(pragma(db, 'freelist_count')).toBe(0);
    expect(pragma(db, 'page_count')).toBe(full - reclaimed);
    expect(reclaimed).toBeGreaterThan(0);
    expect(statSync(db.name).mode & 0o777).toBe(0o600);
  });
});

describe.skipIf(TEST_STORE !== 'sqlite')('retention on a SQLite file made without auto-vacuum', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = makeTempDir('hookline-space-');
  });
  afterEach(() => {
    dir.remove();
  });

  it('reuses the freed pages, and one VACUUM switches the file to giving them back', async () => {
    const path = `${dir.path}/old.db`;
    // As an older engine made it: a table before any auto-vacuum setting.
    const before = new Database(path);
    before.exec('CREATE TABLE kept_by_the_operator (x)');
    before.close();
    let store = openTestStore({ kind: 'sqlite', path });
    await store.migrate();
    const db = (): Database.Database => (store as SqliteStore).db;
    expect(pragma(db(), 'auto_vacuum')).toBe(0);
    await seedClosedHistory(store, 'a', 400, OLD);
    await purgeEverything(store);
    const free = pragma(db(), 'freelist_count');
    expect(free).toBeGreaterThan(0);
    expect(await store.reclaimSpace(64)).toBe(0);
    await seedClosedHistory(store, 'b', 400, OLD);
    expect(pragma(db(), 'freelist_count')).toBeLessThan(free);
    await store.close();

    const operator = new Database(path);
    operator.exec('PRAGMA auto_vacuum = INCREMENTAL; VACUUM;');
    operator.close();
    store = openTestStore({ kind: 'sqlite', path });
    try {
      expect(pragma(db(), 'auto_vacuum')).toBe(2);
      await purgeEverything(store);
      expect(await store.reclaimSpace(1_000_000)).toBeGreaterThan(0);
      expect(pragma(db(), 'freelist_count')).toBe(0);
    } finally {
      await store.close();
    }
  });
});
