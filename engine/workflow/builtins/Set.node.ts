import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { setPath } from '../core-nodes/data-path.js';

/**
 * Sets fields on every item. `fields` is an object of dot paths to values; values may be
 * n8n expressions (`={{ $json.name.toUpperCase() }}`), evaluated per item. Paths are written by the
 * core nodes' one dot-path setter (n8n's path syntax; `__proto__` and friends write nothing).
 */
export class Set implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Set',
    name: 'set',
    group: ['transform'],
    version: 1,
    description: 'Sets fields on each item',
    defaults: { name: 'Set' },
    inputs: ['main'],
    outputs: ['main'],
    properties: [
      {
        displayName: 'Fields',
        name: 'fields',
        type: 'json',
        default: '{}',
        required: true,
        description: 'Object of field paths to values; values may be expressions',
      },
      {
        displayName: 'Keep Only Set Fields',
        name: 'keepOnlySet',
        type: 'boolean',
        default: false,
        description: 'Whether to drop the fields the item had before',
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    return [
      items.map((item, itemIndex) => {
        const fields = parseObject(this.getNodeParameter('fields', itemIndex, {}));
        const keepOnlySet = this.getNodeParameter('keepOnlySet', itemIndex, false) as boolean;
        const json: IDataObject = keepOnlySet ? {} : structuredClone(item.json);
        for (const [path, value] of Object.entries(fields)) setPath(json, path, value);
        return { json, pairedItem: { item: itemIndex } };
      }),
    ];
  }
}

function parseObject(value: unknown): IDataObject {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error("Parameter 'fields' must be an object of paths to values");
  return parsed as IDataObject;
}
