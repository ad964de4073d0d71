/**
 * Stopping executions over real sockets: `POST /api/v1/executions/{id}/stop` (and the SDK and CLI on
 * top of it) ends a running execution at its node boundary and a queued one without running it,
 * emitting `workflow.stopped` (and `agent.stopped` for an agent); a finished one is a 409 in the
 * error shape, an unknown id a 404. On PostgreSQL a second engine on the same database asks, and
 * the engine that runs the execution stops it (store-mediated).
 */
import { main } from '../../engine/cli.js';
import { createEngine } from '../../engine/index.js';
import { loadConfig } from '../../engine/config.js';
import { Hookline } from '../../engine/sdk/index.js';
import type { StoredEvent } from '../../engine/store/types.js';
import { newExecution } from '../../engine/workflow/execution-record.js';
import { blockingNode } from '../fixtures/blocking-node.js';
import { chain, node } from '../fixtures/workflows.js';
import { describe, expect, it } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/engine.js';
import { TEST_STORE } from '../helpers/store.js';
import { nextEvent, until } from '../helpers/wait.js';

const API_KEY = 'hk_admin_stop_0123456789';
const BEARER = 'wh_stop_bearer_0123456789';
const URL_TOKEN = 'wh_stop_url_0123456789';
const TRIGGER = 'n8n-nodes-hookline.webhookTrigger';

const credentials = [
  { name: 'Stop bearer', type: 'hooklineBearerApi', data: { token: BEARER } },
  { name: 'Stop token', type: 'hooklineTokenApi', data: { token: URL_TOKEN } },
];

const slow = (id: string, parameters: Record<string, unknown>, credential: Record<string, { name: string }>) => ({
  id,
  name: id,
  nodes: [
    node('Hook', TRIGGER, parameters, { credentials: credential }),
    node('Block', 'test.block'),
    node('After', 'hookline.set', { fields: { after: true } }),
  ],
  connections: chain('Hook', 'Block', 'After'),
});

const workflows = {
  slow: slow('slow', { kind: 'workflow', authentication: 'bearer' }, { hooklineBearerApi: { name: 'Stop bearer' } }),
  'slow-agent': slow(
    'slow-agent',
    { kind: 'agent', agentId: 'slow-bot', authentication: 'urlToken' },
    { hooklineTokenApi: { name: 'Stop token' } },
  ),
};

const engineOptions = {
  workflows,
  credentials,
  nodeTypes: { 'test.block': blockingNode.type },
  config: { apiKey: API_KEY, executionStopPollMs: 50 },
};

const api = (running: TestEngine, path: string, method = 'GET') =>
  fetch(`${running.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${API_KEY}` } });

/** Starts `slow` (or the agent) over HTTP and resolves once its Block node runs. */
async function startBlocked(running: TestEngine, agent = false, body: Record<string, unknown> = {}): Promise<string> {
  const started = nextEvent(blockingNode.events, 'started');
  const response = agent
    ? await fetch(`${running.url}/webhooks/agents/slow-bot?token=${URL_TOKEN}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'hold on', ...body }),
      })
    : await fetch(`${running.url}/webhooks/workflows/slow`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BEARER}`, 'content-type': 'application/json' },
        body: JSON.stringify({ input_data: {}, ...body }),
      });
  expect(response.status).toBe(202);
  const { execution_id: id } = (await response.json()) as { execution_id: string };
  for (;;) if ((await started)[0] === id) return id;
}

const eventsOf = async (running: TestEngine, executionId: string): Promise<StoredEvent[]> =>
  (await running.engine.store.listEvents({ limit: 1000 })).filter(
    (e) => (e.data as { execution_id?: string } | null)?.execution_id === executionId,
  );

