/**
 * Picks the store: PostgreSQL when a database URL is set (several processes may share it),
 * else the embedded SQLite file. Both implement the same `Store` contract.
 */
import { resolve } from 'node:path';
import type { HooklineConfig } from '../config.js';
import { Errors } from '../errors.js';
import type { Logger } from '../logger.js';
import { createPostgresStore } from './postgres/pg-store.js';
import { createSecretBox, resolveEncryptionKey } from './secret-box.js';
import { createSqliteStore } from './sqlite-store.js';
import type { Store } from './types.js';

/**
 * @param checkpointThread - Whether a SQLite store copies its WAL on a thread of its own
 *   (wal-checkpointer.ts): an engine's does; a CLI command that writes a row or two need not start one.
 */
export function createStore(config: HooklineConfig, owner: string, log?: Logger, checkpointThread = true): Store {
  if (config.databaseUrl) {
    // A key file would differ per machine: every process must be given the same key.
    if (!config.encryptionKey)
      throw Errors.INVALID_CONFIG(
        'Invalid configuration: HOOKLINE_ENCRYPTION_KEY must be set with DATABASE_URL (every process must share it)',
        { details: { field: 'encryptionKey', source: 'environment variable HOOKLINE_ENCRYPTION_KEY' } },
      );
    return createPostgresStore({
      connectionString: config.databaseUrl,
      poolSize: config.pgPoolSize,
      secretBox: createSecretBox(config.encryptionKey),
      owner,
    });
  }
  const dbPath = config.dbPath === ':memory:' ? ':memory:' : resolve(config.dbPath);
  const secretBox = createSecretBox(resolveEncryptionKey(config.encryptionKey, dbPath, log));
  return createSqliteStore({ path: dbPath, secretBox, owner, log, checkpointThread });
}
