/**
 * n8n's Aggregate node (v1): all input items become one item, holding either a list per chosen
 * field ("individual fields") or the items' JSON as one list ("all item data", with all, some or
 * all-but-some of their fields).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeOperationError } from '../../../node-contract/n8n-runtime.js';
import { getPath, setKey, setPath } from '../data-path.js';
import { prepareFieldsArray } from '../field-list.js';
import { aggregateDescription } from './aggregate-description.js';

interface AggregateOptions {
  disableDotNotation?: boolean;
  mergeLists?: boolean;
  includeBinaries?: boolean;
  keepOnlyUnique?: boolean;
  keepMissing?: boolean;
}

interface FieldToAggregate {
  fieldToAggregate: string;
  renameField?: boolean;
  outputFieldName?: string;
}

export class Aggregate implements INodeType {
  description = aggregateDescription;

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const options = this.getNodeParameter('options', 0, {}) as AggregateOptions;
    const aggregate = this.getNodeParameter('aggregate', 0, '') as string;
    const result = aggregate === 'aggregateIndividualFields' ? byField(this, items, options) : allItemData(this, items);
    if (options.includeBinaries) addBinaries(result, items, Boolean(options.keepOnlyUnique));
    return [[result]];
  }
}

function byField(
  context: IExecuteFunctions,
  items: INodeExecutionData[],
  options: AggregateOptions,
): INodeExecutionData {
  const fields = ((context.getNodeParameter('fieldsToAggregate', 0, {}) as IDataObject).fieldToAggregate ??
    []) as FieldToAggregate[];
  if (!fields.length)
    throw new NodeOperationError(context.getNode(), 'No fields specified', {
      description: 'Please add a field to aggregate',
    });
  const dotted = !options.disableDotNotation;
  const values = new Map<string, unknown[]>();
  const outputFields: string[] = [];
  for (const { fieldToAggregate, outputFieldName, renameField } of fields) {
    const field = renameField ? outputFieldName : fieldToAggregate;
    if (outputFields.includes(field as string))
      throw new NodeOperationError(context.getNode(), `The '${field}' output field is used more than once`, {
        description: 'Please make sure each output field name is unique',
      });
    outputFields.push(field as string);
    if (fieldToAggregate === '') continue;
    // Without a new name, a nested field lands under its last key (`a.b` → `b`).
    const target =
      outputFieldName ||
      (dotted && fieldToAggregate.includes('.') ? fieldToAggregate.split('.').pop()! : fieldToAggregate);
    values.set(target, collect(items, fieldToAggregate, dotted, options));
  }
  const json: IDataObject = {};
  for (const [key, list] of values) {
    if (dotted) setPath(json, key, list);
    else setKey(json, key, list);
  }
  return { json, pairedItem: items.map((_, item) => ({ item })) };
}

/** The field's values in item order; missing and null values are dropped unless `keepMissing`. */
function collect(items: INodeExecutionData[], field: string, dotted: boolean, options: AggregateOptions): unknown[] {
  const list: unknown[] = [];
  for (const item of items) {
    let value = dotted ? getPath(item.json, field) : ownValue(item.json, field);
    if (!options.keepMissing) {
      if (Array.isArray(value)) value = value.filter((entry) => entry !== null);
      else if (value === null || value === undefined) continue;
    }
    // A loop, not `push(...value)`: a spread of a huge list overflows the call stack.
    if (Array.isArray(value) && options.mergeLists) for (const entry of value as unknown[]) list.push(entry);
    else list.push(value);
  }
  return list;
}

const ownValue = (json: IDataObject, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(json, key) ? json[key] : undefined;

function allItemData(context: IExecuteFunctions, items: INodeExecutionData[]): INodeExecutionData {
  const destination = context.getNodeParameter('destinationFieldName', 0) as string;
  const exclude = prepareFieldsArray(context.getNodeParameter('fieldsToExclude', 0, ''), 'Fields To Exclude');
  const include = prepareFieldsArray(context.getNodeParameter('fieldsToInclude', 0, ''), 'Fields To Include');
  let list: IDataObject[] = items.map((item) => item.json);
  let pairedItem = items.map((_, item) => ({ item }));
  if (exclude.length || include.length) {
    list = [];
    pairedItem = [];
    items.forEach((item, index) => {
      const kept: IDataObject = {};
      for (const key of Object.keys(item.json)) {
        if (exclude.includes(key) || (include.length && !include.includes(key))) continue;
        setKey(kept, key, item.json[key]);
      }
      // An item left with no field is dropped, not kept as `{}`.
      if (Object.keys(kept).length === 0) return;
      list.push(kept);
      pairedItem.push({ item: index });
    });
  }
  const json: IDataObject = {};
  setKey(json, destination, list);
  return { json, pairedItem };
}

/** Every aggregated item's binary files on the one item; a repeated key gets `_1`, `_2`, …. */
function addBinaries(result: INodeExecutionData, items: INodeExecutionData[], uniqueOnly: boolean): void {
  const seen: string[] = [];
  const paired = (result.pairedItem ?? []) as Array<{ item: number }>;
  for (const { item } of paired) {
    for (const [key, binary] of Object.entries(items[item]?.binary ?? {})) {
      const signature = JSON.stringify([binary.mimeType, binary.fileType, binary.fileSize, binary.fileExtension]);
      if (uniqueOnly && seen.includes(signature)) continue;
      seen.push(signature);
      result.binary ??= {};
      let name = key;
      for (let suffix = 1; result.binary[name] !== undefined; suffix++) name = `${key}_${suffix}`;
      result.binary[name] = binary;
    }
  }
}
