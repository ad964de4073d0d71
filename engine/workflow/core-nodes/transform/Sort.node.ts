/**
 * n8n's Sort node (v1): by one or more fields, each ascending or descending (text compared
 * without case, n8n's value comparison from `compare.ts`), or in random order. The "code" sort
 * runs a user's comparison function, which needs the Code node's sandbox: refused by name here.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeOperationError } from '../../../node-contract/n8n-runtime.js';
import { getPath } from '../data-path.js';
import { isEqualValue, isLessThan } from './compare.js';
import { randomInt } from 'node:crypto';

interface SortField {
  fieldName: string;
  order?: 'ascending' | 'descending';
}

export class Sort implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Sort',
    name: 'sort',
    group: ['transform'],
    version: [1],
    description: 'Change items order',
    defaults: { name: 'Sort' },
    inputs: ['main'],
    outputs: ['main'],
    properties: [
      {
        displayName: 'Type',
        name: 'type',
        type: 'options',
        options: [
          { name: 'Simple', value: 'simple' },
          { name: 'Random', value: 'random' },
          { name: 'Code', value: 'code' },
        ],
        default: 'simple',
      },
      {
        displayName: 'Fields To Sort By',
        name: 'sortFieldsUi',
        type: 'fixedCollection',
        typeOptions: { multipleValues: true },
        default: {},
        displayOptions: { show: { type: ['simple'] } },
        options: [
          {
            displayName: '',
            name: 'sortField',
            values: [
              { displayName: 'Field Name', name: 'fieldName', type: 'string', default: '', required: true },
              {
                displayName: 'Order',
                name: 'order',
                type: 'options',
                options: [
                  { name: 'Ascending', value: 'ascending' },
                  { name: 'Descending', value: 'descending' },
                ],
                default: 'ascending',
              },
            ],
          },
        ],
      },
      { displayName: 'Code', name: 'code', type: 'string', default: '', displayOptions: { show: { type: ['code'] } } },
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        default: {},
        displayOptions: { show: { type: ['simple'] } },
        options: [{ displayName: 'Disable Dot Notation', name: 'disableDotNotation', type: 'boolean', default: false }],
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = [...this.getInputData()];
    const type = this.getNodeParameter('type', 0) as string;
    if (type === 'random') return [shuffle(items)];
    if (type !== 'simple')
      throw new NodeOperationError(
        this.getNode(),
        `The sort type '${type}' runs JavaScript, which the engine does not run in the Sort node; use 'simple' or 'random', or a Code node`,
      );
    const options = this.getNodeParameter('options', 0, {}) as { disableDotNotation?: boolean };
    const fields = ((this.getNodeParameter('sortFieldsUi', 0) as IDataObject)?.sortField ?? []) as SortField[];
    if (!fields.length)
      throw new NodeOperationError(this.getNode(), 'No sorting specified. Please add a field to sort by');
    const read = options.disableDotNotation ? ownValue : getPath;
    for (const { fieldName } of fields) {
      const found = options.disableDotNotation
        ? (item: INodeExecutionData) => Object.prototype.hasOwnProperty.call(item.json, fieldName)
        : (item: INodeExecutionData) => getPath(item.json, fieldName) !== undefined;
      if (items.some(found)) continue;
      throw new NodeOperationError(this.getNode(), `Couldn't find the field '${fieldName}' in the input data`, {
        description:
          options.disableDotNotation && fieldName.includes('.')
            ? "If you're trying to use a nested field, make sure you turn off 'disable dot notation' in the node options"
            : undefined,
      });
    }
    const comparable = (json: IDataObject, field: string) => {
      const value = read(json, field);
      return typeof value === 'string' ? value.toLowerCase() : value;
    };
    items.sort((a, b) => {
      for (const { fieldName, order } of fields) {
        const [left, right] = [comparable(a.json, fieldName), comparable(b.json, fieldName)];
        if (isEqualValue(left, right)) continue;
        const direction = order === 'ascending' ? 1 : -1;
        return isLessThan(left, right) ? -direction : direction;
      }
      return 0;
    });
    return [items];
  }
}

const ownValue = (json: IDataObject, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(json, key) ? json[key] : undefined;

/** Fisher–Yates with a cryptographic random source, as n8n's `shuffleArray`. */
function shuffle(items: INodeExecutionData[]): INodeExecutionData[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
