/**
 * `hookline api-key create --name NAME [--db PATH | --database-url URL]`: makes an API key in the
 * engine's store (chosen by the same settings as `serve`). Only the key's hash is stored; the key
 * is printed once. Works whether or not the engine is running (SQLite in WAL mode allows both).
 */
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
    'database-url': {
      type: 'string',
      value: 'URL',
      doc: 'PostgreSQL store of the engine instead (env DATABASE_URL; needs HOOKLINE_ENCRYPTION_KEY)',
    },
    json: { type: 'boolean', doc: 'print {id, name, key} as JSON' },
  },
  notes: ['Use it as: export HOOKLINE_API_KEY=<key>, or Authorization: Bearer <key> on /api/v1.'],
  async run(ctx) {
    const name = requireFlag(ctx.flags, 'name');
    // Loaded here, not at the top: only this command needs the store and its native module.
    const [{ loadConfig }, { createStore }, { createApiKey }] = await Promise.all([
      import('../config.js'),
      import('../store/create-store.js'),
      import('../api/api-keys.js'),
    ]);
    const db = stringFlag(ctx.flags, 'db');
    const databaseUrl = stringFlag(ctx.flags, 'database-url');
    const flags = {
      ...(db === undefined ? {} : { db }),
      ...(databaseUrl === undefined ? {} : { 'database-url': databaseUrl }),
    };
    const config = loadConfig({ flags, env: ctx.env });
    const store = createStore(config, 'cli');
    const where = config.databaseUrl ? 'the PostgreSQL store' : config.dbPath;
    try {
      await store.migrate();
      const { id, key } = await createApiKey(store, name);
      if (ctx.flags.json === true) ctx.io.out(JSON.stringify({ id, name, key }, null, 2));
      else {
        ctx.io.out(key);
        ctx.io.err(`Created API key ${id} (${name}) in ${where}. Store it now: it is not shown again.`);
      }
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
