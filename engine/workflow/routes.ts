/**
 * Where a webhook trigger listens. Workflow triggers: `/webhooks/workflows/{workflowId}`; agent
 * triggers: `/webhooks/agents/{agentId}` (seed 002); a custom path `p`: `/webhook/p`, as n8n names
 * its production webhook URLs. n8n's own Webhook node listens where n8n serves it: `/webhook/{path}`
 * and the test URL `/webhook-test/{path}`, once per method, at the path n8n computes (see
 * `webhookPathOf`).
 */
import { readWebhookParameters, WEBHOOK_NODE_TYPE, webhookPathOf } from './core-nodes/webhook/webhook-params.js';
import { parameterOrDefault } from './node-types.js';
import type { NodeTypeRegistry, WorkflowNodeDefinition } from './types.js';

export interface TriggerRoute {
  method: string;
  /** The URL path; an n8n dynamic path keeps its `:name` segments. */
  path: string;
  kind: 'workflow' | 'agent';
  /** n8n's Webhook node: how its request is read and answered differs from Hookline's trigger. */
  n8n?: {
    /** The test URL (`/webhook-test/…`), which runs in n8n's manual mode. */
    test: boolean;
    /** The production path (`/webhook/…`), which `webhookUrl` names in both modes. */
    productionPath: string;
  };
}

/** Every method and path the node listens on (none for a node that is not a trigger or is disabled). */
export function triggerRoutes(
  node: WorkflowNodeDefinition,
  workflowId: string,
  registry: NodeTypeRegistry,
): TriggerRoute[] {
  const nodeType = registry.get(node.type);
  if (!nodeType?.description.webhooks?.length || node.disabled) return [];
  if (node.type === WEBHOOK_NODE_TYPE) return n8nWebhookRoutes(node, workflowId, registry);
  const params = node.parameters;
  const kind = params.kind === 'agent' ? 'agent' : 'workflow';
  const method = String(params.httpMethod ?? 'POST').toUpperCase();
  const customPath = typeof params.path === 'string' ? params.path.trim().replace(/^\/+|\/+$/g, '') : '';
  if (customPath) return [{ method, kind, path: `/webhook/${customPath}` }];
  if (kind === 'agent') return [{ method, kind, path: `/webhooks/agents/${String(params.agentId ?? '')}` }];
  return [{ method, kind, path: `/webhooks/workflows/${workflowId}` }];
}

/** The first route of {@link triggerRoutes}, or null. */
export function triggerRoute(
  node: WorkflowNodeDefinition,
  workflowId: string,
  registry: NodeTypeRegistry,
): TriggerRoute | null {
  return triggerRoutes(node, workflowId, registry)[0] ?? null;
}

/** An expression (`=…`) in the path or methods is evaluated per request by n8n; Hookline serves static ones. */
const isExpression = (value: unknown): boolean => typeof value === 'string' && value.startsWith('=');

function n8nWebhookRoutes(
  node: WorkflowNodeDefinition,
  workflowId: string,
  registry: NodeTypeRegistry,
): TriggerRoute[] {
  const description = registry.get(node.type)!.description;
  if (isExpression(node.parameters.path) || isExpression(node.parameters.httpMethod)) return [];
  const read = (name: string, fallback: unknown) => parameterOrDefault(description, node.parameters, name) ?? fallback;
  const params = readWebhookParameters(read, node.typeVersion);
  const path = webhookPathOf(workflowId, node, params.path);
  if (path === null) return [];
  const productionPath = `/webhook/${path}`;
  return [...new Set(params.methods)].flatMap((method) => [
    { method, kind: 'workflow' as const, path: productionPath, n8n: { test: false, productionPath } },
    { method, kind: 'workflow' as const, path: `/webhook-test/${path}`, n8n: { test: true, productionPath } },
  ]);
}
