/**
 * n8n's Filter (`n8n-nodes-base.filter`, v2 to 2.3): keeps the items that pass the conditions and
 * drops the rest. Written from n8n's documented behaviour; the conditions are decided by
 * n8n-workflow's filter evaluator through the host.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { conditionOptions, conditionsProperty, looseTypeValidationProperty } from './filter-parameter.js';
import { splitByConditions } from './If.node.js';

export class Filter implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Filter',
    name: 'filter',
    icon: 'fa:filter',
    group: ['transform'],
    version: [2, 2.1, 2.2, 2.3],
    description: 'Remove items matching a condition',
    defaults: { name: 'Filter', color: '#229eff' },
    inputs: ['main'],
    outputs: ['main'],
    outputNames: ['Kept', 'Discarded'],
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
    // n8n declares one output but returns the discarded items as a second, unconnected one.
    return splitByConditions(this);
  }
}
