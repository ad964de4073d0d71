/**
 * What every benchmark engine shares: a temp folder with the bench workflow and its credentials,
 * a temp SQLite file, settings fit for load (no rate limit, loopback receivers allowed, quiet
 * logs), and its own process. Real engines only: the figures are meant to be what a user gets.
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HooklineConfig } from '../engine/config.js';
import { startChild, type ChildHandle } from './child.js';

/** The repo's examples folder, from sources (bench/) or from dist/bench/. */
const EXAMPLES_DIR = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../examples/' : '../examples/', import.meta.url),
);

export const BEARER_TOKEN = 'bench_bearer_0123456789abcdef';
export const TRIGGER_PATH = '/webhooks/workflows/bench';

/** The ingress request, the same bytes for Hookline, fastify and n8n. */
export const INGRESS_BODY = JSON.stringify({
  input_data: { name: 'Ada Lovelace', email: 'ada@example.com', age: 36, tags: ['vip', 'beta'] },
  trigger_source: 'bench',
  metadata: { form_id: 'contact_v2' },
});

/** Bearer auth and a unique idempotency key per request (`[<id>]` is autocannon's placeholder). */
const INGRESS_HEADERS_BASE = { 'content-type': 'application/json', 'idempotency-key': '[<id>]' };
export const INGRESS_HEADERS = { ...INGRESS_HEADERS_BASE, authorization: `Bearer ${BEARER_TOKEN}` };

/** A trigger URL path and the headers its requests carry. */
export interface TriggerTarget {
  path: string;
  headers: Record<string, string>;
}

export const BENCH_TRIGGER: TriggerTarget = { path: TRIGGER_PATH, headers: INGRESS_HEADERS };
/** The bundled contact-form example's trigger and the bearer token its example credentials hold. */
export const CONTACT_FORM: TriggerTarget = {
  path: '/webhooks/workflows/contact-form',
  headers: { ...INGRESS_HEADERS_BASE, authorization: 'Bearer wh_demo_bearer_change_me' },
};

/** Trigger (bearer auth, ajv input schema) → NoOp: the shape of the n8n peer's Webhook → NoOp. */
const BENCH_WORKFLOW = {
  id: 'bench',
  name: 'bench',
  nodes: [
    {
      id: 'hook',
      name: 'Hook',
      type: 'n8n-nodes-hookline.webhookTrigger',
      typeVersion: 1,
      position: [0, 0],
      parameters: { kind: 'workflow', authentication: 'bearer' },
      credentials: { hooklineBearerApi: { name: 'Bench bearer' } },
    },
    { id: 'noop', name: 'NoOp', type: 'hookline.noOp', typeVersion: 1, position: [200, 0], parameters: {} },
  ],
  connections: { Hook: { main: [[{ node: 'NoOp', type: 'main', index: 0 }]] } },
  settings: {
    inputSchema: {
      type: 'object',
      required: ['email'],
      properties: {
        name: { type: 'string' },
        email: { type: 'string', format: 'email' },
        age: { type: 'integer' },
        tags: { type: 'array', items: { type: 'string' } },
      },
    },
  },
};

export interface BenchDir {
  path: string;
  dbPath: string;
  remove(): void;
}

/** A temp folder holding the bench workflow, its credentials file and (later) the database. */
export function makeBenchDir(): BenchDir {
  const path = mkdtempSync(join(tmpdir(), 'hookline-bench-'));
  writeFileSync(join(path, 'bench.json'), JSON.stringify(BENCH_WORKFLOW));
  // The bundled contact-form example too (trigger → Set with expressions → sender node): the shape of
  // a real workflow, which the overload figure loads as the issue that asked for it did.
  copyFileSync(join(EXAMPLES_DIR, 'contact-form.json'), join(path, 'contact-form.json'));
  const exampleCredentials = JSON.parse(readFileSync(join(EXAMPLES_DIR, 'credentials.json'), 'utf8')) as unknown[];
  writeFileSync(
    join(path, 'credentials.json'),
    JSON.stringify([
      { name: 'Bench bearer', type: 'hooklineBearerApi', data: { token: BEARER_TOKEN } },
      ...exampleCredentials,
    ]),
  );
  return {
    path,
    dbPath: join(path, 'data', 'hookline.db'),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** Settings for a bench engine; everything else keeps its default (durability included). */
export function benchOverrides(
  dir: BenchDir,
  extra: Partial<Record<keyof HooklineConfig, unknown>> = {},
): Partial<Record<keyof HooklineConfig, unknown>> {
  return {
    port: 0,
    host: '127.0.0.1',
    workflowsDir: dir.path,
    dbPath: dir.dbPath,
    logLevel: 'silent',
    encryptionKey: 'bench-encryption-key',
    allowPrivateTargets: true,
    rateLimitPerMinute: 0,
    maxSubscriptionsPerWorkspace: 100_000,
    ...extra,
  };
}

export interface EngineProcess {
  child: ChildHandle;
  url: string;
  dbPath: string;
  /** Stops the engine (cleanly, unless it was killed) and deletes its folder. */
  stop(): Promise<void>;
}

/** A real engine in its own process (engine-process.ts) on a fresh folder and database. */
export async function startEngineProcess(
  extra: Partial<Record<keyof HooklineConfig, unknown>> = {},
  mode: { inline?: boolean } = {},
): Promise<EngineProcess> {
  const dir = makeBenchDir();
  try {
    const child = await startChild('engine-process', [
      JSON.stringify(benchOverrides(dir, extra)),
      JSON.stringify(mode),
    ]);
    return {
      child,
      url: String(child.info.url),
      dbPath: dir.dbPath,
      async stop() {
        // A backlog of a million rows can take a while to close cleanly.
        await child.close(60_000);
        dir.remove();
      },
    };
  } catch (error) {
    dir.remove();
    throw error;
  }
}

/** Rows in a table of a (stopped or killed) engine's database; opening replays its WAL, as a restart would. */
export function countRows(dbPath: string, table: 'deliveries' | 'executions'): number {
  const db = new Database(dbPath);
  try {
    return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  } finally {
    db.close();
  }
}
