/**
 * A real SQLite store in a fresh temp folder per test (pg-boss / graphile-worker style): make it
 * in `beforeEach`, `close()` it in `afterEach`, which also deletes the file. Never a mock.
 */
import { createSecretBox, type SecretBox } from '../../engine/store/secret-box.js';
import { createSqliteStore, type SqliteStore } from '../../engine/store/sqlite-store.js';
import { makeTempDir } from './temp.js';

let secretBox: SecretBox | undefined;

export interface TempStore {
  store: SqliteStore;
  path: string;
  /** Closes the database and removes its folder. */
  close(): Promise<void>;
}

export function createTempStore(): TempStore {
  // scrypt runs once per file, not once per test.
  secretBox ??= createSecretBox('test-key');
  const dir = makeTempDir('hookline-store-');
  const path = `${dir.path}/hookline.db`;
  const store = createSqliteStore({ path, secretBox, synchronous: 'NORMAL' });
  return {
    store,
    path,
    async close() {
      await store.close();
      dir.remove();
    },
  };
}
