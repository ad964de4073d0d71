/**
 * A fast path for the commonest n8n expression, a plain read of the current item: `={{ $json.a.b }}`,
 * `={{ $json["a b"][0] }}`. n8n-workflow evaluates every expression by building a data proxy of the
 * whole run (about 0.2 ms each on this machine, most of a webhook request's cost), and for these
 * the answer is just the value at that path of `$json`.
 *
 * It answers only where the answer is certainly n8n's: the whole parameter is the one expression,
 * each step is a key of a plain object or an index of an array that is there (no inherited property,
 * no getter, nothing n8n's sanitizer refuses), and the value is JSON data. Anything else returns
 * `undefined` from `readJsonPath` and n8n-workflow evaluates it as before; `json-path-expressions
 * .test.ts` checks both against n8n-workflow on generated items and paths.
 */

/** A parsed `$json` path: keys and array indexes, in order. */
export type JsonPath = readonly (string | number)[];

const WHOLE = /^=\{\{\s*\$json((?:\.[A-Za-z_$][\w$]*|\[(?:\d{1,9}|"[^"\\]*"|'[^'\\]*')\])+)\s*\}\}$/;
const STEP = /\.([A-Za-z_$][\w$]*)|\[(\d{1,9})\]|\["([^"\\]*)"\]|\['([^'\\]*)'\]/g;
/** Keys n8n's expression sanitizer refuses or that reach the prototype: always left to n8n. */
const REFUSED = new Set(['__proto__', 'prototype', 'constructor', 'mainModule']);

const parsed = new Map<string, JsonPath | null>();
/** Parameters come from workflow files, so the set of strings is small; the cap only bounds a surprise. */
const MAX_PARSED = 10_000;

/** The path a parameter reads, or null when it is anything other than one plain `$json` read. */
export function jsonPathOf(parameter: string): JsonPath | null {
  let path = parsed.get(parameter);
  if (path === undefined) {
    path = parse(parameter);
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(parameter, path);
  }
  return path;
}

function parse(parameter: string): JsonPath | null {
  const match = WHOLE.exec(parameter);
  if (!match) return null;
  const path: (string | number)[] = [];
  for (const step of match[1].matchAll(STEP)) {
    const key = step[1] ?? step[3] ?? step[4];
    if (key !== undefined) {
      if (REFUSED.has(key) || key.length === 0) return null;
      path.push(key);
    } else path.push(Number(step[2]));
  }
  return path;
}

/** Where the fast path cannot answer. */
export const NOT_PLAIN: unique symbol = Symbol('not a plain read');

/** The value at `path` in `json` as n8n would give it, or NOT_PLAIN when n8n must decide. */
export function readJsonPath(json: unknown, path: JsonPath): unknown {
  let value: unknown = json;
  for (const step of path) {
    if (Array.isArray(value)) {
      if (typeof step !== 'number' || step >= value.length) return NOT_PLAIN;
      value = value[step];
    } else if (isPlainObject(value)) {
      if (typeof step !== 'string' || !Object.hasOwn(value, step)) return NOT_PLAIN;
      const descriptor = Object.getOwnPropertyDescriptor(value, step)!;
      if (!('value' in descriptor)) return NOT_PLAIN;
      value = descriptor.value;
    } else return NOT_PLAIN;
  }
  return isJsonValue(value) ? value : NOT_PLAIN;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** JSON data only: n8n hands back other things (dates, functions) in its own ways. */
function isJsonValue(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      return value === null || Array.isArray(value) || isPlainObject(value);
    default:
      return false;
  }
}

/**
 * A whole parameter (a string, or an object or array of them, as n8n resolves nested parameters
 * entry by entry) resolved on the fast path, or NOT_PLAIN when any expression in it is not a plain read.
 */
export function resolvePlainReads(parameter: unknown, json: unknown): unknown {
  if (typeof parameter === 'string') {
    if (!parameter.startsWith('=')) return parameter;
    const path = jsonPathOf(parameter);
    return path ? readJsonPath(json, path) : NOT_PLAIN;
  }
  if (Array.isArray(parameter)) {
    const resolved: unknown[] = [];
    for (const entry of parameter) {
      const value = resolvePlainReads(entry, json);
      if (value === NOT_PLAIN) return NOT_PLAIN;
      resolved.push(value);
    }
    return resolved;
  }
  if (isPlainObject(parameter)) {
    const resolved: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(parameter)) {
      const value = resolvePlainReads(entry, json);
      if (value === NOT_PLAIN) return NOT_PLAIN;
      resolved[key] = value;
    }
    return resolved;
  }
  return parameter;
}
