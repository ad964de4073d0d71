/**
 * Organizations scope delivery (seed 000): a webhook of organization X receives only events of X,
 * whether X comes from the publisher's body, the workflow's `settings.organization` or the agent
 * trigger's own; a webhook without an organization receives every event; an event without one
 * never reaches an organization's webhook. Over real sockets, to real receivers.
 */
import { startReceiver, type Receiver } from '../fixtures/receiver.js';
import { credentials, TOKENS } from '../fixtures/incoming.js';
import { chain, node } from '../fixtures/workflows.js';
import { bodies, describe, expect, it } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/engine.js';

const KEY = 'hk_test_admin_organizations_01';
/** Two shared, loaded cores run the executions and the fan-out: wait long, never fail on speed. */
const PATIENCE_MS = 30_000;
const SLOW = { timeout: 90_000 };
const TRIGGER = 'n8n-nodes-hookline.webhookTrigger';

function workflow(id: string, parameters: Record<string, unknown>, credential: string, settings = {}) {
  return {
    id,
    name: id,
    nodes: [
      node('Hook', TRIGGER, parameters, { credentials: { [credential]: { name: credentialName[credential] } } }),
      node('Reply', 'hookline.set', { fields: { ok: true }, keepOnlySet: true }),
    ],
    connections: chain('Hook', 'Reply'),
    settings,
  };
}
const credentialName: Record<string, string> = { hooklineBearerApi: 'Orders bearer', hooklineTokenApi: 'Bot token' };

const WORKFLOWS = {
  // The workflow's organization.
  acme: workflow('acme', { kind: 'workflow', authentication: 'bearer' }, 'hooklineBearerApi', {
    organization: 'org-123',
  }),
  // The agent's own organization wins over its workflow's.
  bot: workflow(
    'bot',
    { kind: 'agent', agentId: 'globex-bot', authentication: 'urlToken', options: { organization: 'org-456' } },
    'hooklineTokenApi',
    { organization: 'org-123' },
  ),
  // No organization at all.
  plain: workflow('plain', { kind: 'workflow', authentication: 'bearer' }, 'hooklineBearerApi'),
};

function client(running: TestEngine) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
}

/** One engine, and three receivers behind webhooks of org-123, org-456 and no organization. */
async function organizations(
  startEngine: (options: object) => Promise<TestEngine>,
  everyone: Receiver,
  events: string[],
) {
  const running = await startEngine({
    workflows: WORKFLOWS,
    credentials,
    config: { apiKey: KEY, pollIntervalMs: 20, retryJitter: 0 },
  });
  const call = client(running);
  const receivers = { 'org-123': await startReceiver(), 'org-456': await startReceiver(), everyone };
  const ids: Record<string, string> = {};
  for (const [name, receiver] of Object.entries(receivers)) {
    const created = await call('POST', '/api/v1/webhooks', {
      name,
      url: receiver.url,
      events,
      ...(name === 'everyone' ? {} : { organization: name }),
    });
    expect(created.status).toBe(201);
    expect(created.body.organization).toBe(name === 'everyone' ? 'default' : name);
    ids[name] = created.body.id;
  }
  const deliveredTo = async (name: string) =>
    (await call('GET', `/api/v1/webhooks/${ids[name]}/deliveries`)).body.deliveries.length;
  const close = async () => {
    await receivers['org-123'].close();
    await receivers['org-456'].close();
  };
  return { call, receivers, deliveredTo, close, running };
}

/** `[type, organization]` of each envelope a receiver got, in a stable order. */
const received = (receiver: Receiver) =>
  bodies(receiver)
    .map((body: { type: string; metadata?: { organization?: string } }) => [
      body.type,
      body.metadata?.organization ?? null,
    ])
    .sort((a, b) => String(a).localeCompare(String(b)));

