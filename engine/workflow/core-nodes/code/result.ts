/**
 * What a Code node's return value becomes: n8n's normalisation (a plain object is wrapped in
 * `{ json }`, an array of plain objects becomes one item each) and its validation errors, worded
 * as n8n 2.8 words them (`… [item N]`), so a workflow that fails in n8n fails the same way here.
 * Values arrive as JSON (see `sandbox-types.ts`), so dates are strings already.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

/** The keys an n8n item may have at its top level. */
const ITEM_KEYS = new Set(['json', 'binary', 'pairedItem', 'error', 'index']);

/** A Code node's return value that n8n refuses; `description` is n8n's second line. */
export class CodeResultError extends Error {
  override name = 'CodeResultError';
  constructor(
    message: string,
    readonly description: string,
    readonly itemIndex?: number,
  ) {
    super(itemIndex === undefined ? message : `${message} [item ${itemIndex}]`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const notItems = () =>
  new CodeResultError(
    "Code doesn't return items properly",
    'Please return an array of objects, one for each item you would like to output.',
  );

/** An item with keys beside n8n's: a misplaced field, or (beside a reserved key) a wrong shape. */
function checkTopLevelKeys(item: Record<string, unknown>, itemIndex: number): void {
  const keys = Object.keys(item);
  const unknown = keys.filter((key) => !ITEM_KEYS.has(key));
  if (unknown.length === 0) return;
  const reserved = keys.find((key) => ITEM_KEYS.has(key));
  if (reserved !== undefined)
    throw new CodeResultError(
      'Invalid output format',
      `An output item contains the reserved key ${reserved}. Wrap each item in an object, under a key called json.`,
      itemIndex,
    );
  throw new CodeResultError(
    `Unknown top-level item key: ${unknown[0]}`,
    'Access the properties of an item under `.json`, e.g. `item.json`',
    itemIndex,
  );
}

function checkItem(item: INodeExecutionData, itemIndex: number): void {
  for (const key of ['json', 'binary'] as const) {
    if (key === 'binary' && item.binary === undefined) continue;
    if (!isObject(item[key]))
      throw new CodeResultError(
        `A '${key}' property isn't an object`,
        `In the returned data, every key named '${key}' must point to an object.`,
        itemIndex,
      );
  }
}

/** n8n's item normalisation: all items already, all plain values, or an inconsistent mix. */
function normalise(values: Record<string, unknown>[]): INodeExecutionData[] {
  const withJson = values.filter((value) => 'json' in value).length;
  if (withJson === values.length) return values as unknown as INodeExecutionData[];
  if (withJson > 0) throw new Error('Inconsistent item format');
  const withBinary = values.filter((value) => 'binary' in value).length;
  if (withBinary > 0 && withBinary < values.length) throw new Error('Inconsistent item format');
  if (withBinary > 0)
    return values.map(({ binary, ...json }) => ({ json: json as IDataObject, binary: binary as never }));
  return values.map((json) => ({ json: json as IDataObject }));
}

/** The items of an all-items run, or n8n's error for a value that is not items. */
export function itemsFromAllItemsRun(value: unknown): INodeExecutionData[] {
  if (value === null) return [];
  if (typeof value !== 'object' || value === undefined) throw notItems();
  let items: INodeExecutionData[];
  if (Array.isArray(value)) {
    if (!value.every(isObject)) throw notItems();
    // Once one element looks like an n8n item, every element must be one.
    if (value.some((element) => Object.keys(element).some((key) => ITEM_KEYS.has(key))))
      value.forEach((element, index) => checkTopLevelKeys(element, index));
    items = normalise(value);
  } else {
    const single = value as Record<string, unknown>;
    items = [single.json ? (single as unknown as INodeExecutionData) : { json: single as IDataObject }];
  }
  items.forEach(checkItem);
  return items;
}

/**
 * The item of one each-item run, or null when the code returned nothing (n8n skips a falsy
 * return). An object with `json` gives that `json`; any other value is the item's `json`, which
 * must then be an object.
 */
export function itemFromEachItemRun(value: unknown, itemIndex: number): INodeExecutionData | null {
  if (!value) return null;
  let json: unknown = value;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const returned = value as Record<string, unknown>;
    if ('json' in returned) json = returned.json;
    else if ('binary' in returned) json = {};
  }
  const item = { json: json as IDataObject, pairedItem: { item: itemIndex } };
  checkItem(item, itemIndex);
  return item;
}
