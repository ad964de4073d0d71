/**
 * A parked execution (the Wait node) survives SIGKILL: `hookline serve` as a child process parks a
 * run, is killed without any shutdown, and the next process resumes it from the store once due, with
 * the data from before the wait, and runs the nodes after the wait once. On SQLite the next process
 * is a restart on the same file; on PostgreSQL it is the survivor of two processes sharing a schema.
 *
 * The wait is an hour; "the hour passes" is a write to the parked row's due time in the store.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeBundles } from '../../bench/child.js';
import { chain, node } from '../fixtures/workflows.js';
import { createTestSchema, postgresAvailable, type TestSchema } from '../helpers/postgres.js';
import { settingsEnv, startServeProcess, type ServeProcess } from '../helpers/serve-process.js';
import { makeTempDir, type TempDir } from '../helpers/temp.js';
import { untilValue } from '../helpers/wait.js';

const API_KEY = 'wait-crash-admin-key';
const BEARER = 'wh_wait_crash_bearer_0123456789';
const START_TIMEOUT_MS = 120_000;

const workflow = {
  id: 'hour',
  name: 'Waits an hour',
  nodes: [
    node(
      'Hook',
      'n8n-nodes-hookline.webhookTrigger',
      { kind: 'workflow', authentication: 'bearer' },
      { credentials: { hooklineBearerApi: { name: 'Crash bearer' } } },
    ),
    node('Wait', 'n8n-nodes-base.wait', { amount: 1, unit: 'hours' }, { typeVersion: 1.1 }),
    node('After', 'hookline.set', {
      fields: { seen: "={{ $('Hook').first().json.body.input_data.n }}" },
      keepOnlySet: true,
    }),
  ],
  connections: chain('Hook', 'Wait', 'After'),
};

const withPostgres = await postgresAvailable();
const processes: ServeProcess[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const child of processes.splice(0)) child.kill();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(removeBundles);

function workspace(): TempDir {
  const dir = makeTempDir('hookline-wait-crash-');
  dir.file('hour.json', workflow);
  dir.file('credentials.json', [{ name: 'Crash bearer', type: 'hooklineBearerApi', data: { token: BEARER } }]);
  cleanups.push(() => dir.remove());
  return dir;
}

async function serve(env: Record<string, string>): Promise<ServeProcess> {
  const child = await startServeProcess({ env, apiKey: API_KEY, readyTimeoutMs: START_TIMEOUT_MS });
  processes.push(child);
  return child;
}

async function trigger(child: ServeProcess, n: number): Promise<string> {
  const response = await fetch(`${child.url}/webhooks/workflows/hour`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BEARER}`, 'content-type': 'application/json' },
    body: JSON.stringify({ input_data: { n } }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { execution_id: string }).execution_id;
}

interface ExecutionJson {
  status: string;
  output: unknown;
}

async function execution(child: ServeProcess, id: string): Promise<ExecutionJson> {
  const response = await fetch(`${child.url}/api/v1/executions/${id}`, {
    headers: { authorization: `Bearer ${API_KEY}` },
  });
  return (await response.json()) as ExecutionJson;
}

const untilStatus = (child: ServeProcess, id: string, status: string) =>
  untilValue(
    () => execution(child, id),
    (e) => e.status === status,
    `execution ${id} to be ${status}`,
    60_000,
  );

describe('a waiting execution across a crash', () => {
  it('resumes once in the restarted process after SIGKILL (SQLite file)', async () => {
    const dir = workspace();
    const dbPath = `${dir.path}/data/hookline.db`;
    // Every lifecycle row is kept, so the steps each run made can be counted.
    const env = settingsEnv({
      workflowsDir: dir.path,
      dbPath,
      apiKey: API_KEY,
      waitPollMs: 50,
      eventHistory: 'all',
      logLevel: 'warn',
    });
    const first = await serve(env);
    const id = await trigger(first, 42);
    await untilStatus(first, id, 'waiting');
    first.kill();
    await first.exited;

    const db = new Database(dbPath);
    try {
      expect(db.prepare('SELECT status FROM executions WHERE id = ?').pluck().get(id)).toBe('waiting');
      db.prepare('UPDATE execution_waits SET resume_at_ms = ? WHERE execution_id = ?').run(Date.now(), id);
    } finally {
      db.close();
    }

    const second = await serve(env);
    const done = await untilStatus(second, id, 'succeeded');
    expect(done.output).toEqual([{ seen: 42 }]);
    await second.stop();
    const after = new Database(dbPath, { readonly: true });
    try {
      const steps = after
        .prepare(
          `SELECT json_extract(data, '$.step.name') AS node FROM events WHERE type = 'workflow.step.completed'
            AND json_extract(data, '$.execution_id') = ?`,
        )
        .pluck()
        .all(id);
      expect(steps).toEqual(['Wait', 'After']);
      expect(after.prepare('SELECT count(*) FROM execution_waits').pluck().get()).toBe(0);
    } finally {
      after.close();
    }
  }, 300_000);

  it.skipIf(!withPostgres)(
    'is resumed by the surviving one of two PostgreSQL processes, once each, after the other is killed',
    async () => {
      const schema: TestSchema = await createTestSchema('waitcrash');
      cleanups.push(() => schema.drop());
      const dir = workspace();
      const env = settingsEnv({
        databaseUrl: schema.urlWithSchema,
        encryptionKey: 'wait-crash-shared-key',
        workflowsDir: dir.path,
        dbPath: `${dir.path}/unused.db`,
        apiKey: API_KEY,
        waitPollMs: 50,
        executionLeaseSec: 3,
        poolThreads: 1,
        pgPoolSize: 3,
        logLevel: 'warn',
      });
      const [victim, survivor] = await Promise.all([serve(env), serve(env)]);
      const ids: string[] = [];
      for (let n = 0; n < 6; n++) ids.push(await trigger(n % 2 ? survivor : victim, n));
      for (const id of ids) await untilStatus(survivor, id, 'waiting');
      victim.kill();
      await victim.exited;

      const db = new pg.Client({ connectionString: schema.urlWithSchema });
      await db.connect();
      cleanups.push(() => db.end());
      await db.query('UPDATE execution_waits SET resume_at_ms = $1', [Date.now()]);
      for (const [n, id] of ids.entries()) {
        const done = await untilStatus(survivor, id, 'succeeded');
        expect(done.output).toEqual([{ seen: n }]);
      }
      const { rows } = await db.query<{ id: string; runs: string }>(
        `SELECT data::json->>'execution_id' AS id, count(*) AS runs FROM events
          WHERE type = 'workflow.step.completed' AND data::json->'step'->>'name' = 'After' GROUP BY 1`,
      );
      expect(new Map(rows.map((row) => [row.id, Number(row.runs)]))).toEqual(new Map(ids.map((id) => [id, 1])));
      expect((await db.query('SELECT count(*)::int AS n FROM execution_waits')).rows[0]).toEqual({ n: 0 });
    },
    300_000,
  );
});
