import type { IExecuteFunctions } from 'n8n-workflow';
import { describe, expect, FAST_DELIVERY, it } from '../helpers/engine-fixture.js';
import { chain, node } from '../fixtures/workflows.js';
import { credentials, TOKENS } from '../fixtures/incoming.js';
import { testNodeType } from '../fixtures/node-types.js';
import { runsBeforeStore } from '../../engine/workflow/run-before-store.js';
import { builtinNodeTypes } from '../../engine/workflow/builtins/index.js';
import type { LoadedWorkflow, NodeTypeRegistry } from '../../engine/workflow/types.js';

const TRIGGER = node(
  'Hook',
  'n8n-nodes-hookline.webhookTrigger',
  { kind: 'workflow', authentication: 'bearer' },
  { credentials: { hooklineBearerApi: { name: 'Orders bearer' } } },
);

/** Trigger → Set → If → NoOp: nodes that act on nothing outside the run. */
const pure = {
  id: 'pure',
  name: 'pure',
  nodes: [
    TRIGGER,
    node('Shape', 'hookline.set', { fields: { name: '={{ $json.body.input_data.name }}' }, keepOnlySet: true }),
    node('Done', 'hookline.noOp'),
  ],
  connections: chain('Hook', 'Shape', 'Done'),
};

/** Trigger → Set → a sender publishing an event: the event is written with the execution. */
const announce = {
  id: 'announce',
  name: 'announce',
  nodes: [
    TRIGGER,
    node('Shape', 'hookline.set', { fields: { name: '={{ $json.body.input_data.name }}' }, keepOnlySet: true }),
    node('Announce', 'n8n-nodes-hookline.webhookSender', { mode: 'event', eventType: 'lead.received' }),
  ],
  connections: chain('Hook', 'Shape', 'Announce'),
};

/** Trigger → a node that waits for the test to let it go: it must not run before its execution is stored. */
let release: () => void = () => undefined;
const gated = testNodeType('gated', async function (this: IExecuteFunctions) {
  await new Promise<void>((resolve) => (release = resolve));
  return [this.getInputData()];
});
const impure = {
  id: 'impure',
  name: 'impure',
  nodes: [TRIGGER, node('Gate', 'test.gated')],
  connections: chain('Hook', 'Gate'),
};

const post = (url: string, path: string, name: string) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.bearer}` },
    body: JSON.stringify({ input_data: { name } }),
  });

describe('a workflow with no side effects runs before it is stored', () => {
  it('is stored finished, with all its events in order, by the write that acknowledges it', async ({ startEngine }) => {
    const running = await startEngine({
      workflows: { pure, impure },
      credentials,
      nodeTypes: { 'test.gated': gated },
      config: { eventHistory: 'all' },
    });
    const response = await post(running.url, '/webhooks/workflows/pure', 'Ada');
    expect(response.status).toBe(202);
    const { execution_id: id } = (await response.json()) as { execution_id: string };
    // No wait: the reply came after the one write, which holds the whole run.
    expect(await running.engine.store.getExecution(id)).toMatchObject({
      status: 'succeeded',
      output: [{ name: 'Ada' }],
    });
    const events = (await running.engine.store.listEvents({ limit: 100 }))
      .filter((event) => (event.data as { execution_id?: string }).execution_id === id)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((event) => event.type);
    expect(events[0]).toBe('workflow.execution.started');
    expect(events).toEqual(
      expect.arrayContaining(['workflow.started', 'workflow.step.completed', 'workflow.completed']),
    );
    expect(events.indexOf('workflow.started')).toBeLessThan(events.indexOf('workflow.completed'));
  });

  it('writes the events a sender node publishes with the execution, and delivers them', async ({
    startEngine,
    receiver,
  }) => {
    const running = await startEngine({
      workflows: { announce },
      credentials,
      config: { ...FAST_DELIVERY },
    });
    await running.engine.delivery.subscriptions.create({ url: receiver.url, events: ['lead.received'] });
    const response = await post(running.url, '/webhooks/workflows/announce', 'Cy');
    expect(response.status).toBe(202);
    const { execution_id: id } = (await response.json()) as { execution_id: string };
    const execution = await running.engine.store.getExecution(id);
    expect(execution?.status).toBe('succeeded');
    const eventId = (execution?.output as Array<{ hookline: { event_id: string } }>)[0].hookline.event_id;
    // Durable with the execution: the event row was written by the same write.
    expect(await running.engine.store.getEvent(eventId)).toMatchObject({ type: 'lead.received', data: { name: 'Cy' } });
    await receiver.waitFor(1, 30_000);
    expect(JSON.parse(receiver.requests[0].body)).toMatchObject({ id: eventId, type: 'lead.received' });
  });

  it('a workflow with a node outside the list is stored queued first, then run', async ({ startEngine }) => {
    const running = await startEngine({
      workflows: { pure, impure },
      credentials,
      nodeTypes: { 'test.gated': gated },
    });
    const response = await post(running.url, '/webhooks/workflows/impure', 'Bob');
    expect(response.status).toBe(202);
    const { execution_id: id } = (await response.json()) as { execution_id: string };
    expect((await running.engine.store.getExecution(id))?.status).toMatch(/^(queued|running)$/);
    release();
    await running.engine.executor.idle();
    expect((await running.engine.store.getExecution(id))?.status).toBe('succeeded');
  });

  it('decides by every reachable node: retries, unknown and side-effect types keep the queued path', () => {
    const types = builtinNodeTypes();
    const registry: NodeTypeRegistry = {
      get: (type) => types[type],
      has: (type) => type in types,
      names: () => Object.keys(types),
    };
    const loaded = (extra: Record<string, unknown>[]): LoadedWorkflow => {
      const nodes = [
        node('Hook', 'n8n-nodes-base.webhook', {}),
        node('Set', 'n8n-nodes-base.set', {}),
        ...extra.map((fields, i) => ({ ...node(`N${i}`, 'n8n-nodes-base.noOp', {}), ...fields })),
      ];
      return {
        id: 'w',
        name: 'w',
        active: true,
        definition: { id: 'w', name: 'w', nodes, connections: {} },
        sourcePath: null,
        hash: 'h',
        nodesByName: new Map(nodes.map((n) => [n.name, n])),
      } as LoadedWorkflow;
    };
    expect(runsBeforeStore(loaded([]), registry)).toBe(true);
    expect(runsBeforeStore(loaded([{ type: 'n8n-nodes-base.httpRequest' }]), registry)).toBe(false);
    expect(runsBeforeStore(loaded([{ type: 'n8n-nodes-base.code' }]), registry)).toBe(false);
    expect(runsBeforeStore(loaded([{ type: 'n8n-nodes-base.wait' }]), registry)).toBe(false);
    const sender = 'n8n-nodes-hookline.webhookSender';
    expect(runsBeforeStore(loaded([{ type: sender, parameters: { mode: 'webhook' } }]), registry)).toBe(false);
    expect(runsBeforeStore(loaded([{ type: sender, parameters: { mode: 'event' } }]), registry)).toBe(true);
    expect(runsBeforeStore(loaded([{ retryOnFail: true }]), registry)).toBe(false);
    expect(runsBeforeStore(loaded([{ type: 'n8n-nodes-base.code', disabled: true }]), registry)).toBe(true);
  });
});
