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
import { memo } from '../memo.js';

/** A parsed `$json` path: keys and array indexes, in order. */
export type JsonPath = readonly (string | number)[];

/** The steps of a `$json` read: `.key`, `[0]`, `["key"]`, `['key']`. */
export const STEPS = /(?:\.[A-Za-z_$][\w$]*|\[(?:\d{1,9}|"[^"\\]*"|'[^'\\]*')\])+/.source;
const WHOLE = new RegExp(`^=\\{\\{\\s*\\$json(${STEPS})\\s*\\}\\}$`);
const STEP = /\.([A-Za-z_$][\w$]*)|\[(\d{1,9})\]|\["([^"\\]*)"\]|\['([^'\\]*)'\]/g;
/** Keys n8n's expression sanitizer refuses or that reach the prototype: always left to n8n. */
const REFUSED = new Set(['__proto__', 'prototype', 'constructor', 'mainModule']);

const parsed = new Map<string, JsonPath | null>();
/** Parameters come from workflow files, so the set of strings is small; the cap only bounds a surprise. */
const MAX_PARSED = 10_000;

/** The path a parameter reads, or null when it is anything other than one plain `$json` read. */
export function jsonPathOf(parameter: string): JsonPath | null {
  return memo(parsed, parameter, parse, MAX_PARSED);
}

function parse(parameter: string): JsonPath | null {
  const match = WHOLE.exec(parameter);
  return match ? parseSteps(match[1]) : null;
}

/** The steps after `$json` (`.a["b c"][0]`, already known to be only steps) as a path; null if one is refused. */
export function parseSteps(steps: string): JsonPath | null {
  const path: (string | number)[] = [];
  for (const step of steps.matchAll(STEP)) {
    const key = step[1] ?? step[3] ?? step[4];
    if (key !== undefined) {
      // n8n's sandbox refuses a bare `$` identifier (`$json.a.$`: "Cannot access "$" without calling it").
      if (REFUSED.has(key) || key.length === 0 || step[1] === '$') return null;
      path.push(key);
    } else path.push(Number(step[2]));
  }
  return path;
}

/** Where the fast path cannot answer. */
export const NOT_PLAIN: unique symbol = Symbol('not a plain read');
/** `readJsonPath` with `missingLast`: the last key is not in the object, own or inherited (JS gives `undefined`). */
export const MISSING: unique symbol = Symbol('missing key');

/**
 * The value at `path` in `json` as n8n would give it, or NOT_PLAIN when n8n must decide.
 * `missingLast`: a last key absent from a plain object gives MISSING instead of NOT_PLAIN.
 */
export function readJsonPath(json: unknown, path: JsonPath, missingLast = false): unknown {
  let value: unknown = json;
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    if (Array.isArray(value)) {
      if (typeof step !== 'number' || step >= value.length) return NOT_PLAIN;
      value = value[step];
    } else if (isPlainObject(value)) {
      if (typeof step !== 'string') return NOT_PLAIN;
      if (!Object.hasOwn(value, step))
        return missingLast && i === path.length - 1 && !(step in value) ? MISSING : NOT_PLAIN;
      const descriptor = Object.getOwnPropertyDescriptor(value, step)!;
      if (!('value' in descriptor)) return NOT_PLAIN;
      value = descriptor.value;
    } else return NOT_PLAIN;
  }
  return isJsonValue(value) ? value : NOT_PLAIN;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
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
