/** How the Webhook node's parameters read per version, and where n8n serves it. */
import { describe, expect, it } from 'vitest';
import {
  readWebhookParameters,
  webhookPathOf,
  type ParameterReader,
} from '../../../engine/workflow/core-nodes/webhook/webhook-params.js';
import { createTriggerTable } from '../../../engine/ingress/trigger-table.js';
import { createNodeTypeRegistry } from '../../../engine/workflow/node-types.js';
import { triggerRoutes } from '../../../engine/workflow/routes.js';
import { validateWorkflow } from '../../../engine/workflow/validate.js';
import type { LoadedWorkflow, WorkflowNodeDefinition } from '../../../engine/workflow/types.js';

const reader =
  (parameters: Record<string, unknown>): ParameterReader =>
  (name, fallback) =>
    name in parameters ? parameters[name] : fallback;

describe('readWebhookParameters', () => {
  it('reads v1 responseCode at the top level and v2 from options, the custom code winning', () => {
    expect(readWebhookParameters(reader({ responseCode: 202 }), 1).responseCode).toBe(202);
    const v2 = { options: { responseCode: { values: { responseCode: 'customCode', customCode: 418 } } } };
    expect(readWebhookParameters(reader(v2), 2).responseCode).toBe(418);
    expect(readWebhookParameters(reader({ responseCode: 202 }), 2).responseCode).toBe(200);
  });

  it('refuses a response code outside 100-599 for 200', () => {
    expect(readWebhookParameters(reader({ responseCode: 9999 }), 1).responseCode).toBe(200);
  });

  it("lists one method, or n8n's GET and POST for multipleMethods without a list", () => {
    expect(readWebhookParameters(reader({ httpMethod: 'post' }), 2).methods).toEqual(['POST']);
    expect(readWebhookParameters(reader({ multipleMethods: true }), 2.1).methods).toEqual(['GET', 'POST']);
    expect(readWebhookParameters(reader({ multipleMethods: true, httpMethod: ['PUT'] }), 2.1).methods).toEqual(['PUT']);
  });

  it('reads responseData only in lastNode mode, and lower-cases response header names', () => {
    const params = readWebhookParameters(
      reader({ responseData: 'allEntries', options: { responseHeaders: { entries: [{ name: 'X-A', value: 1 }] } } }),
      2,
    );
    expect(params.responseData).toBe('firstEntryJson');
    expect(params.options.responseHeaders).toEqual({ 'x-a': '1' });
    expect(readWebhookParameters(reader({ responseMode: 'lastNode', responseData: 'noData' }), 2).responseData).toBe(
      'noData',
    );
  });
});

describe('webhookPathOf', () => {
  const node = (webhookId?: string) => ({ name: 'My Hook', webhookId });
  it('uses the path, else the webhookId, and prefixes a dynamic path with the webhookId', () => {
    expect(webhookPathOf('wf', node('id-1'), 'orders/new')).toBe('orders/new');
    expect(webhookPathOf('wf', node('id-1'), '')).toBe('id-1');
    expect(webhookPathOf('wf', node('id-1'), 'users/:id')).toBe('id-1/users/:id');
    expect(webhookPathOf('wf', node(), 'users/:id')).toBeNull();
  });

  it('serves a node without webhookId under its workflow id and lower-cased name, as n8n does', () => {
    expect(webhookPathOf('wf', node(), 'orders')).toBe('wf/my%20hook/orders');
    expect(webhookPathOf('wf', node(), '')).toBe('wf/my%20hook');
  });
});

function workflowOf(id: string, nodes: WorkflowNodeDefinition[]): LoadedWorkflow {
  return {
    id,
    name: id,
    active: true,
    definition: { name: id, nodes, connections: {} },
    sourcePath: null,
    hash: id,
    nodesByName: new Map(nodes.map((node) => [node.name, node])),
  };
}

const webhookNode = (
  name: string,
  parameters: Record<string, unknown>,
  webhookId?: string,
): WorkflowNodeDefinition => ({
  id: name,
  name,
  type: 'n8n-nodes-base.webhook',
  typeVersion: 2,
  position: [0, 0],
  parameters,
  webhookId,
});

describe('routes and the trigger table', () => {
  const registry = createNodeTypeRegistry();

  it('serves each method at the production and the test URL, none for an expression path or a disabled node', () => {
    const routes = triggerRoutes(webhookNode('W', { httpMethod: 'POST', path: '/a/b/' }, 'w-id'), 'wf', registry);
    expect(routes.map((route) => `${route.method} ${route.path}`)).toEqual([
      'POST /webhook/a/b',
      'POST /webhook-test/a/b',
    ]);
    expect(triggerRoutes(webhookNode('W', { path: '={{ "x" }}' }), 'wf', registry)).toEqual([]);
    expect(triggerRoutes({ ...webhookNode('W', { path: 'x' }), disabled: true }, 'wf', registry)).toEqual([]);
  });

  it('prefers a static path, then the dynamic path with the most literal segments', () => {
    const table = createTriggerTable(registry);
    table.rebuild([
      workflowOf('a', [webhookNode('Any', { path: ':kind/:id' }, 'hook')]),
      workflowOf('b', [webhookNode('Users', { path: 'users/:id' }, 'hook')]),
      workflowOf('c', [webhookNode('Static', { path: 'hook/users/me' }, 'static-id')]),
    ]);
    expect(table.find('GET', '/webhook/hook/users/me')?.node.name).toBe('Static');
    expect(table.find('GET', '/webhook/hook/users/42')).toMatchObject({
      node: { name: 'Users' },
      pathParams: { id: '42' },
    });
    expect(table.find('GET', '/webhook/hook/teams/7')).toMatchObject({ pathParams: { kind: 'teams', id: '7' } });
    expect(table.find('GET', '/webhook-test/hook/teams/7')?.route.n8n?.test).toBe(true);
    expect(table.find('GET', '/webhook/hook/users')).toBeUndefined();
    expect(table.find('POST', '/webhook/hook/users/42')).toBeUndefined();
  });
});

describe('validation', () => {
  it('names a Webhook node Hookline cannot serve: a dynamic path without webhookId, or an expression path', () => {
    const registry = createNodeTypeRegistry();
    const workflow = (parameters: Record<string, unknown>, webhookId?: string) => ({
      name: 'w',
      nodes: [{ ...webhookNode('Webhook', parameters, webhookId) }],
      connections: {},
    });
    expect(validateWorkflow(workflow({ path: 'orders' }), registry)).toEqual([]);
    expect(validateWorkflow(workflow({ path: '' }, 'an-id'), registry)).toEqual([]);
    expect(validateWorkflow(workflow({ path: '' }), registry)).toEqual([]);
    for (const bad of [workflow({ path: 'users/:id' }), workflow({ path: '={{ 1 }}' }, 'id')])
      expect(validateWorkflow(bad, registry)).toEqual([
        {
          pointer: '/nodes/0/parameters/path',
          message: expect.stringContaining("webhook node 'Webhook' cannot be served"),
        },
      ]);
  });
});
