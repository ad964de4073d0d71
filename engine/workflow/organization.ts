/**
 * Which organization a workflow's events belong to: the trigger node's `options.organization`
 * (an agent's own organization), else the workflow's `settings.organization`, else none.
 */
import type { WorkflowDefinition, WorkflowNodeDefinition } from './types.js';

const named = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * @param triggerNode the node that started the execution (its name, as the execution record keeps
 * it): an agent trigger may name its own organization.
 */
export function workflowOrganization(
  definition: WorkflowDefinition | null | undefined,
  triggerNode?: string | null,
): string | null {
  const node = triggerNode ? definition?.nodes?.find((candidate) => candidate.name === triggerNode) : undefined;
  return (node ? triggerOrganization(node) : null) ?? named(definition?.settings?.organization);
}

/** The organization a trigger node names in its `options.organization`, or null. */
export function triggerOrganization(node: Pick<WorkflowNodeDefinition, 'parameters'>): string | null {
  return named((node.parameters?.options as { organization?: unknown } | undefined)?.organization);
}
