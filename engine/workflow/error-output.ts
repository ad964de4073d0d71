/**
 * n8n's `onError: continueErrorOutput` for a node that ran to the end: n8n adds an error output
 * after the node's main outputs (however many its description, or its outputs expression such as
 * Switch's, gives), moves every item that carries an error (`item.error`, or JSON that is only
 * `{ error }` or `{ error, message }`) from the other outputs onto it, the input item's fields
 * merged in where the error item names its input, and drops whatever the node itself returned in
 * that position (Filter's discarded items, say).
 */
import type { INodeExecutionData, INodeType, Workflow as N8nWorkflow } from 'n8n-workflow';
import { NodeHelpers } from '../node-contract/n8n-runtime.js';
import type { WorkflowNodeDefinition } from './types.js';

/** The node's main outputs, the error output included, as n8n counts them for this node. */
export function mainOutputCount(n8nWorkflow: N8nWorkflow, node: WorkflowNodeDefinition, nodeType: INodeType): number {
  const outputs = NodeHelpers.getNodeOutputs(n8nWorkflow, node as never, nodeType.description);
  return NodeHelpers.getConnectionTypes(outputs).filter((type) => type === 'main').length;
}

/** The outputs with error items moved to the error output (the last main output). */
export function routeErrorItems(
  outputs: INodeExecutionData[][],
  outputCount: number,
  inputItems: INodeExecutionData[],
): INodeExecutionData[][] {
  const routed = outputs.slice();
  const errorItems: INodeExecutionData[] = [];
  for (let index = 0; index < outputCount - 1; index++) {
    const kept: INodeExecutionData[] = [];
    for (const item of routed[index] ?? []) {
      if (item === undefined) continue;
      if (carriesError(item)) errorItems.push(withInputFields(item, inputItems));
      else kept.push(item);
    }
    routed[index] = kept;
  }
  routed[outputCount - 1] = errorItems;
  return routed;
}

function carriesError(item: INodeExecutionData): boolean {
  if (item.error) return true;
  const json = item.json ?? {};
  const keys = Object.keys(json).length;
  return Boolean(json.error) && (keys === 1 || (keys === 2 && Boolean(json.message)));
}

/** The error item over the input item it names (`pairedItem`), as n8n shows a failed item. */
function withInputFields(item: INodeExecutionData, inputItems: INodeExecutionData[]): INodeExecutionData {
  const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
  if (paired === null || typeof paired !== 'object') return item;
  const source = inputItems[paired.item];
  return source ? { ...item, json: { ...source.json, ...item.json } } : item;
}
