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
import { createTestSchema, type TestSchema } from './postgres.js';
import { makeTempDir } from './temp.js';

export type StoreKind = 'sqlite' | 'postgres';

/** The store this test run uses (the vitest project picks it). */
export const TEST_STORE: StoreKind = process.env.HOOKLINE_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** The key of every test store (the test engine's `encryptionKey` too). */
export const TEST_ENCRYPTION_KEY = 'test-key';

/** Connections per test store: tests run one statement at a time, and two forks share the server. */
const PG_POOL_SIZE = 3;

/** Where a test's database lives: a SQLite file, or a schema on the PostgreSQL test server. */
export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; schema: TestSchema };

/** Raw SQL (`?` placeholders) on a store's own database; returns the rows (none for a write). */
export type RawSql = (text: string, params?: unknown[]) => Promise<Row[]>;

export interface TempStore {
  kind: StoreKind;
  store: Store;
  /**
   * Raw SQL on this store's database, for the few reads and writes no store method offers (a row
   * changed behind the engine's back, a column as stored).
   */
  sql: RawSql;
  /** A second store on the same database, as a restarted process opens it (closed by `close()` too). */
  reopen(): Store;
  /** Closes the store (and any reopened one) and deletes its database. */
  close(): Promise<void>;
}

let secretBox: SecretBox | undefined;

/** Opens (without migrating) a store on `location`, as the engine would with the test key. */
export function openTestStore(location: StoreLocation): Store {
  // scrypt runs once per file, not once per store.
  secretBox ??= createSecretBox(TEST_ENCRYPTION_KEY);
  if (location.kind === 'sqlite') return createSqliteStore({ path: location.path, secretBox, synchronous: 'NORMAL' });
  return createPostgresStore({
    connectionString: location.schema.url,
    schema: location.schema.schema,
    secretBox,
    poolSize: PG_POOL_SIZE,
  });
}

/** Raw SQL through a store's own connection: `?` placeholders on both stores. */
export function rawSql(store: Store): RawSql {
  if (store.kind === 'sqlite') {
    const { db } = store as SqliteStore;
    return async (text, params = []) => {
      const statement = db.prepare(text);
      if (statement.reader) return statement.all(...params) as Row[];
      statement.run(...params);
      return [];
    };
  }
  const { pool } = store as PostgresStore;
  return async (text, params = []) => (await pool.query(numbered(text), params)).rows as Row[];
}

export async function createTempStore(): Promise<TempStore> {
  const dir = TEST_STORE === 'sqlite' ? makeTempDir('hookline-store-') : undefined;
  const location: StoreLocation = dir
    ? { kind: 'sqlite', path: `${dir.path}/hookline.db` }
    : { kind: 'postgres', schema: await createTestSchema('store') };
  const opened: Store[] = [];
  const open = (): Store => {
    const store = openTestStore(location);
    opened.push(store);
    return store;
  };
  const close = async (): Promise<void> => {
    for (const store of opened) await store.close();
    if (location.kind === 'postgres') await location.schema.drop();
    dir?.remove();
  };
  const store = open();
  try {
    await store.migrate();
  } catch (error) {
    await close();
    throw error;
  }
  return { kind: TEST_STORE, store, sql: rawSql(store), reopen: open, close };
}

/** The SQLite connection under a temp store, for the few tests marked SQLite-only (`describe.skipIf`). */
export function sqliteDb(temp: TempStore): Database.Database {
  if (temp.kind !== 'sqlite') throw new Error('sqliteDb: this test runs on SQLite only (mark it skipIf)');
  return (temp.store as SqliteStore).db;
}
