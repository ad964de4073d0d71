/**
 * n8n's Split Out node (v1): turns a list (or several lists, side by side) inside each item into
 * one item per element, with no, all or selected other fields of the item. A value that is not a
 * list counts as a list of one; an object as the list of its values.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeOperationError, deepCopy, isSafeObjectProperty } from '../../../node-contract/n8n-runtime.js';
import { getPath, unsetPath } from '../data-path.js';
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
    const items = this.getInputData();
    for (let itemIndex = 0; itemIndex < items.length; itemIndex++) output.push(...splitItem(this, items[itemIndex], itemIndex));
    return [output];
  }
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
  const item = { ...input.json };
  const entries: INodeExecutionData[] = [];
  fields.forEach((field, fieldIndex) =>
    spreadField(entries, input, item, field, destinations[fieldIndex] || '', include, fields.length > 1, options, itemIndex),
  );
  return entries.map((entry) => withOtherFields(context, entry, input, item, fields, include, options, itemIndex));
}

/** The field's elements, one per entry (entry `n` gets element `n` of every field). */
function spreadField(
  entries: INodeExecutionData[],
  input: INodeExecutionData,
  item: IDataObject,
  field: string,
  destination: string,
  include: Include,
  multiSplit: boolean,
  options: SplitOptions,
  itemIndex: number,
): void {
  const elements = fieldElements(input, item, field, options);
  const name = destination || field;
  elements.forEach((element, index) => {
    entries[index] ??= { json: {}, pairedItem: { item: itemIndex } };
    if (field === '$binary') {
      const [key, value] = Object.entries(element as IDataObject)[0];
      entries[index].binary = { ...entries[index].binary, [key]: value as never };
      return;
    }
    // An object element with no other fields and no destination becomes the item itself.
    if (typeof element === 'object' && element !== null && include === 'noOtherFields' && !destination && !multiSplit)
      entries[index] = { json: { ...entries[index].json, ...(element as IDataObject) }, pairedItem: { item: itemIndex } };
    else if (isSafeObjectProperty(name)) entries[index].json[name] = element as IDataObject[string];
  });
}

function fieldElements(input: INodeExecutionData, item: IDataObject, field: string, options: SplitOptions): unknown[] {
  if (field === '$binary') return Object.entries(input.binary ?? {}).map(([key, value]) => ({ [key]: value }));
  const value = options.disableDotNotation ? ownValue(item, field) : getPath(item, field);
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null) return [value];
  return Array.isArray(value) ? value : Object.values(value);
}

const ownValue = (item: IDataObject, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(item, key) ? item[key] : undefined;

function withOtherFields(
  context: IExecuteFunctions,
  entry: INodeExecutionData,
  input: INodeExecutionData,
  item: IDataObject,
  fields: string[],
  include: Include,
  options: SplitOptions,
  itemIndex: number,
): INodeExecutionData {
  if (include === 'allOtherFields') {
    const rest = deepCopy(item);
    for (const field of fields) {
      if (!options.disableDotNotation) unsetPath(rest, field);
      else if (isSafeObjectProperty(field)) delete rest[field];
    }
    entry.json = { ...rest, ...entry.json };
  }
  if (include === 'selectedOtherFields') {
    const selected = prepareFieldsArray(context.getNodeParameter('fieldsToInclude', itemIndex, ''), 'Fields To Include');
    if (!selected.length)
      throw new NodeOperationError(context.getNode(), 'No fields specified', {
        description: 'Please add a field to include',
      });
    for (const field of selected) {
      if (!isSafeObjectProperty(field)) continue;
      entry.json[field] = (options.disableDotNotation ? ownValue(item, field) : getPath(item, field)) as IDataObject[string];
    }
  }
  if (options.includeBinary && input.binary && !entry.binary) entry.binary = input.binary;
  return entry;
}
