/**
 * `hookline api-key create --name NAME [--db PATH]`: makes an API key in the local database (the
 * engine's, by the same `--db`/`HOOKLINE_DB` setting). Only the key's hash is stored; the key is
 * printed once. Works whether or not the engine is running (SQLite in WAL mode allows both).
 */
import { resolve } from 'node:path';
import { type CommandSpec, requireFlag, stringFlag } from './command.js';
import { EXIT } from './remote.js';

/** The `api-key create` command. */
export const apiKeyCreateCommand: CommandSpec = {
  name: 'api-key create',
  summary: 'Create an API key for the management API; the key is shown once.',
  flags: {
    name: { type: 'string', value: 'NAME', doc: 'what the key is for, e.g. ci or dashboard (required)' },
    db: {
      type: 'string',
      value: 'PATH',
      doc: 'SQLite database of the engine (env HOOKLINE_DB, default ./data/hookline.db)',
    },
    json: { type: 'boolean', doc: 'print {id, name, key} as JSON' },
  },
  notes: ['Use it as: export HOOKLINE_API_KEY=<key>, or Authorization: Bearer <key> on /api/v1.'],
  async run(ctx) {
    const name = requireFlag(ctx.flags, 'name');
    // Loaded here, not at the top: only this command needs the store and its native module.
    const [{ loadConfig }, { createSecretBox, resolveEncryptionKey }, { createSqliteStore }, { createApiKey }] =
      await Promise.all([
        import('../config.js'),
        import('../store/secret-box.js'),
        import('../store/sqlite-store.js'),
        import('../api/api-keys.js'),
      ]);
    const db = stringFlag(ctx.flags, 'db');
    const config = loadConfig({ flags: db === undefined ? {} : { db }, env: ctx.env });
    const dbPath = config.dbPath === ':memory:' ? ':memory:' : resolve(config.dbPath);
    const store = createSqliteStore({
      path: dbPath,
      secretBox: createSecretBox(resolveEncryptionKey(config.encryptionKey, dbPath)),
    });
    try {
      const { id, key } = await createApiKey(store, name);
      if (ctx.flags.json === true) ctx.io.out(JSON.stringify({ id, name, key }, null, 2));
      else {
        ctx.io.out(key);
        ctx.io.err(`Created API key ${id} (${name}) in ${dbPath}. Store it now: it is not shown again.`);
      }
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
