/**
 * What the runner hands a node and takes back, as n8n's node settings shape them: the input data
 * `$json` reads, "Execute Once" (first item of each input), "Always Output Data" (one empty item
 * when a node outputs nothing).
 */
import type { INodeExecutionData } from 'n8n-workflow';
import type { RunTask } from './run-order.js';
import type { WorkflowNodeDefinition } from './types.js';

/** The node's inputs: with "Execute Once", the first item of each. */
export function nodeInputs(node: WorkflowNodeDefinition, task: RunTask): RunTask['inputs'] {
  return node.executeOnce ? task.inputs.map((input) => input && input.slice(0, 1)) : task.inputs;
}

/** n8n's v1 "connection input data" (what `$json` reads): the first input that has items. */
export function connectionItems(inputs: RunTask['inputs']): INodeExecutionData[] {
  for (const input of inputs) if (input && input.length > 0) return input;
  return inputs[0] ?? [];
}

export function countItems(lists: ReadonlyArray<INodeExecutionData[] | null | undefined>): number {
  let count = 0;
  for (const list of lists) count += list?.length ?? 0;
  return count;
}

/** n8n's "Always Output Data": a node that output nothing on its first output outputs one empty item. */
export function withAlwaysOutputData(
  node: WorkflowNodeDefinition,
  task: RunTask,
  outputs: INodeExecutionData[][],
): INodeExecutionData[][] {
  if (!node.alwaysOutputData || outputs[0]?.[0]) return outputs;
  const pairedItem = task.inputs.flatMap((input, inputIndex) =>
    (input ?? []).map((_item, itemIndex) => ({ item: itemIndex, input: inputIndex })),
  );
  const filled = outputs.slice();
  filled[0] = [{ json: {}, pairedItem }];
  return filled;
}
