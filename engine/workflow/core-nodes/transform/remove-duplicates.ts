/**
 * "Remove items repeated within current input", as n8n's Remove Duplicates node v1 and v2 do it:
 * compare all fields (every leaf path of every item), all but some, or selected ones; items are
 * sorted by those fields (n8n's comparison, `compare.ts`) and an item equal to the one kept before
 * it in that order is dropped, so the first of each group in input order stays. Fields must exist
 * in every item with one type (v2 allows null), else n8n's errors.
 */
import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from '../../../node-contract/n8n-runtime.js';
import { getPath, setKey, setPath, toPath } from '../data-path.js';
import { prepareFieldsArray } from '../field-list.js';
import { isEqualValue, isLessThan } from './compare.js';

interface DedupeOptions {
  disableDotNotation?: boolean;
  removeOtherFields?: boolean;
}

export function removeDuplicateInputItems(
  context: IExecuteFunctions,
  items: INodeExecutionData[],
): INodeExecutionData[][] {
  if (items.length === 0) return [[]];
  const compare = context.getNodeParameter('compare', 0) as string;
  const options = context.getNodeParameter('options', 0, {}) as DedupeOptions;
  const dotted = !options.disableDotNotation;
  const keys = compareKeys(context, items, compare, dotted);
  const read = (json: IDataObject, key: string): unknown => (dotted ? getPath(json, key) : ownValue(json, key));
  const sameKeys = (a: IDataObject, b: IDataObject) => keys.every((key) => isEqualValue(read(a, key), read(b, key)));
  const sorted = items.map((item, index) => ({ json: item.json, index }));
  sorted.sort((a, b) => {
    for (const key of keys) {
      const [left, right] = [read(a.json, key), read(b.json, key)];
      if (!isEqualValue(left, right)) return isLessThan(left, right) ? -1 : 1;
    }
    return 0;
  });
  validateInputData(context.getNode(), sorted, keys, read, dotted);
  const removed = new Set<number>();
  let kept = sorted[0];
  for (const entry of sorted.slice(1)) {
    if (sameKeys(entry.json, kept.json)) removed.add(entry.index);
    else kept = entry;
  }
  const remaining = items.filter((_, index) => !removed.has(index));
  if (!options.removeOtherFields) return [remaining];
  return [remaining.map((item, index) => ({ json: pick(item.json, keys), pairedItem: { item: index } }))];
}

function compareKeys(
  context: IExecuteFunctions,
  items: INodeExecutionData[],
  compare: string,
  dotted: boolean,
): string[] {
  const keysOf = (json: IDataObject) => (dotted ? leafPaths(json) : Object.keys(json));
  if (compare === 'allFieldsExcept') {
    const exclude = prepareFieldsArray(context.getNodeParameter('fieldsToExclude', 0, ''), 'Fields To Exclude');
    if (!exclude.length)
      throw new NodeOperationError(
        context.getNode(),
        'No fields specified. Please add a field to exclude from comparison',
      );
    // As n8n: with dot notation only the first item's fields count here.
    const base = dotted ? keysOf(items[0].json) : unionOfKeys(items, keysOf);
    return base.filter((key) => !exclude.includes(key));
  }
  if (compare === 'selectedFields') {
    const selected = prepareFieldsArray(context.getNodeParameter('fieldsToCompare', 0, ''), 'Fields To Compare');
    if (!selected.length)
      throw new NodeOperationError(context.getNode(), 'No fields specified. Please add a field to compare on');
    return selected.map((key) => key.trim());
  }
  return unionOfKeys(items, keysOf);
}

function unionOfKeys(items: INodeExecutionData[], keysOf: (json: IDataObject) => string[]): string[] {
  const keys: string[] = [];
  for (const item of items) for (const key of keysOf(item.json)) if (!keys.includes(key)) keys.push(key);
  return keys;
}

/** Dotted paths of every leaf (`a.b`, `list.0`); empty objects and lists have none. */
function leafPaths(json: IDataObject): string[] {
  const paths: IDataObject = {};
  const walk = (value: unknown, prefix: string[]) => {
    if (typeof value !== 'object' || value === null) {
      setKey(paths, prefix.join('.'), true);
      return;
    }
    for (const [key, child] of Object.entries(value)) walk(child, [...prefix, key]);
  };
  walk(json, []);
  // An object's own key order (integer-like keys first), as the dotted keys' object in n8n has.
  return Object.keys(paths);
}

function validateInputData(
  node: INode,
  sorted: Array<{ json: IDataObject }>,
  keys: string[],
  read: (json: IDataObject, key: string) => unknown,
  dotted: boolean,
): void {
  for (const key of keys) {
    let type: string | undefined;
    for (const { json } of sorted) {
      if (key === '') throw new NodeOperationError(node, 'Name of field to compare is blank');
      const value = read(json, key);
      if (value === null && node.typeVersion > 1) continue;
      if (value === undefined)
        throw new NodeOperationError(node, `'${key}' field is missing from some input items`, {
          description:
            !dotted && key.includes('.')
              ? "If you're trying to use a nested field, make sure you turn off 'disable dot notation' in the node options"
              : undefined,
        });
      if (type !== undefined && type !== typeof value)
        throw new NodeOperationError(node, `'${key}' isn't always the same type`, {
          description: 'The type of this field varies between items',
        });
      type = typeof value;
    }
  }
}

const ownValue = (json: IDataObject, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(json, key) ? json[key] : undefined;

/** The compared fields only (lodash's `pick`: nested paths stay nested). */
function pick(json: IDataObject, keys: string[]): IDataObject {
  const picked: IDataObject = {};
  for (const key of keys) {
    const path = toPath(key, json);
    const value = getPath(json, path);
    if (value !== undefined || hasOwnPath(json, path)) setPath(picked, path, value);
  }
  return picked;
}

function hasOwnPath(json: IDataObject, path: string[]): boolean {
  const parent = path.length > 1 ? getPath(json, path.slice(0, -1)) : json;
  return (
    typeof parent === 'object' && parent !== null && Object.prototype.hasOwnProperty.call(parent, path[path.length - 1])
  );
}
