/**
 * What Edit Fields does to one item, in the order n8n does it: typed values are checked and
 * converted by n8n-workflow's `validateFieldType` (so conversions and their messages are n8n's),
 * JSON text is parsed (and repaired, as n8n does), and the output item is composed from the
 * input fields it keeps plus the new fields, written by dot path unless dot notation is off.
 */
import type { FieldType, IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import {
  ApplicationError,
  NodeOperationError,
  deepCopy,
  getValueDescription,
  jsonParse,
  validateFieldType,
} from '../../../node-contract/n8n-runtime.js';
import { getPath, setKey, setPath, unsetPath } from '../data-path.js';
import { splitFieldList } from '../field-list.js';

/** The node's `options` plus the resolved `include` choice. */
export interface SetOptions {
  include: 'all' | 'none' | 'selected' | 'except';
  dotNotation?: boolean;
  ignoreConversionErrors?: boolean;
  includeBinary?: boolean;
  stripBinary?: boolean;
}

/**
 * A field's value converted to its declared type. v3.2+ passes null and undefined through as
 * null; a conversion that fails is an error naming the field and the item, or (ignoring errors)
 * the value as given.
 */
export function validateEntry(
  name: string,
  type: FieldType,
  value: unknown,
  node: INode,
  itemIndex: number,
  ignoreErrors = false,
): { name: string; value: unknown } {
  const version = node.typeVersion;
  if (version >= 3.2 && (value === undefined || value === null)) return { name, value: null };
  const description = `To fix the error try to change the type for the field "${name}" or activate the option “Ignore Type Conversion Errors” to apply a less strict type validation`;
  if (type === 'string') {
    if (version > 3 && (value === undefined || value === null)) {
      if (ignoreErrors) return { name, value: null };
      const message = `'${name}' expects a ${type} but we got ${getValueDescription(value)} [item ${itemIndex}]`;
      throw new NodeOperationError(node, message, { description });
    }
    value = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  const result = validateFieldType(name, value, type);
  if (!result.valid) {
    if (ignoreErrors) return { name, value: value ?? null };
    throw new NodeOperationError(node, `${result.errorMessage} [item ${itemIndex}]`, { itemIndex, description });
  }
  return { name, value: result.newValue ?? null };
}

/**
 * JSON text as an object. Text that is not quite JSON is repaired first (n8n-workflow's
 * `jsonParse` with `repairJSON`, as n8n does); anything but an object is an error.
 */
export function parseJsonParameter(json: unknown, node: INode, itemIndex: number, entryName?: string): IDataObject {
  const location = entryName ? `entry "${entryName}" inside 'Fields to Set'` : "'JSON Output'";
  let parsed: unknown = json;
  if (typeof json === 'string') {
    try {
      parsed = jsonParse(json, { repairJSON: true });
    } catch {
      throw new NodeOperationError(node, `The ${location} in item ${itemIndex} contains invalid JSON`, {
        description: json,
      });
    }
  }
  if (parsed === undefined || typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new NodeOperationError(node, `The ${location} in item ${itemIndex} does not contain a valid JSON object`);
  return parsed as IDataObject;
}

/**
 * JSON text with each `{{ … }}` replaced by its value for the item (objects as JSON, the rest as
 * text): n8n's JSON mode treats the whole parameter as a template, not as one expression.
 */
export function resolveRawData(context: IExecuteFunctions, raw: string, itemIndex: number): string {
  let text = raw;
  for (const resolvable of raw.match(/{{[\s\S]*?}}/g) ?? []) {
    const value = context.evaluateExpression(resolvable, itemIndex);
    const replacement = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    text = text.replace(resolvable, () => replacement);
  }
  return text;
}

interface FieldAccess {
  get(item: IDataObject, key: string): unknown;
  set(item: IDataObject, key: string, value: unknown): void;
  unset(item: IDataObject, key: string): void;
}

const DOT_PATHS: FieldAccess = { get: getPath, set: setPath, unset: unsetPath };

/** Keys as given; `["a.b"]` or `['a.b']` names the key inside the brackets when that key exists. */
const PLAIN_KEYS: FieldAccess = {
  get: (item, key) => getPath(item, [plainKey(item, key)]),
  set: (item, key, value) => setKey(item, plainKey(item, key), value),
  unset: (item, key) => unsetPath(item, [plainKey(item, key)]),
};

function plainKey(item: IDataObject, key: string): string {
  if (item[key] !== undefined) return key;
  const bracketed = (key.startsWith("['") && key.endsWith("']")) || (key.startsWith('["') && key.endsWith('"]'));
  return bracketed && item[key.slice(2, -2)] !== undefined ? key.slice(2, -2) : key;
}

/** The output item: the input fields `include` keeps, then the new fields on top. */
export function composeReturnItem(
  context: IExecuteFunctions,
  itemIndex: number,
  input: INodeExecutionData,
  newFields: IDataObject,
  options: SetOptions,
  version: number,
): INodeExecutionData {
  const item: INodeExecutionData = { json: {}, pairedItem: { item: itemIndex } };
  const keepBinary =
    version >= 3.4 ? !options.stripBinary && options.include !== 'none' : Boolean(options.includeBinary);
  if (keepBinary && input.binary !== undefined) item.binary = { ...input.binary };
  const access = options.dotNotation === false ? PLAIN_KEYS : DOT_PATHS;
  item.json = keptInputFields(context, itemIndex, input.json, options, access);
  for (const key of Object.keys(newFields)) access.set(item.json, key, newFields[key]);
  return item;
}

function keptInputFields(
  context: IExecuteFunctions,
  itemIndex: number,
  json: IDataObject,
  options: SetOptions,
  access: FieldAccess,
): IDataObject {
  switch (options.include) {
    case 'all':
      return deepCopy(json);
    case 'none':
      return {};
    case 'selected': {
      const kept: IDataObject = {};
      for (const key of splitFieldList(context.getNodeParameter('includeFields', itemIndex))) {
        // With dot notation a nested field is kept under its last key (`a.b` → `b`), as in n8n.
        const target = options.dotNotation !== false && key.includes('.') ? key.split('.').pop()! : key;
        access.set(kept, target, access.get(json, key));
      }
      return kept;
    }
    case 'except': {
      const kept = deepCopy(json);
      for (const key of splitFieldList(context.getNodeParameter('excludeFields', itemIndex))) access.unset(kept, key);
      return kept;
    }
    default:
      throw new ApplicationError(`The include option "${String(options.include)}" is not known!`, {
        level: 'warning',
      });
  }
}
