/**
 * Lifecycle events carry the seeds' data. Over real sockets: the README's main outgoing example
 * (conditions on `satisfaction_score` and `message_count`), created as the README writes it, is
 * matched by a real `agent.conversation.completed` once a conversation passes ten messages; the
 * conversation's count and credits come from the store. Workflow events carry `custom_data`,
 * `credits_used` and `error_details.integration/retry_count` from the run and its output.
 */
import { readFileSync } from 'node:fs';
import type { IExecuteFunctions } from 'n8n-workflow';
import type { StoredEvent } from '../../engine/store/types.js';
import { chain, node } from '../fixtures/workflows.js';
import { bodies, describe, expect, FAST_DELIVERY, it } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/engine.js';
import { until } from '../helpers/wait.js';
import { testNodeType } from '../fixtures/node-types.js';

const API_KEY = 'hk_admin_lifecycle_0123456789';
const URL_TOKEN = 'wh_lifecycle_url_0123456789';
const TRIGGER = 'n8n-nodes-hookline.webhookTrigger';

/** The agent answers, rating the exchange with the satisfaction the form sent. */
const supportAgent = {
  id: 'support',
  name: 'Support',
  nodes: [
    node(
      'Inbox',
      TRIGGER,
      { kind: 'agent', agentId: 'support-bot', authentication: 'urlToken', responseMode: 'lastNode' },
      { credentials: { hooklineTokenApi: { name: 'Bot token' } } },
    ),
    node('Answer', 'hookline.set', {
      fields: {
        reply: '={{ "Thanks, we got: " + $json.body.message }}',
        satisfaction_score: '={{ $json.body.metadata.satisfaction }}',
        'resolution.type': 'solved',
        'resolution.category': 'technical_support',
      },
      keepOnlySet: true,
    }),
  ],
  connections: chain('Inbox', 'Answer'),
};

/** A node that always fails, as an integration that times out does. */
const salesforceType = testNodeType('salesforce', async function (this: IExecuteFunctions) {
  throw new Error('Integration timeout');
});

const workflows = {
  support: supportAgent,
  report: {
    id: 'report',
    name: 'Email Processor',
    nodes: [
      node('Start', 'hookline.manualTrigger'),
      node('Process Email', 'hookline.set', {
        fields: { 'custom_data.email_subject': '={{ $json.subject }}', 'custom_data.priority': 'high' },
      }),
      node('Bill', 'hookline.set', { fields: { credits_used: 4.5 } }),
    ],
    connections: chain('Start', 'Process Email', 'Bill'),
  },
  plain: {
    id: 'plain',
    name: 'Plain',
    nodes: [node('Start', 'hookline.manualTrigger'), node('One', 'hookline.set', { fields: { a: 1 } })],
    connections: chain('Start', 'One'),
  },
  sync: {
    id: 'sync',
    name: 'Data Sync',
    nodes: [
      node('Start', 'hookline.manualTrigger'),
      node('Push', 'test.salesforce', {}, { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 }),
    ],
    connections: chain('Start', 'Push'),
  },
};

const engineOptions = {
  workflows,
  credentials: [{ name: 'Bot token', type: 'hooklineTokenApi', data: { token: URL_TOKEN } }],
  nodeTypes: { 'test.salesforce': salesforceType },
  config: { ...FAST_DELIVERY, apiKey: API_KEY },
};

/** The JSON the README's "Outgoing webhooks" section sends to create its subscription. */
function readmeSubscription(): Record<string, unknown> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Outgoing webhooks'));
  const body = /-d '(\{[\s\S]*?\})'/.exec(section)?.[1];
  if (!body) throw new Error("README: the outgoing example's -d '…' body was not found");
  return JSON.parse(body) as Record<string, unknown>;
}

