import { describe, expect, it } from 'vitest';
import type { INodeType } from 'n8n-workflow';
import { loadWorkflowTexts } from '../../../engine/workflow/loader.js';
import { createNodeTypeRegistry } from '../../../engine/workflow/node-types.js';
import { validateWorkflow } from '../../../engine/workflow/validate.js';
import { chain, node, scoringWorkflow } from '../../fixtures/workflows.js';

/** A webhook trigger type for the path-clash checks (the real one is tested with ingress). */
const hookType = {
  description: {
    displayName: 'Hook',
    name: 'hook',
    group: ['trigger'],
    version: 1,
    description: '',
    defaults: {},
    inputs: [],
    outputs: ['main'],
    webhooks: [{ name: 'default', httpMethod: 'POST', path: 'x', responseMode: 'onReceived' }],
    properties: [{ displayName: 'Path', name: 'path', type: 'string', default: '' }],
  },
} as unknown as INodeType;
const registry = createNodeTypeRegistry({ 'test.hook': hookType });

describe('workflow validation', () => {
  it('accepts a valid multi-node workflow', () => {
    expect(validateWorkflow(scoringWorkflow(), registry)).toEqual([]);
  });

  it('names a schema problem by JSON pointer', () => {
    const problems = validateWorkflow(
      { name: 'x', nodes: [{ name: 'A', type: 'hookline.noOp' }], connections: {} },
      registry,
    );
    expect(problems).toContainEqual({ pointer: '/nodes/0', message: "missing required property 'parameters'" });
  });

  it('reports an unknown node type', () => {
    const workflow = {
      name: 'x',
      nodes: [node('Start', 'hookline.manualTrigger'), node('Mystery', 'acme.doesNotExist')],
      connections: chain('Start', 'Mystery'),
    };
    expect(validateWorkflow(workflow, registry)).toContainEqual({
      pointer: '/nodes/1/type',
      message: expect.stringMatching(
        /^unknown node type 'acme.doesNotExist' \(version 1\) of node 'Mystery'; the engine supports: .*hookline.noOp \(1\)/,
      ),
    });
  });

  it('reports a dangling connection', () => {
    const workflow = {
      name: 'x',
      nodes: [node('Start', 'hookline.manualTrigger')],
      connections: chain('Start', 'Ghost'),
    };
    expect(validateWorkflow(workflow, registry)).toContainEqual({
      pointer: '/connections/Start/main/0/0/node',
      message: "connection from 'Start' to unknown node 'Ghost'",
    });
  });

  it('reports a missing required parameter', () => {
    const workflow = {
      name: 'x',
      nodes: [node('Start', 'hookline.manualTrigger'), node('Check', 'hookline.if', {})],
      connections: chain('Start', 'Check'),
    };
    expect(validateWorkflow(workflow, registry)).toContainEqual({
      pointer: '/nodes/1/parameters/condition',
      message: "node 'Check' is missing required parameter 'condition'",
    });
  });

  it('reports a cycle', () => {
    const workflow = {
      name: 'x',
      nodes: [node('Start', 'hookline.manualTrigger'), node('A', 'hookline.noOp'), node('B', 'hookline.noOp')],
      connections: { ...chain('Start', 'A', 'B'), B: { main: [[{ node: 'A', type: 'main', index: 0 }]] } },
    };
    const problems = validateWorkflow(workflow, registry);
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toBe('connections form a cycle: A -> B -> A');
  });

  it('reports a duplicate node name', () => {
    const workflow = {
      name: 'x',
      nodes: [node('Start', 'hookline.manualTrigger'), node('Start', 'hookline.noOp')],
      connections: {},
    };
    expect(validateWorkflow(workflow, registry)).toContainEqual({
      pointer: '/nodes/1/name',
      message: "duplicate node name 'Start' (also /nodes/0/name)",
    });
  });

  it('reports a workflow with no trigger', () => {
    const workflow = { name: 'x', nodes: [node('A', 'hookline.noOp')], connections: {} };
    expect(validateWorkflow(workflow, registry)).toContainEqual({
      pointer: '/nodes',
      message: 'workflow has no trigger node, so nothing can start it',
    });
  });

  it('reports two triggers on one path, within and across files, with the file name', () => {
    const one = {
      id: 'one',
      name: 'One',
      nodes: [node('Hook', 'test.hook', { path: 'orders' }), node('Hook 2', 'test.hook', { path: 'orders' })],
      connections: {},
    };
    const two = { id: 'two', name: 'Two', nodes: [node('Hook', 'test.hook', { path: '/orders/' })], connections: {} };
    const { problems, workflows } = loadWorkflowTexts(
      [
        { file: 'one.json', text: JSON.stringify(one) },
        { file: 'two.json', text: JSON.stringify(two) },
      ],
      registry,
    );
    expect(problems.map((p) => `${p.file}:${p.pointer}: ${p.message}`)).toEqual([
      'one.json:/nodes/1: two triggers on POST /webhook/orders: this node and one.json#/nodes/0',
      'two.json:/nodes/0: two triggers on POST /webhook/orders: this node and one.json#/nodes/0',
    ]);
    expect(workflows).toEqual([]);
  });

  it('reports a file that is not JSON', () => {
    const { problems } = loadWorkflowTexts([{ file: 'bad.json', text: '{ "name": ' }], registry);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'bad.json', pointer: '/' });
    expect(problems[0].message).toMatch(/^not valid JSON/);
  });

  it('takes the id from the file name when the workflow has none', () => {
    const { workflows, problems } = loadWorkflowTexts(
      [{ file: '/tmp/order intake.json', text: JSON.stringify({ ...scoringWorkflow(), id: undefined }) }],
      registry,
    );
    expect(problems).toEqual([]);
    expect(workflows[0].id).toBe('order-intake');
  });
});