describe('stopping executions', () => {
  it('stops a running workflow at its node boundary and emits workflow.stopped', async ({ startEngine }) => {
    const running = await startEngine(engineOptions);
    const id = await startBlocked(running);
    const aborted = nextEvent(blockingNode.events, 'aborted');
    const response = await api(running, `/executions/${id}/stop`, 'POST');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ success: true, execution_id: id, status: 'stopped' });
    expect((await aborted)[0]).toBe(id);
    const types = (await eventsOf(running, id)).map((e) => e.type);
    expect(types).toContain('workflow.stopped');
    expect(types).not.toContain('workflow.completed');
    const stopped = (await eventsOf(running, id)).find((e) => e.type === 'workflow.stopped')!;
    expect(stopped.data).toMatchObject({ workflow_id: 'slow', status: 'stopped', workflow: { status: 'stopped' } });
    // The node after the boundary never ran.
    expect((await running.engine.store.getExecution(id))?.status).toBe('stopped');
    expect(types.filter((t) => t === 'workflow.step.completed')).toHaveLength(0);
  });

  it('stops a node that ignores the signal, and answers 409 for a finished and 404 for an unknown execution', async ({
    startEngine,
  }) => {
    const running = await startEngine(engineOptions);
    const id = await startBlocked(running, false, { ignoreSignal: true });
    const client = new Hookline({ baseUrl: running.url, apiKey: API_KEY });
    expect(await client.executions.stop(id)).toMatchObject({ status: 'stopped' });
    const again = await api(running, `/executions/${id}/stop`, 'POST');
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      success: false,
      error: { code: 'CONFLICT', details: { execution_id: id, status: 'stopped' } },
    });
    const unknown = await api(running, '/executions/exec_unknown/stop', 'POST');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });

  it('stops a running agent with the CLI and emits agent.stopped with workflow.stopped', async ({ startEngine }) => {
    const running = await startEngine(engineOptions);
    const id = await startBlocked(running, true, { context: { conversation_id: 'conv_stop' } });
    const out: string[] = [];
    const code = await main(
      ['executions', 'stop', id],
      { out: (line) => out.push(line), err: (line) => out.push(line) },
      { HOOKLINE_URL: running.url, HOOKLINE_API_KEY: API_KEY },
    );
    expect(code).toBe(0);
    expect(out).toEqual([`${id} stopped`]);
    const events = await eventsOf(running, id);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['workflow.stopped', 'agent.stopped']));
    expect(events.find((e) => e.type === 'agent.stopped')?.data).toMatchObject({
      agent_id: 'slow-bot',
      conversation_id: 'conv_stop',
      status: 'stopped',
    });
  });

  it('stops a queued execution without running it', async ({ startEngine }) => {
    // Queued by an earlier run for a workflow that is no longer served: it waits, nobody runs it.
    const queued = newExecution('retired', 'Hook', 'workflow', [{ body: { input_data: {} } }]);
    const running = await startEngine({
      ...engineOptions,
      prepare: async (store) => void (await store.commit({ executions: [{ record: queued }] })),
    });
    expect((await running.engine.store.getExecution(queued.id))?.status).toBe('queued');
    const response = await api(running, `/executions/${queued.id}/stop`, 'POST');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'stopped', execution_id: queued.id });
    const events = await eventsOf(running, queued.id);
    expect(events.map((e) => e.type)).toEqual(['workflow.stopped']);
    expect(events[0].data).toMatchObject({ workflow_id: 'retired', steps_completed: 0 });
  });

  it.runIf(TEST_STORE === 'postgres')(
    'stops an execution that another engine on the same database runs',
    { timeout: 60_000 },
    async ({ startEngine }) => {
      const runner = await startEngine(engineOptions);
      // A second engine process on the same database: its own pool, its own owner name.
      const asker = createEngine({
        config: loadConfig({ overrides: { ...runner.engine.config, port: 0 } }),
        nodeTypes: { 'test.block': blockingNode.type },
        env: {},
      });
      const { url } = await asker.start();
      try {
        const id = await startBlocked(runner);
        const aborted = nextEvent(blockingNode.events, 'aborted');
        const response = await fetch(`${url}/api/v1/executions/${id}/stop`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API_KEY}` },
        });
        expect(response.status).toBe(202);
        const body = (await response.json()) as { status: string; stop_requested_at: string | null };
        expect(body.status).not.toBe('stopped');
        expect(body.stop_requested_at).not.toBeNull();
        expect((await aborted)[0]).toBe(id);
        await until(
          async () => (await runner.engine.store.getExecution(id))?.status === 'stopped',
          'the running engine to stop the execution',
        );
        expect((await eventsOf(runner, id)).map((e) => e.type)).toContain('workflow.stopped');
      } finally {
        await asker.stop();
      }
    },
  );
});
