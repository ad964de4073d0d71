/**
 * The catalog's data schemas against what the engine really emits: the bundled example workflows
 * run (over real sockets where they have triggers), plus a failing workflow and agent, a webhook
 * to an endpoint that fails and one that is gone, and an external post to /webhooks/receive. Every
 * stored event of a catalog type must pass its catalog schema, so catalog and engine stay in step.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IExecuteFunctions } from 'n8n-workflow';
import { ENGINE_DATA_SCHEMAS } from '../../engine/events/data-schemas.js';
import { EVENT_CATALOG, getEventSpec } from '../../engine/events/catalog.js';
import { compileJsonSchema } from '../../engine/validation.js';
import { startReceiver } from '../fixtures/receiver.js';
import { describe, expect, FAST_DELIVERY, it } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/engine.js';
import { until } from '../helpers/wait.js';
import { testNodeType } from '../fixtures/node-types.js';

const KEY = 'hk_test_event_schemas_01';
const example = (name: string): unknown =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../examples/${name}`, import.meta.url)), 'utf8'));

const explodingType = testNodeType('explode', async function (this: IExecuteFunctions) {
  throw new Error('boom');
});

/** An agent trigger (URL token) followed by a node that fails. */
const brokenAgent = {
  id: 'broken-agent',
  name: 'Broken agent',
  active: true,
  nodes: [
    {
      id: 'trigger',
      name: 'Inbox',
      type: 'n8n-nodes-hookline.webhookTrigger',
      typeVersion: 1,
      position: [0, 0],
      parameters: { kind: 'agent', agentId: 'broken-bot', authentication: 'urlToken' },
      credentials: { hooklineTokenApi: { id: 'demo-url-token', name: 'Demo URL token' } },
    },
    { id: 'x', name: 'Explode', type: 'explode', typeVersion: 1, position: [200, 0], parameters: {} },
  ],
  connections: { Inbox: { main: [[{ node: 'Explode', type: 'main', index: 0 }]] } },
};

describe('catalog data schemas against the engine’s own events', () => {
  it('holds a data schema for every type the engine or the delivery system emits', () => {
    const emitted = EVENT_CATALOG.filter((spec) => spec.source !== 'custom').map((spec) => spec.type);
    expect(Object.keys(ENGINE_DATA_SCHEMAS).sort()).toEqual([...emitted].sort());
    for (const spec of EVENT_CATALOG) expect(() => compileJsonSchema(spec.dataSchema), spec.type).not.toThrow();
  });

  it(
    'validates every event emitted by the example workflows, failures and deliveries',
    { timeout: 120_000 },
    async ({ startEngine }) => {
      const failing = await startReceiver({ behaviour: { status: 500, body: 'down' } });
      const gone = await startReceiver({ behaviour: { status: 410, body: 'gone' } });
      try {
        const running = await startEngine({
          workflows: {
            'contact-form': example('contact-form.json'),
            'score-leads': example('score-leads.json'),
            'support-agent': example('support-agent.json'),
            'broken-agent': brokenAgent,
          },
          credentials: example('credentials.json') as unknown[],
          nodeTypes: { explode: explodingType },
          config: { ...FAST_DELIVERY, apiKey: KEY },
        });
        await subscribe(running, failing.url);
        await subscribe(running, gone.url);
        await exerciseEngine(running);
        const wanted = [
          'workflow.created',
          'workflow.updated',
          'workflow.execution.started',
          'workflow.started',
          'workflow.executed',
          'workflow.step.completed',
          'workflow.completed',
          'workflow.execution.completed',
          'workflow.failed',
          'workflow.execution.failed',
          'agent.created',
          'agent.message.received',
          'agent.started',
          'agent.conversation.started',
          'agent.completed',
          'agent.conversation.completed',
          'agent.failed',
          'webhook.received',
          'webhook.disabled',
          'delivery.failing',
          'delivery.exhausted',
        ];
        const missing = async () => {
          const types = new Set((await running.engine.store.listEvents({ limit: 10_000 })).map((e) => e.type));
          return wanted.filter((type) => !types.has(type));
        };
        await until(async () => (await missing()).length === 0, 'an event of every wanted type', 60_000);
        const events = await running.engine.store.listEvents({ limit: 10_000 });
        const problems: string[] = [];
        for (const event of events) {
          const spec = getEventSpec(event.type);
          if (!spec) continue;
          const validate = compileJsonSchema(spec.dataSchema);
          if (!validate(event.data))
            problems.push(`${event.type}: ${JSON.stringify(validate.errors?.[0])} in ${JSON.stringify(event.data)}`);
        }
        expect(events.length).toBeGreaterThan(wanted.length);
        expect(problems).toEqual([]);
      } finally {
        await failing.close();
        await gone.close();
      }
    },
  );
});

async function subscribe(running: TestEngine, url: string): Promise<void> {
  const response = await api(running, 'POST', '/api/v1/webhooks', { url, events: ['*'] });
  expect(response.status).toBe(201);
}

async function api(running: TestEngine, method: string, path: string, body?: unknown, auth = `Bearer ${KEY}`) {
  return fetch(`${running.url}${path}`, {
    method,
    headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
}

/** The README's example calls, a manual run, a failing agent, an activation and an external post. */
async function exerciseEngine(running: TestEngine): Promise<void> {
  const contact = await api(
    running,
    'POST',
    '/webhooks/workflows/contact-form',
    { input_data: { name: 'John Doe', email: 'john@example.com' }, trigger_source: 'contact_form' },
    'Bearer wh_demo_bearer_change_me',
  );
  expect(contact.status).toBe(202);
  const agent = await api(running, 'POST', '/webhooks/agents/support-bot?token=wh_demo_url_token_change_me', {
    message: 'My order is late',
    user_id: 'user_123',
    metadata: { priority: 'high' },
    context: { conversation_id: 'conv_1' },
  });
  expect(agent.status).toBe(200);
  const broken = await api(running, 'POST', '/webhooks/agents/broken-bot?token=wh_demo_url_token_change_me', {
    message: 'hello',
  });
  expect(broken.status).toBe(202);
  const leads = example('inputs/leads.json') as { name: string; score: number }[];
  expect((await running.engine.runManually('score-leads', leads)).result.status).toBe('succeeded');
  expect((await api(running, 'POST', '/api/v1/workflows/score-leads/deactivate')).status).toBe(200);
  expect((await api(running, 'POST', '/api/v1/webhooks/receive', { source: 'pipedream', ok: true })).status).toBe(202);
}