describe('organizations scope delivery', () => {
  it(
    "takes the publisher's organization from the body or metadata, and an event without one reaches no organization's webhook",
    SLOW,
    async ({ startEngine, receiver }) => {
      const { call, receivers, deliveredTo, close } = await organizations(startEngine, receiver, ['order.*']);
      try {
        const published = [
          await call('POST', '/api/v1/events', { type: 'order.paid', data: { n: 1 }, organization: 'org-123' }),
          await call('POST', '/api/v1/events', {
            type: 'order.paid',
            data: { n: 2 },
            metadata: { organization: 'org-456' },
          }),
          await call('POST', '/api/v1/events', { type: 'order.paid', data: { n: 3 } }),
        ];
        expect(published.map((p) => [p.status, p.body.deliveries])).toEqual([
          [202, 2],
          [202, 2],
          [202, 1],
        ]);
        // Events fan out in order, whole: once the last reached everyone, every delivery is planned.
        await receivers.everyone.waitFor(3, PATIENCE_MS);
        await receivers['org-123'].waitFor(1, PATIENCE_MS);
        await receivers['org-456'].waitFor(1, PATIENCE_MS);
        expect(bodies(receivers['org-123'])).toMatchObject([{ data: { n: 1 }, metadata: { organization: 'org-123' } }]);
        expect(bodies(receivers['org-456'])).toMatchObject([{ data: { n: 2 }, metadata: { organization: 'org-456' } }]);
        expect([await deliveredTo('org-123'), await deliveredTo('org-456'), await deliveredTo('everyone')]).toEqual([
          1, 1, 3,
        ]);
      } finally {
        await close();
      }
    },
  );

  it(
    "gives a workflow's events its settings.organization and an agent's its trigger's organization",
    SLOW,
    async ({ startEngine, receiver }) => {
      const { call, receivers, deliveredTo, close, running } = await organizations(startEngine, receiver, [
        'workflow.completed',
        'agent.completed',
      ]);
      try {
        // The workflow files' own events (written at start) carry their organizations too.
        const created = await running.engine.store.listEvents({ type: 'workflow.created' });
        expect(
          Object.fromEntries(
            created.map((e) => [(e.data as { workflow_id: string }).workflow_id, e.metadata?.organization ?? null]),
          ),
        ).toEqual({ acme: 'org-123', bot: 'org-123', plain: null });
        const [agentCreated] = await running.engine.store.listEvents({ type: 'agent.created' });
        expect(agentCreated.metadata).toEqual({ organization: 'org-456' });
        const bearer = { authorization: `Bearer ${TOKENS.bearer}` };
        for (const id of ['acme', 'plain'])
          expect((await call('POST', `/webhooks/workflows/${id}`, { input_data: { id } }, bearer)).status).toBe(202);
        const agent = await call('POST', `/webhooks/agents/globex-bot?token=${TOKENS.url}`, { message: 'hi' });
        expect(agent.status).toBe(202);
        // Three workflow.completed and one agent.completed; the executions end in any order.
        await receivers.everyone.waitFor(4, PATIENCE_MS);
        await receivers['org-123'].waitFor(1, PATIENCE_MS);
        await receivers['org-456'].waitFor(2, PATIENCE_MS);
        expect(received(receivers.everyone)).toEqual([
          ['agent.completed', 'org-456'],
          ['workflow.completed', null],
          ['workflow.completed', 'org-123'],
          ['workflow.completed', 'org-456'],
        ]);
        expect(received(receivers['org-123'])).toEqual([['workflow.completed', 'org-123']]);
        expect(bodies(receivers['org-123'])[0].data).toMatchObject({ workflow_id: 'acme' });
        expect(received(receivers['org-456'])).toEqual([
          ['agent.completed', 'org-456'],
          ['workflow.completed', 'org-456'],
        ]);
        expect([await deliveredTo('org-123'), await deliveredTo('org-456')]).toEqual([1, 2]);
      } finally {
        await close();
      }
    },
  );
});
