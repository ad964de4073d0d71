/**
 * n8n's condition nodes in a running engine: a workflow in n8n's export shape routes by If and
 * Switch and the execution is stored with its output, and a hostile value that makes a regex
 * condition backtrack fails only its own execution, in bounded time, while the engine keeps
 * serving other runs and requests.
 */
import { describe, expect, it } from '../helpers/engine-fixture.js';
import { filterValue } from '../fixtures/conditions.js';
import type { WorkflowDefinition } from '../../engine/workflow/types.js';
import { node } from '../fixtures/workflows.js';

const link = (to: string) => [{ node: to, type: 'main' as const, index: 0 }];

/** Manual Trigger → If v2.2 (total > 100 and a regex on the e-mail) → Big / Small (NoOp). */
function routingWorkflow(pattern: string): WorkflowDefinition {
  const conditions = filterValue([
    { leftValue: '={{ $json.total }}', rightValue: 100, operator: { type: 'number', operation: 'gt' } },
    { leftValue: '={{ $json.email }}', rightValue: pattern, operator: { type: 'string', operation: 'regex' } },
  ]);
  return {
    id: 'routing',
    name: 'Routing',
    nodes: [
      node('Start', 'n8n-nodes-base.manualTrigger'),
      node('Is big', 'n8n-nodes-base.if', { conditions, options: {} }, { typeVersion: 2.2 }),
      // Big above Small: n8n's v1 order runs the upper branch first.
      node('Big', 'n8n-nodes-base.noOp', {}, { position: [440, -100] }),
      node('Small', 'n8n-nodes-base.noOp', {}, { position: [440, 100] }),
    ],
    connections: { Start: { main: [link('Is big')] }, 'Is big': { main: [link('Big'), link('Small')] } },
  };
}

describe('condition nodes in a running engine', () => {
  it('routes an n8n-shaped workflow and stores the execution', async ({ startEngine }) => {
    const running = await startEngine({ workflows: { routing: routingWorkflow('/@example\\.com$/i') } });
    const outcome = await running.engine.runManually('routing', [
      { total: 250, email: 'ada@EXAMPLE.com' },
      { total: 20, email: 'bob@example.com' },
    ]);
    expect(outcome.result.status).toBe('succeeded');
    expect(outcome.result.ends).toEqual([
      { node: 'Big', items: [{ total: 250, email: 'ada@EXAMPLE.com' }] },
      { node: 'Small', items: [{ total: 20, email: 'bob@example.com' }] },
    ]);
    expect(await running.engine.store.getExecution(outcome.executionId)).toMatchObject({ status: 'succeeded' });
  });

  it('fails only the run whose value makes a regex backtrack, and keeps serving', async ({ startEngine }) => {
    // `i` keeps the pattern out of the linear engine: V8 runs it in the worker, under the time limit.
    const running = await startEngine({ workflows: { routing: routingWorkflow('/^(a+)+$/i') } });
    const [hostile, ordinary] = await Promise.all([
      running.engine.runManually('routing', [{ total: 500, email: 'a'.repeat(40) + '!' }]),
      running.engine.runManually('routing', [{ total: 500, email: 'aaaa' }]),
    ]);
    expect(hostile.result).toMatchObject({
      status: 'failed',
      error: { node: 'Is big', message: expect.stringMatching(/^The regular expression .* was stopped$/) },
    });
    expect(ordinary.result).toMatchObject({ status: 'succeeded', ends: [{ node: 'Big' }] });
    expect(await running.engine.store.getExecution(hostile.executionId)).toMatchObject({ status: 'failed' });
    const health = await fetch(`${running.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('routes by Switch rules with a fallback output', async ({ startEngine }) => {
    const rule = (kind: string) => ({
      conditions: filterValue([
        { leftValue: '={{ $json.kind }}', rightValue: kind, operator: { type: 'string', operation: 'equals' } },
      ]),
    });
    const workflow: WorkflowDefinition = {
      id: 'switching',
      name: 'Switching',
      nodes: [
        node('Start', 'n8n-nodes-base.manualTrigger'),
        node(
          'Route',
          'n8n-nodes-base.switch',
          { rules: { values: [rule('order'), rule('refund')] }, options: { fallbackOutput: 'extra' } },
          { typeVersion: 3.2 },
        ),
        // Top to bottom, as n8n's v1 order runs them.
        node('Orders', 'n8n-nodes-base.noOp', {}, { position: [440, -200] }),
        node('Refunds', 'n8n-nodes-base.noOp', {}, { position: [440, 0] }),
        node('Other', 'n8n-nodes-base.noOp', {}, { position: [440, 200] }),
      ],
      connections: {
        Start: { main: [link('Route')] },
        Route: { main: [link('Orders'), link('Refunds'), link('Other')] },
      },
    };
    const running = await startEngine({ workflows: { switching: workflow } });
    const outcome = await running.engine.runManually('switching', [
      { kind: 'refund' },
      { kind: 'spam' },
      { kind: 'order' },
    ]);
    expect(outcome.result.ends).toEqual([
      { node: 'Orders', items: [{ kind: 'order' }] },
      { node: 'Refunds', items: [{ kind: 'refund' }] },
      { node: 'Other', items: [{ kind: 'spam' }] },
    ]);
  });
});
