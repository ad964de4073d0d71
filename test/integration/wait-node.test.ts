/**
 * n8n's Wait node on a real engine and store (SQLite file, or PostgreSQL with `--project postgres`):
 * a run parks in the store (`waiting` in the API) and resumes when due with the data from before the
 * wait; a stop request ends a waiting execution; a parked execution outlives the engine and resumes
 * in the next one; on PostgreSQL two engines resume each parked execution exactly once.
 *
 * Waits that must not end during a test are an hour long; "the hour passes" is a write to the parked
 * row's due time (the store's own column), so nothing here depends on how fast the machine is.
 */
import type { StoredEvent } from '../../engine/store/types.js';
import { chain, node } from '../fixtures/workflows.js';
import { describe, expect, it } from '../helpers/engine-fixture.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { TEST_STORE } from '../helpers/store.js';
import { until, untilValue } from '../helpers/wait.js';

const API_KEY = 'hk_admin_wait_0123456789';
const BEARER = 'wh_wait_bearer_0123456789';
const TRIGGER = 'n8n-nodes-hookline.webhookTrigger';
const credentials = [{ name: 'Wait bearer', type: 'hooklineBearerApi', data: { token: BEARER } }];

/** Hook → Wait → After, where After reads the trigger's item through an expression. */
const waiting = (id: string, waitParameters: Record<string, unknown>, typeVersion = 1.1) => ({
  id,
  name: id,
  nodes: [
    node(
      'Hook',
      TRIGGER,
      { kind: 'workflow', authentication: 'bearer' },
      {
        credentials: { hooklineBearerApi: { name: 'Wait bearer' } },
      },
    ),
    node('Wait', 'n8n-nodes-base.wait', waitParameters, { typeVersion }),
    node('After', 'hookline.set', {
      fields: { seen: "={{ $('Hook').first().json.body.input_data.n }}", after: true },
      keepOnlySet: true,
    }),
  ],
  connections: chain('Hook', 'Wait', 'After'),
});

const workflows = {
  hour: waiting('hour', { amount: 1, unit: 'hours' }),
  second: waiting('second', { resume: 'timeInterval', amount: 1, unit: 'seconds' }),
  defaults: waiting('defaults', {}, 1),
};

const engineOptions = { workflows, credentials, config: { apiKey: API_KEY, waitPollMs: 50 } };

const api = (running: TestEngine, path: string, method = 'GET') =>
  fetch(`${running.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${API_KEY}` } });

async function trigger(running: TestEngine, workflow: string, n: number): Promise<string> {
  const response = await fetch(`${running.url}/webhooks/workflows/${workflow}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BEARER}`, 'content-type': 'application/json' },
    body: JSON.stringify({ input_data: { n } }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { execution_id: string }).execution_id;
}

async function statusOf(running: TestEngine, id: string): Promise<string> {
  const response = await api(running, `/executions/${id}`);
  const body = (await response.json()) as { status?: string; data?: { status?: string } };
  return body.data?.status ?? body.status ?? `HTTP ${response.status}`;
}

const untilStatus = (running: TestEngine, id: string, status: string) =>
  untilValue(
    () => statusOf(running, id),
    (s) => s === status,
    `execution ${id} to be ${status}`,
    20_000,
  );

const stepsOf = async (running: TestEngine, id: string, name: string): Promise<StoredEvent[]> =>
  (await running.engine.store.listEvents({ type: 'workflow.step.completed', limit: 1000 })).filter(
    (e) =>
      (e.data as { execution_id?: string }).execution_id === id &&
      (e.data as { step: { name: string } }).step.name === name,
  );

/** The hour of a parked execution passes: its due time becomes now. */
const makeDue = (running: TestEngine, ids: string[]) =>
  running.sql(`UPDATE execution_waits SET resume_at_ms = ? WHERE execution_id IN (${ids.map(() => '?').join(',')})`, [
    Date.now(),
    ...ids,
  ]);

