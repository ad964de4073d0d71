/** n8n's Limit node (v1): keeps the first or the last `maxItems` items. */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

export class Limit implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Limit',
    name: 'limit',
    group: ['transform'],
    version: [1],
    description: 'Restrict the number of items',
    defaults: { name: 'Limit' },
    inputs: ['main'],
    outputs: ['main'],
    properties: [
      { displayName: 'Max Items', name: 'maxItems', type: 'number', typeOptions: { minValue: 1 }, default: 1 },
      {
        displayName: 'Keep',
        name: 'keep',
        type: 'options',
        options: [
          { name: 'First Items', value: 'firstItems' },
          { name: 'Last Items', value: 'lastItems' },
        ],
        default: 'firstItems',
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const maxItems = this.getNodeParameter('maxItems', 0) as number;
    const keep = this.getNodeParameter('keep', 0) as string;
    if (maxItems > items.length) return [items];
    // Not `slice(-maxItems)`: a limit of 0 keeps no item, as in n8n.
    return [keep === 'firstItems' ? items.slice(0, maxItems) : items.slice(items.length - maxItems, items.length)];
  }
}
