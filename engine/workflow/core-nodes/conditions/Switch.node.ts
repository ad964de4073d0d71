/**
 * n8n's Switch (`n8n-nodes-base.switch`, v3 to 3.4): routes each item to one of several outputs.
 * In `rules` mode an item goes to the output of the first rule its conditions pass (or of every
 * such rule, with `allMatchingOutputs`), else to the fallback output if one is set; in `expression`
 * mode to the output index the `output` expression gives. Written from n8n's documented behaviour;
 * conditions are decided by n8n-workflow's filter evaluator through the host.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeOperationError } from '../../../node-contract/n8n-runtime.js';
import { itemPasses } from './filter-parameter.js';
import { conditionNodeError } from './node-error.js';
import { SWITCH_PROPERTIES, SWITCH_VERSIONS } from './SwitchDescription.js';

interface RulesOptions {
  fallbackOutput?: 'none' | 'extra' | number;
  allMatchingOutputs?: boolean;
}

export class Switch implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Switch',
    name: 'switch',
    icon: 'fa:map-signs',
    group: ['transform'],
    version: SWITCH_VERSIONS,
    description: 'Route items depending on defined expression or rules',
    defaults: { name: 'Switch', color: '#506000' },
    inputs: ['main'],
    outputs: `={{(${String(configuredOutputs)})($parameter)}}`,
    properties: SWITCH_PROPERTIES,
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const byExpression = this.getNodeParameter('mode', 0) === 'expression';
    let outputs: INodeExecutionData[][] = [];
    for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
      const item = items[itemIndex];
      try {
        item.pairedItem = { item: itemIndex };
        if (byExpression) outputs = routeByExpression(this, outputs, item, itemIndex);
        else outputs = routeByRules(this, outputs, item, itemIndex);
      } catch (error) {
        // Continue-on-fail puts the error, in place of the item, on the first output (as n8n does).
        if (!this.continueOnFail()) throw conditionNodeError(this, error, itemIndex);
        if (outputs.length === 0) outputs.push([]);
        outputs[0].push({ json: { error: (error as Error).message } });
      }
    }
    return outputs.length === 0 ? [[]] : outputs;
  }
}

/** The outputs the editor draws, from the parameters (n8n evaluates this for the canvas). */
function configuredOutputs(parameters: Record<string, unknown>) {
  if (parameters.mode === 'expression')
    return Array.from({ length: Number(parameters.numberOutputs) }, (_, i) => ({
      type: 'main',
      displayName: String(i),
    }));
  const rules = ((parameters.rules as { values?: Array<{ outputKey?: string }> })?.values ?? []).map((rule, i) => ({
    type: 'main',
    displayName: rule.outputKey || String(i),
  }));
  const options = (parameters.options ?? {}) as { fallbackOutput?: unknown; renameFallbackOutput?: string };
  if (options.fallbackOutput === 'extra')
    rules.push({ type: 'main', displayName: options.renameFallbackOutput || 'Fallback' });
  return rules;
}

function routeByExpression(
  context: IExecuteFunctions,
  outputs: INodeExecutionData[][],
  item: INodeExecutionData,
  itemIndex: number,
): INodeExecutionData[][] {
  const count = context.getNodeParameter('numberOutputs', itemIndex) as number;
  // The number of outputs is fixed by the first item, as in n8n.
  const routed = itemIndex === 0 ? emptyOutputs(count) : outputs;
  const index = context.getNodeParameter('output', itemIndex) as number;
  checkOutputIndex(context, routed.length, index, itemIndex);
  routed[index].push(item);
  return routed;
}

function routeByRules(
  context: IExecuteFunctions,
  outputs: INodeExecutionData[][],
  item: INodeExecutionData,
  itemIndex: number,
): INodeExecutionData[][] {
  const rules = context.getNodeParameter('rules.values', itemIndex, []) as Array<{ output?: unknown }>;
  if (rules.length === 0) return outputs;
  const options = context.getNodeParameter('options', itemIndex, {}) as RulesOptions;
  const { fallbackOutput } = options;
  const routed = itemIndex === 0 ? emptyOutputs(rules.length + (fallbackOutput === 'extra' ? 1 : 0)) : outputs;
  let matched = false;
  for (const [ruleIndex, rule] of rules.entries()) {
    if (!itemPasses(context, `rules.values[${ruleIndex}].conditions`, itemIndex, 3.1)) continue;
    matched = true;
    checkOutputIndex(context, routed.length, rule.output, itemIndex);
    routed[ruleIndex].push(item);
    if (!options.allMatchingOutputs) return routed;
  }
  if (matched || fallbackOutput === undefined || fallbackOutput === 'none') return routed;
  if (fallbackOutput === 'extra') routed[routed.length - 1].push(item);
  else {
    checkOutputIndex(context, routed.length, fallbackOutput, itemIndex);
    routed[fallbackOutput].push(item);
  }
  return routed;
}

const emptyOutputs = (count: number): INodeExecutionData[][] => Array.from({ length: count }, () => []);

/**
 * n8n's range check, with its wording (and its spelling, "ouput"): an index one past the last
 * output is called out as an off-by-one; values it does not catch fail when the item is routed.
 */
function checkOutputIndex(context: IExecuteFunctions, count: number, index: unknown, itemIndex: number): void {
  const value = index as number;
  if (Number(index) === count)
    throw new NodeOperationError(context.getNode(), `The ouput ${value} is not allowed. `, {
      itemIndex,
      description: `Output indexes are zero based, if you want to use the extra output use ${value - 1}`,
    });
  if (value < 0 || value > count)
    throw new NodeOperationError(context.getNode(), `The ouput ${value} is not allowed`, {
      itemIndex,
      description: `It has to be between 0 and ${count - 1}`,
    });
}
