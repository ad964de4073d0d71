/**
 * Starts a real engine on 127.0.0.1 port 0 on the test run's store (test/helpers/store.ts): a real
 * SQLite file in a temp folder, or with HOOKLINE_TEST_STORE=postgres a fresh schema on the test
 * server, chosen through `databaseUrl` as an operator would. `stop()` deletes either.
 */
import type { INodeType } from 'n8n-workflow';
import { loadConfig, type HooklineConfig } from '../../engine/config.js';
import { createEngine, type Engine } from '../../engine/index.js';
import type { Dispatcher } from '../../engine/pool/types.js';
import type { Store } from '../../engine/store/types.js';
import { createTestSchema } from './postgres.js';
import { openTestStore, rawSql, TEST_ENCRYPTION_KEY, TEST_STORE, type RawSql, type StoreLocation } from './store.js';
import { makeTempDir, type TempDir } from './temp.js';

/** Connections of a test engine on PostgreSQL (plus its listener): two forks share the server. */
const PG_POOL_SIZE = 4;

export interface TestEngine {
  engine: Engine;
  url: string;
  dir: TempDir;
  /** The SQLite file (unused on PostgreSQL: tests that open it are SQLite-only). */
  dbPath: string;
  /** Raw SQL (`?` placeholders) on the engine's database, through the engine's own store. */
  sql: RawSql;
  /** A new store on the engine's database, as a restarted process opens it; the caller closes it. */
  reopenStore(): Store;
  /** Where its database is: another engine started with `sharedStore` set to it works on the same one. */
  location: StoreLocation;
  stop(): Promise<void>;
}

export async function startTestEngine(
  options: {
    workflows?: Record<string, unknown>;
    credentials?: unknown[];
    config?: Partial<Record<keyof HooklineConfig, unknown>>;
    nodeTypes?: Record<string, INodeType>;
    env?: Record<string, string>;
    /** Sends outgoing webhooks; defaults to the engine's own piscina pool. */
    dispatcher?: Dispatcher;
    /**
     * Writes to the engine's database before the engine opens it, as an earlier run left it: the
     * store is opened, migrated, handed over and closed.
     */
    prepare?: (store: Store) => Promise<void>;
    /** Another engine's database (`TestEngine.location`), as a second process on it; that engine removes it. */
    sharedStore?: StoreLocation;
  } = {},
): Promise<TestEngine> {
  const dir = makeTempDir();
  for (const [name, workflow] of Object.entries(options.workflows ?? {}))
    dir.file(name.endsWith('.json') ? name : `${name}.json`, workflow);
  if (options.credentials) dir.file('credentials.json', options.credentials);
  const dbPath = `${dir.path}/data/hookline.db`;
  const location: StoreLocation =
    options.sharedStore ??
    (TEST_STORE === 'postgres'
      ? { kind: 'postgres', schema: await createTestSchema('engine') }
      : { kind: 'sqlite', path: dbPath });
  const remove = async (): Promise<void> => {
    if (location.kind === 'postgres' && !options.sharedStore) await location.schema.drop();
    dir.remove();
  };
  let engine: Engine | undefined;
  try {
    if (options.prepare) await prepareStore(location, options.prepare);
    const config = loadConfig({
      overrides: {
        port: 0,
        host: '127.0.0.1',
        workflowsDir: dir.path,
        dbPath: location.kind === 'sqlite' ? location.path : dbPath,
        ...(location.kind === 'postgres'
          ? { databaseUrl: location.schema.urlWithSchema, pgPoolSize: PG_POOL_SIZE }
          : {}),
        logLevel: 'silent',
        encryptionKey: TEST_ENCRYPTION_KEY,
        allowPrivateTargets: true,
        poolThreads: 1,
        // Most tests read the lifecycle rows of their runs; event-history.test.ts runs the default.
        eventHistory: 'all',
        ...options.config,
      },
    });
    engine = createEngine({
      config,
      nodeTypes: options.nodeTypes,
      env: options.env ?? {},
      dispatcher: options.dispatcher,
    });
    // A PostgreSQL run that quietly ran on SQLite would prove nothing.
    if (location.kind === 'postgres' && engine.store.kind !== 'postgres')
      throw new Error(`test engine: expected a PostgreSQL store, the engine opened ${engine.store.kind}`);
    const { url } = await engine.start();
    return testEngine(engine, url);
  } catch (error) {
    await engine?.stop().catch(() => undefined);
    await remove();
    throw error;
  }

  function testEngine(engine: Engine, url: string): TestEngine {
    return {
      engine,
      url,
      dir,
      dbPath,
      sql: (text, params) => rawSql(engine.store)(text, params),
      reopenStore: () => openTestStore(location),
      location,
      async stop() {
        await engine.stop();
        await remove();
      },
    };
  }
}

async function prepareStore(location: StoreLocation, prepare: (store: Store) => Promise<void>): Promise<void> {
  const store = openTestStore(location);
  try {
    await store.migrate();
    await prepare(store);
  } finally {
    await store.close();
  }
}
