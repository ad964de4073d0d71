import { describe, expect, it } from '../helpers/engine-fixture.js';
import type { IExecuteFunctions } from 'n8n-workflow';
import { chain, node, scoringWorkflow } from '../fixtures/workflows.js';
import { testNodeType } from '../fixtures/node-types.js';

/** A node that throws when an item asks it to: for failure isolation. */
const explodingType = testNodeType('explode', async function (this: IExecuteFunctions) {
  const items = this.getInputData();
  if (items.some((item) => item.json.explode)) throw new Error('boom: asked to explode');
  return [items];
});

/** A node that reads its credential, to show credentials come from the credentials file. */
const credentialType = testNodeType(
  'cred',
  async function (this: IExecuteFunctions) {
    const credential = await this.getCredentials('hooklineBearerApi');
    return [
      this.getInputData().map((item) => ({ json: { ...item.json, tokenLength: String(credential.token).length } })),
    ];
  },
  { credentials: [{ name: 'hooklineBearerApi', required: true }] },
);

describe('engine: running workflows through the node host', () => {
  it('runs a multi-node workflow end to end and routes items by condition', async ({ startEngine }) => {
    const running = await startEngine({ workflows: { scoring: scoringWorkflow() } });
    const outcome = await running.engine.runManually('scoring', [
      { name: 'ada', score: 7 },
      { name: 'bob', score: 2 },
    ]);
    expect(outcome.result.status).toBe('succeeded');
    expect(outcome.result.steps.map((s) => [s.node, s.itemsIn, s.itemsOut])).toEqual([
      ['Enrich', 2, 2],
      ['Is big', 2, 2],
      ['Big', 1, 1],
      ['Small', 1, 1],
    ]);
    const execution = await running.engine.store.getExecution(outcome.executionId);
    expect(execution).toMatchObject({ status: 'succeeded', workflowId: 'scoring', kind: 'manual', error: null });
    expect(execution?.startedAt).toBeTruthy();
    expect(execution?.finishedAt).toBeTruthy();
    // The last node to run was 'Small'; 'Big' ran before it with ada's item.
    expect(execution?.output).toEqual([{ name: 'bob', score: 2, extra: { doubled: 4 }, label: 'BOB', size: 'small' }]);
  });

  it('marks a throwing node as a failed execution with the node name, and other executions are unaffected', async ({
    startEngine,
  }) => {
    const workflow = {
      id: 'fragile',
      name: 'Fragile',
      nodes: [node('Start', 'hookline.manualTrigger'), node('Explode', 'test.explode'), node('After', 'hookline.noOp')],
      connections: chain('Start', 'Explode', 'After'),
    };
    const running = await startEngine({
      workflows: { fragile: workflow },
      nodeTypes: { 'test.explode': explodingType },
    });
    const [bad, good] = await Promise.all([
      running.engine.runManually('fragile', [{ explode: true }]),
      running.engine.runManually('fragile', [{ explode: false, n: 1 }]),
    ]);
    expect(bad.result).toMatchObject({
      status: 'failed',
      error: { node: 'Explode', message: 'boom: asked to explode' },
    });
    expect(good.result).toMatchObject({ status: 'succeeded', output: [{ explode: false, n: 1 }] });
    expect(await running.engine.store.getExecution(bad.executionId)).toMatchObject({
      status: 'failed',
      error: { node: 'Explode', message: 'boom: asked to explode' },
    });
    const failedEvents = await running.engine.store.listEvents({ type: 'workflow.failed' });
    expect(failedEvents).toHaveLength(1);
    expect(failedEvents[0].data).toMatchObject({
      workflowId: 'fragile',
      executionId: bad.executionId,
      status: 'failed',
      error_details: { step: 'Explode' },
    });
  });

  it('continues past a failing node that is set to continue on fail', async ({ startEngine }) => {
    const workflow = {
      id: 'tolerant',
      name: 'Tolerant',
      nodes: [
        node('Start', 'hookline.manualTrigger'),
        node('Explode', 'test.explode', {}, { onError: 'continueRegularOutput' }),
        node('After', 'hookline.noOp'),
      ],
      connections: chain('Start', 'Explode', 'After'),
    };
    const running = await startEngine({
      workflows: { tolerant: workflow },
      nodeTypes: { 'test.explode': explodingType },
    });
    const outcome = await running.engine.runManually('tolerant', [{ explode: true }]);
    expect(outcome.result).toMatchObject({
      status: 'succeeded',
      output: [{ explode: true, error: 'boom: asked to explode' }],
    });
  });

  it("routes a failing node's items to its error output when it is set to continue using the error output", async ({
    startEngine,
  }) => {
    const workflow = {
      id: 'routed',
      name: 'Routed',
      nodes: [
        node('Start', 'hookline.manualTrigger'),
        node('Explode', 'test.explode', {}, { onError: 'continueErrorOutput' }),
        node('Fine', 'hookline.set', { fields: { path: 'main' } }),
        node('Caught', 'hookline.set', { fields: { path: 'error' } }),
      ],
      connections: {
        ...chain('Start', 'Explode'),
        Explode: {
          main: [
            [{ node: 'Fine', type: 'main' as const, index: 0 }],
            [{ node: 'Caught', type: 'main' as const, index: 0 }],
          ],
        },
      },
    };
    const running = await startEngine({
      workflows: { routed: workflow },
      nodeTypes: { 'test.explode': explodingType },
    });
    const outcome = await running.engine.runManually('routed', [{ explode: true }]);
    expect(outcome.result).toMatchObject({
      status: 'succeeded',
      output: [{ explode: true, error: 'boom: asked to explode', path: 'error' }],
    });
    expect(outcome.result.steps.map((step) => step.node)).toEqual(['Explode', 'Caught']);
  });

  it('reads credentials from the credentials file (with $env references), never from the workflow', async ({
    startEngine,
  }) => {
    const workflow = {
      id: 'creds',
      name: 'Creds',
      nodes: [
        node('Start', 'hookline.manualTrigger'),
        node('Use', 'test.cred', {}, { credentials: { hooklineBearerApi: { name: 'Partner token' } } }),
      ],
      connections: chain('Start', 'Use'),
    };
    const running = await startEngine({
      workflows: { creds: workflow },
      credentials: [{ name: 'Partner token', type: 'hooklineBearerApi', data: { token: '$env:PARTNER_TOKEN' } }],
      env: { PARTNER_TOKEN: 'wh_secret_0123456789' },
      nodeTypes: { 'test.cred': credentialType },
    });
    const outcome = await running.engine.runManually('creds', [{}]);
    expect(outcome.result.output).toEqual([{ tokenLength: 20 }]);
    const [stored] = await running.sql('SELECT data_enc FROM credentials');
    expect(stored.data_enc).not.toContain('wh_secret');
  });

  it('writes lifecycle events to the store, readable after reopening the database', async ({ startEngine }) => {
    const running = await startEngine({ workflows: { scoring: scoringWorkflow() } });
    const outcome = await running.engine.runManually('scoring', [{ name: 'ada', score: 9 }]);
    await running.engine.stop();
    const reopened = running.reopenStore();
    try {
      const events = await reopened.listEvents({ limit: 100 });
      const types = events.map((e) => e.type);
      expect(types).toEqual([
        'workflow.created',
        'workflow.execution.started',
        'workflow.started',
        'workflow.executed',
        'workflow.step.completed',
        'workflow.step.completed',
        'workflow.step.completed',
        'workflow.completed',
        'workflow.execution.completed',
      ]);
      for (const event of events) {
        expect(event.id).toMatch(/^evt_[0-9A-Z]{26}$/);
        expect(Number.isNaN(Date.parse(event.timestamp))).toBe(false);
      }
      const completed = events.find((e) => e.type === 'workflow.execution.completed')!;
      expect(completed.data).toMatchObject({
        workflow_id: 'scoring',
        execution_id: outcome.executionId,
        status: 'success',
        steps_completed: 3,
      });
      expect(await reopened.getExecution(outcome.executionId)).toMatchObject({ status: 'succeeded' });
    } finally {
      await reopened.close();
    }
  });
});
