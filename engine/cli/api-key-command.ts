/**
 * `hookline api-key create|list|revoke [--db PATH | --database-url URL]`: manages the API keys in
 * the engine's store (chosen by the same settings as `serve`), so the first key can be made before
 * any exists. Only a key's hash is stored; the key is printed once, at creation. Works whether or
 * not the engine is running (SQLite in WAL mode allows both); a revoked key is refused at its next request.
 */
import type { ApiKeyRecord, Store } from '../store/types.js';
import { type CommandContext, type CommandSpec, type FlagSpec, requireFlag, stringFlag } from './command.js';
import { table } from './format.js';
import { EXIT } from './remote.js';

const storeFlags: Record<string, FlagSpec> = {
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
  json: { type: 'boolean', doc: 'print JSON' },
};

/** Opens the engine's store as `serve` would, runs `work`, and closes it. */
async function withStore<T>(ctx: CommandContext, work: (store: Store, where: string) => Promise<T>): Promise<T> {
  // Loaded here, not at the top: only these commands need the store and its native module.
  const [{ loadConfig }, { createStore }] = await Promise.all([
    import('../config.js'),
    import('../store/create-store.js'),
  ]);
  const db = stringFlag(ctx.flags, 'db');
  const databaseUrl = stringFlag(ctx.flags, 'database-url');
  const flags = {
    ...(db === undefined ? {} : { db }),
    ...(databaseUrl === undefined ? {} : { 'database-url': databaseUrl }),
  };
  const config = loadConfig({ flags, env: ctx.env });
  const store = createStore(config, 'cli', undefined, false);
  try {
    await store.migrate();
    return await work(store, config.databaseUrl ? 'the PostgreSQL store' : config.dbPath);
  } finally {
    await store.close();
  }
}

const keysModule = () => import('../api/api-keys.js');

/** The `api-key create` command. */
export const apiKeyCreateCommand: CommandSpec = {
  name: 'api-key create',
  summary: 'Create an API key for the management API; the key is shown once.',
  flags: {
    name: { type: 'string', value: 'NAME', doc: 'what the key is for, e.g. ci or dashboard (required)' },
    organization: {
      type: 'string',
      value: 'ORG',
      doc: "scope the key to this organization's webhooks, deliveries and events",
    },
    ...storeFlags,
  },
  notes: ['Use it as: export HOOKLINE_API_KEY=<key>, or Authorization: Bearer <key> on /api/v1.'],
  async run(ctx) {
    const name = requireFlag(ctx.flags, 'name');
    const organization = stringFlag(ctx.flags, 'organization') ?? null;
    const { createApiKey, apiKeyJson } = await keysModule();
    return withStore(ctx, async (store, where) => {
      const { record, key } = await createApiKey(store, { name, organization });
      if (ctx.flags.json === true) ctx.io.out(JSON.stringify({ ...apiKeyJson(record), key }, null, 2));
      else {
        ctx.io.out(key);
        const scope = organization ? `, organization ${organization}` : '';
        ctx.io.err(`Created API key ${record.id} (${name}${scope}) in ${where}. Store it now: it is not shown again.`);
      }
      return EXIT.ok;
    });
  },
};

/** The `api-key list` command. */
export const apiKeyListCommand: CommandSpec = {
  name: 'api-key list',
  summary: 'List the API keys that are not revoked: name, organization, created, last used.',
  flags: storeFlags,
  async run(ctx) {
    const { apiKeyJson } = await keysModule();
    return withStore(ctx, async (store) => {
      const keys = await store.listApiKeys();
      if (ctx.flags.json === true) ctx.io.out(JSON.stringify(keys.map(apiKeyJson), null, 2));
      else
        for (const line of table<ApiKeyRecord>(keys, [
          { header: 'ID', cell: (k) => k.id },
          { header: 'NAME', cell: (k) => k.name },
          { header: 'PREFIX', cell: (k) => k.prefix },
          { header: 'ORGANIZATION', cell: (k) => k.organization ?? '(all)' },
          { header: 'CREATED', cell: (k) => k.createdAt },
          { header: 'LAST USED', cell: (k) => k.lastUsedAt ?? 'never' },
        ]))
          ctx.io.out(line);
      return EXIT.ok;
    });
  },
};

/** The `api-key revoke` command. */
export const apiKeyRevokeCommand: CommandSpec = {
  name: 'api-key revoke',
  summary: 'Revoke an API key: its next request is refused.',
  args: ['ID'],
  flags: storeFlags,
  async run(ctx) {
    const { revokeApiKey } = await keysModule();
    return withStore(ctx, async (store) => {
      await revokeApiKey(store, ctx.args[0]);
      if (ctx.flags.json === true) ctx.io.out(JSON.stringify({ success: true, id: ctx.args[0] }, null, 2));
      else ctx.io.err(`Revoked API key ${ctx.args[0]}.`);
      return EXIT.ok;
    });
  },
};

/** The API-key commands, in the order `hookline help` lists them. */
export const API_KEY_COMMANDS: readonly CommandSpec[] = [apiKeyCreateCommand, apiKeyListCommand, apiKeyRevokeCommand];
