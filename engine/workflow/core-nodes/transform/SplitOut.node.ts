/**
 * n8n's Split Out node (v1): turns a list (or several lists, side by side) inside each item into
 * one item per element, with no, all or selected other fields of the item. A value that is not a
 * list counts as a list of one; an object as the list of its values.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeOperationError, deepCopy } from '../../../node-contract/n8n-runtime.js';
import { withConstantParameters } from '../constant-parameters.js';
import { getPath, setKey, unsetPath } from '../data-path.js';
import { prepareFieldsArray } from '../field-list.js';

type Include = 'noOtherFields' | 'allOtherFields' | 'selectedOtherFields';

interface SplitOptions {
  disableDotNotation?: boolean;
  destinationFieldName?: string;
  includeBinary?: boolean;
}

export class SplitOut implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Split Out',
    name: 'splitOut',
    group: ['transform'],
    version: [1],
    description: 'Turn a list inside item(s) into separate items',
    defaults: { name: 'Split Out' },
    inputs: ['main'],
    outputs: ['main'],
    properties: [
      { displayName: 'Fields To Split Out', name: 'fieldToSplitOut', type: 'string', default: '', required: true },
      {
        displayName: 'Include',
        name: 'include',
        type: 'options',
        options: [
          { name: 'No Other Fields', value: 'noOtherFields' },
          { name: 'All Other Fields', value: 'allOtherFields' },
          { name: 'Selected Other Fields', value: 'selectedOtherFields' },
        ],
        default: 'noOtherFields',
      },
      {
        displayName: 'Fields To Include',
        name: 'fieldsToInclude',
        type: 'string',
        default: '',
        displayOptions: { show: { include: ['selectedOtherFields'] } },
      },
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        default: {},
        options: [
          { displayName: 'Disable Dot Notation', name: 'disableDotNotation', type: 'boolean', default: false },
          { displayName: 'Destination Field Name', name: 'destinationFieldName', type: 'string', default: '' },
          { displayName: 'Include Binary', name: 'includeBinary', type: 'boolean', default: false },
        ],
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const output: INodeExecutionData[] = [];
    const context = withConstantParameters(this);
    const items = context.getInputData();
    // A loop, not `push(...entries)`: a spread of a huge list overflows the call stack.
    for (let itemIndex = 0; itemIndex < items.length; itemIndex++)
      for (const entry of splitItem(context, items[itemIndex], itemIndex)) output.push(entry);
    return [output];
  }
}

/** One input item being split: what every step needs. */
interface Split {
  context: IExecuteFunctions;
  input: INodeExecutionData;
  /** A shallow copy of the input's JSON, read by every field. */
  item: IDataObject;
  itemIndex: number;
  fields: string[];
  include: Include;
  options: SplitOptions;
}

function splitItem(context: IExecuteFunctions, input: INodeExecutionData, itemIndex: number): INodeExecutionData[] {
  const fields = String(context.getNodeParameter('fieldToSplitOut', itemIndex))
    .split(',')
    .map((field) => field.trim().replace(/^\$json\./, ''));
  const options = context.getNodeParameter('options', itemIndex, {}) as SplitOptions;
  const destinations = (options.destinationFieldName || '')
    .split(',')
    .filter((field) => field.trim() !== '')
    .map((field) => field.trim());
  if (destinations.length && destinations.length !== fields.length)
    throw new NodeOperationError(
      context.getNode(),
      'If multiple fields to split out are given, the same number of destination fields must be given',
    );
  const include = context.getNodeParameter('include', itemIndex) as Include;
  const split: Split = { context, input, item: { ...input.json }, itemIndex, fields, include, options };
  const entries: INodeExecutionData[] = [];
  fields.forEach((field, fieldIndex) => spreadField(split, entries, field, destinations[fieldIndex] || ''));
  return entries.map((entry) => withOtherFields(split, entry));
}

/** The field's elements, one per entry (entry `n` gets element `n` of every field). */
function spreadField(split: Split, entries: INodeExecutionData[], field: string, destination: string): void {
  const { itemIndex } = split;
  // An object element with no other fields, no destination and one field becomes the item itself.
  const spreads = split.include === 'noOtherFields' && !destination && split.fields.length === 1;
  fieldElements(split, field).forEach((element, index) => {
    entries[index] ??= { json: {}, pairedItem: { item: itemIndex } };
    if (field === '$binary') {
      const [key, value] = Object.entries(element as IDataObject)[0];
      entries[index].binary = { ...entries[index].binary, [key]: value as never };
    } else if (spreads && typeof element === 'object' && element !== null)
      entries[index] = {
        json: { ...entries[index].json, ...(element as IDataObject) },
        pairedItem: { item: itemIndex },
      };
    else setKey(entries[index].json, destination || field, element);
  });
}

function fieldElements({ input, item, options }: Split, field: string): unknown[] {
  if (field === '$binary') return Object.entries(input.binary ?? {}).map(([key, value]) => ({ [key]: value }));
  const value = options.disableDotNotation ? ownValue(item, field) : getPath(item, field);
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null) return [value];
  return Array.isArray(value) ? value : Object.values(value);
}

const ownValue = (item: IDataObject, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(item, key) ? item[key] : undefined;

function withOtherFields(split: Split, entry: INodeExecutionData): INodeExecutionData {
  const { context, input, item, options, itemIndex } = split;
  if (split.include === 'allOtherFields') {
    const rest = deepCopy(item);
    for (const field of split.fields) unsetPath(rest, options.disableDotNotation ? [field] : field);
    entry.json = { ...rest, ...entry.json };
  }
  if (split.include === 'selectedOtherFields') {
    const selected = prepareFieldsArray(
      context.getNodeParameter('fieldsToInclude', itemIndex, ''),
      'Fields To Include',
    );
    if (!selected.length)
      throw new NodeOperationError(context.getNode(), 'No fields specified', {
        description: 'Please add a field to include',
      });
    for (const field of selected)
      setKey(entry.json, field, options.disableDotNotation ? ownValue(item, field) : getPath(item, field));
  }
  if (options.includeBinary && input.binary && !entry.binary) entry.binary = input.binary;
  return entry;
}
