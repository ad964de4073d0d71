/**
 * The Merge node's simpler modes, as n8n 2.8 behaves: append, choose branch, combine by position,
 * and all combinations. Each takes the items of every input and returns the node's one output.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, IPairedItemData } from 'n8n-workflow';
import { NodeOperationError } from '../../../node-contract/n8n-runtime.js';
import { selectMergeMethod, withSuffix, type ClashHandling } from './merge-objects.js';

export type Inputs = INodeExecutionData[][];

/** n8n's pairedItem may be a number, one object or a list: always a list here. */
export function pairedList(pairedItem: INodeExecutionData['pairedItem']): IPairedItemData[] {
  if (pairedItem === undefined) return [];
  if (typeof pairedItem === 'number') return [{ item: pairedItem }];
  return Array.isArray(pairedItem) ? pairedItem : [pairedItem];
}

/** The node's `options` collection, and its clash handling values (`options.clashHandling.values`). */
export function mergeOptions(context: IExecuteFunctions): { options: IDataObject; clash: ClashHandling } {
  const options = (context.getNodeParameter('options', 0, {}) ?? {}) as IDataObject;
  const values = (options.clashHandling as IDataObject | undefined)?.values;
  return { options, clash: (values && typeof values === 'object' ? values : {}) as ClashHandling };
}

/** Items of input 1, then input 2, and so on. */
export function append(inputs: Inputs): INodeExecutionData[] {
  return inputs.flat();
}

/** The items of one chosen input, or one empty item; only once inputs 1 and 2 both have data. */
export function chooseBranch(context: IExecuteFunctions, inputs: Inputs): INodeExecutionData[] {
  if (context.getNodeParameter('chooseBranchMode', 0) !== 'waitForAll') return [];
  const output = context.getNodeParameter('output', 0);
  if (output === 'specifiedInput') {
    const chosen = Number(context.getNodeParameter('useDataOfInput', 0));
    if (chosen > inputs.length)
      throw new NodeOperationError(context.getNode(), `Input ${chosen} doesn't exist`, {
        description: `The node has only ${inputs.length} inputs, so selecting input ${chosen} is not possible.`,
      });
    return [...(inputs[chosen - 1] ?? [])];
  }
  if (output === 'empty') {
    const pairedItem = [...(inputs[0] ?? []), ...(inputs[1] ?? [])].flatMap((item) => pairedList(item.pairedItem));
    return [{ json: {}, pairedItem }];
  }
  return [];
}

/**
 * Item i of every input merged into one. The preferred input (the last, or input 1 with "prefer
 * input 1") is merged last so it wins; with suffixes the others' keys are renamed, and the preferred
 * input's own keys stay as they are too, as in n8n.
 */
export function combineByPosition(context: IExecuteFunctions, inputs: Inputs): INodeExecutionData[] {
  const { options, clash } = mergeOptions(context);
  const preferredIndex = clash.resolveClash?.includes('preferInput')
    ? Number(clash.resolveClash.replace('preferInput', '')) - 1
    : inputs.length - 1;
  const preferred = inputs[preferredIndex] ?? [];
  const sources =
    clash.resolveClash === 'addSuffix'
      ? inputs.map((input, index) => input.map((item) => ({ ...item, json: withSuffix(item.json, String(index + 1)) })))
      : inputs;
  const lengths = [...sources.map((input) => input.length), preferred.length];
  const count = options.includeUnpaired === true ? Math.max(...lengths) : Math.min(...lengths);
  const merge = selectMergeMethod(clash);
  const output: INodeExecutionData[] = [];
  for (let index = 0; index < count; index++) {
    const entries = sources.map((input) => input[index]);
    const json = merge({}, ...entries.map((entry) => entry?.json ?? {}), preferred[index]?.json ?? {});
    const pairedItem = [...entries, preferred[index]].flatMap((entry) => pairedList(entry?.pairedItem));
    output.push({ json, pairedItem });
  }
  return output;
}

/** Every item of input 1 with every item of input 2 (a cross join). */
export function combineAll(context: IExecuteFunctions, inputs: Inputs): INodeExecutionData[] {
  const { clash } = mergeOptions(context);
  let [first, second] = inputs;
  if (clash.resolveClash === 'preferInput1') [first, second] = [second, first];
  if (!first || !second) return [];
  if (clash.resolveClash === 'addSuffix') {
    first = first.map((item) => ({ ...item, json: withSuffix(item.json, '1') }));
    second = second.map((item) => ({ ...item, json: withSuffix(item.json, '2') }));
  }
  const merge = selectMergeMethod(clash);
  const output: INodeExecutionData[] = [];
  for (const a of first)
    for (const b of second)
      output.push({
        json: merge(a.json, b.json),
        pairedItem: [...pairedList(a.pairedItem), ...pairedList(b.pairedItem)],
      });
  return output;
}
