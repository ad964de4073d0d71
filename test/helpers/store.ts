/**
 * A real store per test (pg-boss / graphile-worker style): make it in `beforeEach`, `close()` it in
 * `afterEach`, which also deletes it. Never a mock.
 *
 * Which store follows `HOOKLINE_TEST_STORE`: `sqlite` (the default: a file in a fresh temp folder)
 * or `postgres` (a fresh schema on the test server, see postgres.ts). The vitest project `postgres`
 * sets it, so one suite runs against both stores and no test is written twice.
 */
import type Database from 'better-sqlite3';
import { numbered } from '../../engine/store/postgres/pg-db.js';
import { createPostgresStore, type PostgresStore } from '../../engine/store/postgres/pg-store.js';
import type { Row } from '../../engine/store/rows.js';
import { createSecretBox, type SecretBox } from '../../engine/store/secret-box.js';
import { createSqliteStore, type SqliteStore } from '../../engine/store/sqlite-store.js';
import type { Store } from '../../engine/store/types.js';
import { createTestSchema } from './postgres.js';
import { makeTempDir } from './temp.js';

export type StoreKind = 'sqlite' | 'postgres';

/** The store this test run uses (the vitest project picks it). */
export const TEST_STORE: StoreKind = process.env.HOOKLINE_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** Connections per test store: tests run one statement at a time, and two forks share the server. */
const PG_POOL_SIZE = 3;

let secretBox: SecretBox | undefined;

export interface TempStore {
  kind: StoreKind;
  store: Store;
  /**
   * Raw SQL (`?` placeholders) on this store's database, for the few reads and writes no store
   * method offers (a row changed behind the engine's back, a column as stored); returns the rows.
   */
  sql(text: string, params?: unknown[]): Promise<Row[]>;
  /** A second store on the same database, as a restarted process opens it (closed by `close()` too). */
  reopen(): Store;
  /** Closes the store (and any left open) and deletes its database. */
  close(): Promise<void>;
}

export async function createTempStore(): Promise<TempStore> {
  // scrypt runs once per file, not once per test.
  secretBox ??= createSecretBox('test-key');
  return TEST_STORE === 'postgres' ? createPostgresTempStore(secretBox) : createSqliteTempStore(secretBox);
}

function createSqliteTempStore(box: SecretBox): TempStore {
  const dir = makeTempDir('hookline-store-');
  const path = `${dir.path}/hookline.db`;
  const opened: Store[] = [];
  const open = (): SqliteStore => {
    const store = createSqliteStore({ path, secretBox: box, synchronous: 'NORMAL' });
    opened.push(store);
    return store;
  };
  const store = open();
  return {
    kind: 'sqlite',
    store,
    async sql(text, params = []) {
      const statement = store.db.prepare(text);
      if (statement.reader) return statement.all(...params) as Row[];
      statement.run(...params);
      return [];
    },
    reopen: open,
    async close() {
      for (const each of opened) await each.close();
      dir.remove();
    },
  };
}

async function createPostgresTempStore(box: SecretBox): Promise<TempStore> {
  const schema = await createTestSchema('store');
  const opened: Store[] = [];
  const open = (): PostgresStore => {
    const store = createPostgresStore({
      connectionString: schema.url,
      schema: schema.schema,
      secretBox: box,
      poolSize: PG_POOL_SIZE,
    });
    opened.push(store);
    return store;
  };
  const store = open();
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    await schema.drop();
    throw error;
  }
  return {
    kind: 'postgres',
    store,
    async sql(text, params = []) {
      return (await store.pool.query(numbered(text), params)).rows as Row[];
    },
    reopen: open,
    async close() {
      for (const each of opened) await each.close();
      await schema.drop();
    },
  };
}

/** The SQLite connection under a temp store, for the few tests marked SQLite-only (`describe.skipIf`). */
export function sqliteDb(temp: TempStore): Database.Database {
  if (temp.kind !== 'sqlite') throw new Error('sqliteDb: this test runs on SQLite only (mark it skipIf)');
  return (temp.store as SqliteStore).db;
}