describe('the Wait node', () => {
  it('parks the run as waiting, and resumes it when due with the data from before the wait', async ({
    startEngine,
  }) => {
    const running = await startEngine(engineOptions);
    const id = await trigger(running, 'hour', 7);
    await untilStatus(running, id, 'waiting');
    const [parked] = await running.sql('SELECT resume_at_ms FROM execution_waits WHERE execution_id = ?', [id]);
    expect(Number(parked!.resume_at_ms)).toBeGreaterThan(Date.now() + 3_000_000);
    expect(await stepsOf(running, id, 'After')).toHaveLength(0);
    // The list filters by the new status too.
    const listed = (await (await api(running, '/executions?status=waiting')).json()) as {
      executions: { execution_id: string }[];
    };
    expect(listed.executions.map((e) => e.execution_id)).toContain(id);

    await makeDue(running, [id]);
    await untilStatus(running, id, 'succeeded');
    expect((await running.engine.store.getExecution(id))?.output).toEqual([{ seen: 7, after: true }]);
    expect(await stepsOf(running, id, 'Wait')).toHaveLength(1);
    expect(await stepsOf(running, id, 'After')).toHaveLength(1);
    expect(await running.sql('SELECT execution_id FROM execution_waits')).toEqual([]);
  });

  it('resumes a short wait by itself, at its time', async ({ startEngine }) => {
    const running = await startEngine(engineOptions);
    const id = await trigger(running, 'second', 3);
    await untilStatus(running, id, 'succeeded');
    expect((await running.engine.store.getExecution(id))?.output).toEqual([{ seen: 3, after: true }]);
  });

  it("applies n8n's v1 defaults (1 hour)", async ({ startEngine }) => {
    const running = await startEngine(engineOptions);
    const before = Date.now();
    const id = await trigger(running, 'defaults', 1);
    await untilStatus(running, id, 'waiting');
    const [parked] = await running.sql('SELECT resume_at_ms FROM execution_waits WHERE execution_id = ?', [id]);
    expect(Number(parked!.resume_at_ms)).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(Number(parked!.resume_at_ms)).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it('ends a waiting execution on a stop request: stopped, never resumed', async ({ startEngine }) => {
    const running = await startEngine(engineOptions);
    const id = await trigger(running, 'hour', 1);
    await untilStatus(running, id, 'waiting');
    const response = await api(running, `/executions/${id}/stop`, 'POST');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ success: true, execution_id: id, status: 'stopped' });
    expect(await running.sql('SELECT execution_id FROM execution_waits')).toEqual([]);
    const events = (await running.engine.store.listEvents({ limit: 1000 })).filter(
      (e) => (e.data as { execution_id?: string } | null)?.execution_id === id,
    );
    expect(events.map((e) => e.type)).toContain('workflow.stopped');
    expect(await stepsOf(running, id, 'After')).toHaveLength(0);
  });

  it('outlives its engine: the next engine on the store resumes it once due', async ({ startEngine }) => {
    const first = await startEngine(engineOptions);
    const id = await trigger(first, 'hour', 5);
    await untilStatus(first, id, 'waiting');
    await first.engine.stop();
    const second = await startTestEngine({ ...engineOptions, sharedStore: first.location });
    try {
      expect(await statusOf(second, id)).toBe('waiting');
      await makeDue(second, [id]);
      await untilStatus(second, id, 'succeeded');
      expect((await second.engine.store.getExecution(id))?.output).toEqual([{ seen: 5, after: true }]);
      expect(await stepsOf(second, id, 'After')).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it.skipIf(TEST_STORE !== 'postgres')(
    'resumes each parked execution exactly once with two engines on one PostgreSQL database',
    async ({ startEngine }) => {
      const first = await startEngine(engineOptions);
      const second = await startTestEngine({ ...engineOptions, sharedStore: first.location });
      try {
        const ids: string[] = [];
        for (let n = 0; n < 8; n++) ids.push(await trigger(n % 2 ? second : first, 'hour', n));
        for (const id of ids) await untilStatus(first, id, 'waiting');
        await makeDue(first, ids);
        for (const id of ids) await untilStatus(first, id, 'succeeded');
        for (const id of ids) expect(await stepsOf(first, id, 'After')).toHaveLength(1);
        await until(
          async () => (await first.sql('SELECT execution_id FROM execution_waits')).length === 0,
          'no parked rows',
        );
      } finally {
        await second.stop();
      }
    },
  );
});
