/**
 * n8n's If (`n8n-nodes-base.if`, v1 and v2 to 2.3): each item goes to the `true` output when it
 * passes the conditions, else to `false`. Written from n8n's documented behaviour; from v2 the
 * conditions are decided by n8n-workflow's filter evaluator through the host, v1 has its own
 * comparisons (if-v1.ts).
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { IF_V1_PROPERTIES, routeByLegacyConditions } from './if-v1.js';
import { conditionNodeError } from './node-error.js';
import { conditionOptions, conditionsProperty, itemPasses, looseTypeValidationProperty } from './filter-parameter.js';

const fromV2 = { show: { '@version': [{ _cnd: { gte: 2 } }] } };

export class If implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'If',
    name: 'if',
    icon: 'fa:map-signs',
    group: ['transform'],
    version: [1, 2, 2.1, 2.2, 2.3],
    description: 'Route items to different branches (true/false)',
    defaults: { name: 'If', color: '#408000' },
    inputs: ['main'],
    outputs: ['main', 'main'],
    outputNames: ['true', 'false'],
    parameterPane: 'wide',
    properties: [
      { ...conditionsProperty(2.1, [2.2, 2.3]), displayOptions: fromV2 },
      looseTypeValidationProperty(2.1),
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add option',
        default: {},
        displayOptions: fromV2,
        options: conditionOptions(2.1),
      },
      ...IF_V1_PROPERTIES,
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    if (this.getNode().typeVersion < 2) return routeByLegacyConditions(this);
    return splitByConditions(this);
  }
}

/**
 * If v2+ and Filter: each item to the first list when its `conditions` pass, else to the second.
 * Continue-on-fail puts an item that could not be judged in the second list, unchanged, as a
 * failed condition would.
 */
export function splitByConditions(context: IExecuteFunctions): INodeExecutionData[][] {
  const passed: INodeExecutionData[] = [];
  const failed: INodeExecutionData[] = [];
  context.getInputData().forEach((item, itemIndex) => {
    try {
      (itemPasses(context, 'conditions', itemIndex, 2.1) ? passed : failed).push(paired(item, itemIndex));
    } catch (error) {
      if (!context.continueOnFail()) throw conditionNodeError(context, error, itemIndex);
      failed.push(item);
    }
  });
  return [passed, failed];
}

/** The item, linked to its input as n8n links items a node passes through. */
export function paired(item: INodeExecutionData, itemIndex: number): INodeExecutionData {
  if (item.pairedItem === undefined) item.pairedItem = { item: itemIndex };
  return item;
}