async function say(running: TestEngine, conversation: string, satisfaction: number): Promise<void> {
  const response = await fetch(`${running.url}/webhooks/agents/support-bot?token=${URL_TOKEN}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      message: 'My password reset does not arrive',
      user_id: 'user_123',
      metadata: { source: 'contact_form', satisfaction },
      context: { conversation_id: conversation },
    }),
  });
  expect(response.status).toBe(200);
}

const eventsOfType = async (running: TestEngine, type: string): Promise<StoredEvent[]> =>
  running.engine.store.listEvents({ type, limit: 1000 });

describe('lifecycle events carry the seeds’ data', () => {
  // Twelve runs one after the other: a budget for a loaded 2-core machine, not a performance claim.
  it(
    "the README's outgoing example matches a real agent.conversation.completed past ten messages",
    {
      timeout: 120_000,
    },
    async ({ startEngine, receiver }) => {
      const running = await startEngine(engineOptions);
      const created = await fetch(`${running.url}/api/v1/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...readmeSubscription(), url: `${receiver.url}/hooks/support` }),
      });
      expect(created.status).toBe(201);
      const { id: webhookId } = (await created.json()) as { id: string };
      // Six exchanges each: two messages apiece (the one received and the reply).
      for (let i = 0; i < 6; i++) {
        await say(running, 'conv_happy', 5);
        await say(running, 'conv_unhappy', 2);
      }
      const [delivery] = await receiver.waitFor(1);
      expect(JSON.parse(delivery.body)).toMatchObject({
        type: 'agent.conversation.completed',
        data: { agent_id: 'support-bot', satisfaction_score: 2 },
      });
      await until(async () => (await running.engine.store.outbox.pendingFanOut()) === 0, 'every event fanned out');
      const deliveries = await running.engine.store.deliveryLog.listDeliveries({ subscriptionId: webhookId });
      expect(deliveries).toHaveLength(1);
      expect(bodies(receiver)).toHaveLength(1);

      const completed = (await eventsOfType(running, 'agent.conversation.completed')).map((e) => e.data as never);
      const unhappy = completed.filter((d: { conversation_id: string }) => d.conversation_id === 'conv_unhappy');
      expect(unhappy.map((d: { message_count: number }) => d.message_count)).toEqual([2, 4, 6, 8, 10, 12]);
      expect(unhappy.map((d: { credits_used: number }) => d.credits_used)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(new Set(unhappy.map((d: { started_at: string }) => d.started_at)).size).toBe(1);
      expect(unhappy[5]).toMatchObject({
        agent_id: 'support-bot',
        user_id: 'user_123',
        status: 'resolved',
        satisfaction_score: 2,
        resolution: { type: 'solved', category: 'technical_support' },
      });
    },
  );

  it('an agent reply emits agent.message.sent with the reply and the conversation', async ({ startEngine }) => {
    const running = await startEngine(engineOptions);
    await say(running, 'conv_1', 4);
    const [sent] = await eventsOfType(running, 'agent.message.sent');
    expect(sent.data).toMatchObject({
      agent_id: 'support-bot',
      conversation_id: 'conv_1',
      user_id: 'user_123',
      message: 'Thanks, we got: My password reset does not arrive',
    });
  });

  it('workflow.completed carries the custom_data and workflow.execution.completed the credits the output sets', async ({
    startEngine,
  }) => {
    const running = await startEngine(engineOptions);
    const outcome = await running.engine.runManually('report', [{ subject: 'Important Update' }]);
    expect(outcome.result.status).toBe('succeeded');
    const [completed] = await eventsOfType(running, 'workflow.completed');
    expect(completed.data).toMatchObject({
      workflow: { id: 'report', name: 'Email Processor', status: 'completed' },
      custom_data: { email_subject: 'Important Update', priority: 'high' },
    });
    const [execution] = await eventsOfType(running, 'workflow.execution.completed');
    expect(execution.data).toMatchObject({ status: 'success', credits_used: 4.5, steps_completed: 2 });
    // Without credits in the output, a run costs one credit per node it ran; custom_data is empty.
    await running.engine.runManually('plain', [{}]);
    const plain = (await eventsOfType(running, 'workflow.execution.completed')).at(-1)!;
    expect(plain.data).toMatchObject({ workflow_id: 'plain', credits_used: 1 });
    expect((await eventsOfType(running, 'workflow.completed')).at(-1)!.data).toMatchObject({ custom_data: {} });
  });

  it('workflow.failed names the integration and counts the retries of the failing step', async ({ startEngine }) => {
    const running = await startEngine(engineOptions);
    const outcome = await running.engine.runManually('sync', [{}]);
    expect(outcome.result.status).toBe('failed');
    const [failed] = await eventsOfType(running, 'workflow.failed');
    expect(failed.data).toMatchObject({
      workflow: { id: 'sync', name: 'Data Sync', status: 'failed', error_message: 'Integration timeout' },
      error_details: { step: 'Push', integration: 'salesforce', error_code: 'NODE_EXECUTION_FAILED', retry_count: 2 },
    });
  });
});
