/** Starts a real engine on 127.0.0.1 port 0 with a real SQLite file in a temp folder. */
import type { INodeType } from 'n8n-workflow';
import { loadConfig, type HooklineConfig } from '../../engine/config.js';
import { createEngine, type Engine } from '../../engine/index.js';
import type { Dispatcher } from '../../engine/pool/types.js';
import { makeTempDir, type TempDir } from './temp.js';

export interface TestEngine {
  engine: Engine;
  url: string;
  dir: TempDir;
  dbPath: string;
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
  } = {},
): Promise<TestEngine> {
  const dir = makeTempDir();
  for (const [name, workflow] of Object.entries(options.workflows ?? {}))
    dir.file(name.endsWith('.json') ? name : `${name}.json`, workflow);
  if (options.credentials) dir.file('credentials.json', options.credentials);
  const dbPath = `${dir.path}/data/hookline.db`;
  const config = loadConfig({
    overrides: {
      port: 0,
      host: '127.0.0.1',
      workflowsDir: dir.path,
      dbPath,
      logLevel: 'silent',
      encryptionKey: 'test-key',
      allowPrivateTargets: true,
      poolThreads: 1,
      ...options.config,
    },
  });
  const engine = createEngine({
    config,
    nodeTypes: options.nodeTypes,
    env: options.env ?? {},
    dispatcher: options.dispatcher,
  });
  const { url } = await engine.start();
  return {
    engine,
    url,
    dir,
    dbPath,
    async stop() {
      await engine.stop();
      dir.remove();
    },
  };
}
