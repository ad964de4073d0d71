/**
 * Where a webhook trigger listens. Workflow triggers: `/webhooks/workflows/{workflowId}`; agent
 * triggers: `/webhooks/agents/{agentId}` (seed 002); a custom path `p`: `/webhook/p`, as n8n names
 * its production webhook URLs.
 */
import type { NodeTypeRegistry, WorkflowNodeDefinition } from './types.js';

export interface TriggerRoute {
  method: string;
  path: string;
  kind: 'workflow' | 'agent';
}

export function triggerRoute(
  node: WorkflowNodeDefinition,
  workflowId: string,
  registry: NodeTypeRegistry,
): TriggerRoute | null {
  const nodeType = registry.get(node.type);
  if (!nodeType?.description.webhooks?.length || node.disabled) return null;
  const params = node.parameters;
  const kind = params.kind === 'agent' ? 'agent' : 'workflow';
  const method = String(params.httpMethod ?? 'POST').toUpperCase();
  const customPath = typeof params.path === 'string' ? params.path.trim().replace(/^\/+|\/+$/g, '') : '';
  if (customPath) return { method, kind, path: `/webhook/${customPath}` };
  if (kind === 'agent') return { method, kind, path: `/webhooks/agents/${String(params.agentId ?? '')}` };
  return { method, kind, path: `/webhooks/workflows/${workflowId}` };
}
