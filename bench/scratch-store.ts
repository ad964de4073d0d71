/**
 * A throwaway store of the engine's own kind (SQLite, the engine's schema, pragmas and checkpoint
 * thread) in a temporary folder that closing removes: the ceiling figures write through it, so what
 * they measure is the store the engine uses, not a look-alike.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecretBox } from '../engine/store/secret-box.js';
import { createSqliteStore, type SqliteStore } from '../engine/store/sqlite-store.js';

export interface ScratchStore {
  store: SqliteStore;
  /** Closes the store and removes its folder. */
  close(): Promise<void>;
}

/** Opens (and migrates) a new store whose files start with `name`. */
export async function openScratchStore(name: string): Promise<ScratchStore> {
  const folder = mkdtempSync(join(tmpdir(), `hookline-${name}-`));
  const store = createSqliteStore({
    path: join(folder, `${name}.db`),
    secretBox: createSecretBox(randomBytes(32).toString('base64')),
    owner: name,
  });
  await store.migrate();
  return {
    store,
    async close() {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
