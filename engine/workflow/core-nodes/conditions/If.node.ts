/**
 * n8n's If (`n8n-nodes-base.if`, v2 to 2.3): each item goes to the `true` output when it passes the
 * conditions, else to `false`. Written from n8n's documented behaviour; the conditions are decided by
 * n8n-workflow's filter evaluator through the host.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { conditionNodeError } from './node-error.js';
import { conditionOptions, conditionsProperty, itemPasses, looseTypeValidationProperty } from './filter-parameter.js';

export class If implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'If',
    name: 'if',
    icon: 'fa:map-signs',
    group: ['transform'],
    version: [2, 2.1, 2.2, 2.3],
    description: 'Route items to different branches (true/false)',
    defaults: { name: 'If', color: '#408000' },
    inputs: ['main'],
    outputs: ['main', 'main'],
    outputNames: ['true', 'false'],
    parameterPane: 'wide',
    properties: [
      conditionsProperty(2.1, [2.2, 2.3]),
      looseTypeValidationProperty(2.1),
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add option',
        default: {},
        options: conditionOptions(2.1),
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const passed: INodeExecutionData[] = [];
    const failed: INodeExecutionData[] = [];
    this.getInputData().forEach((item, itemIndex) => {
      try {
        (itemPasses(this, 'conditions', itemIndex, 2.1) ? passed : failed).push(paired(item, itemIndex));
      } catch (error) {
        // Continue-on-fail sends the item that could not be judged down the false branch, unchanged.
        if (!this.continueOnFail()) throw conditionNodeError(this, error, itemIndex);
        failed.push(item);
      }
    });
    return [passed, failed];
  }
}

/** The item, linked to its input as n8n links items a node passes through. */
export function paired(item: INodeExecutionData, itemIndex: number): INodeExecutionData {
  if (item.pairedItem === undefined) item.pairedItem = { item: itemIndex };
  return item;
}
