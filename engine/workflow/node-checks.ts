/**
 * Checks a node type makes of a node's settings when a workflow loads, beyond required parameters:
 * a mode the engine does not run (the Wait node's webhook resume), a value n8n would refuse when it
 * activates the workflow (a schedule interval out of range). `validate` reports each message as a
 * problem of that node, so such a workflow is refused by name instead of failing later.
 */
import type { INodeType } from 'n8n-workflow';
import type { WorkflowDefinition, WorkflowNodeDefinition } from './types.js';

export interface CheckedNodeType {
  /** Messages for what the engine refuses in this node (empty when it runs as written). */
  checkNode(node: WorkflowNodeDefinition, workflow: WorkflowDefinition): string[];
}

export function hasNodeCheck(nodeType: INodeType): nodeType is INodeType & CheckedNodeType {
  return typeof (nodeType as Partial<CheckedNodeType>).checkNode === 'function';
}

/** The node type's messages for the node, or none when the type makes no such checks. */
export function nodeCheckMessages(
  nodeType: INodeType,
  node: WorkflowNodeDefinition,
  workflow: WorkflowDefinition,
): string[] {
  return hasNodeCheck(nodeType) ? nodeType.checkNode(node, workflow) : [];
}

/** How a message names the node: `node 'Wait' (n8n-nodes-base.wait v1.1)`. */
export function nodeLabel(node: Pick<WorkflowNodeDefinition, 'name' | 'type' | 'typeVersion'>): string {
  return `node '${node.name}' (${node.type} v${node.typeVersion})`;
}
