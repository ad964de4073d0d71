/**
 * The fast path for the expression shapes webhook workflows are mostly made of, answered without
 * n8n-workflow's evaluator (which builds a data proxy of the whole run, and luxon dates, for each
 * one). Each `{{ }}` holds one read of the current item, optionally one method (a string's
 * `toUpperCase()`, `toLowerCase()`, `trim()`; a string's or an array's `includes(literal)`) and a
 * literal default, or the item (or a read of it) as JSON text:
 *
 *   `={{ $json.body.email }}`, `={{ $json.name.toUpperCase() }}`, `={{ $json.source || 'web' }}`,
 *   `={{ $json.tags.includes('vip') }}`, `={{ JSON.stringify($json) }}` (the HTTP Request node's
 *   usual JSON body), `=Lead {{ $json.name }} from {{ $json.company || 'unknown' }}` (a template).
 *
 * It answers only where the answer is certainly n8n's (read steps as in json-path-expressions.ts;
 * a string method only on a string, `includes` only on a string or an array, `JSON.stringify` only
 * of JSON data; a template only with scalar values, which n8n writes as `String()` does and null or
 * missing as nothing; text without characters n8n's template syntax gives a meaning). Anything else is NOT_PLAIN and n8n-workflow evaluates it; `simple-expressions.test.ts`
 * checks every answer against n8n-workflow on generated items and expressions.
 */
import { isPlainObject, MISSING, NOT_PLAIN, parseSteps, readJsonPath, STEPS } from './json-path-expressions.js';
import { memo } from '../memo.js';

export { NOT_PLAIN } from './json-path-expressions.js';

/** A compiled parameter string: its value for one item's `json`, or NOT_PLAIN. */
type Evaluate = (json: unknown) => unknown;

const STRING_METHODS = {
  toUpperCase: (text: string) => text.toUpperCase(),
  toLowerCase: (text: string) => text.toLowerCase(),
  trim: (text: string) => text.trim(),
} as const;

const LITERAL = String.raw`'[^'\\\n]*'|"[^"\\\n]*"|-?(?:0|[1-9]\d{0,14})(?:\.\d{1,15})?|true|false|null`;
const SEGMENT = new RegExp(
  String.raw`^\s*\$json(${STEPS})(?:\.(toUpperCase|toLowerCase|trim)\(\)|\.includes\(\s*(${LITERAL})\s*\))?(?:\s*\|\|\s*(${LITERAL}))?\s*$`,
);
/** `JSON.stringify($json…)`: the item, or a read of it, as JSON text. */
const STRINGIFY = new RegExp(String.raw`^\s*JSON\.stringify\(\s*\$json(${STEPS})?\s*\)\s*$`);
/** Template text n8n copies as is: nothing its template or JavaScript syntax could read. */
const PLAIN_TEXT = /^[^{}\\$`]*$/;

const compiled = new Map<string, Evaluate | null>();
/** Parameters come from workflow files, so the set of strings is small; the cap only bounds a surprise. */
const MAX_COMPILED = 10_000;

/** The parameter string compiled, or null when it is not one of the shapes above. */
function compileParameter(parameter: string): Evaluate | null {
  return memo(compiled, parameter, compile, MAX_COMPILED);
}

function compile(parameter: string): Evaluate | null {
  const parts = splitTemplate(parameter.slice(1));
  if (parts === null) return null;
  const segments: (string | Evaluate)[] = [];
  for (const [i, part] of parts.entries()) {
    if (i % 2 === 0) {
      if (!PLAIN_TEXT.test(part)) return null;
      if (part !== '') segments.push(part);
    } else {
      const segment = compileSegment(part);
      if (segment === null) return null;
      segments.push(segment);
    }
  }
  if (segments.length === 1 && typeof segments[0] === 'function') return segments[0];
  return (json) => {
    let text = '';
    for (const segment of segments) {
      if (typeof segment === 'string') text += segment;
      else {
        const value = segment(json);
        if (value === NOT_PLAIN || !isScalar(value)) return NOT_PLAIN;
        text += value === null || value === undefined ? '' : String(value);
      }
    }
    return text;
  };
}

/** Text and expressions alternating (text first, possibly empty); null without any `{{ }}`. */
function splitTemplate(body: string): string[] | null {
  const parts: string[] = [];
  let at = 0;
  for (;;) {
    const open = body.indexOf('{{', at);
    if (open === -1) break;
    const close = body.indexOf('}}', open + 2);
    if (close === -1) return null;
    parts.push(body.slice(at, open), body.slice(open + 2, close));
    at = close + 2;
  }
  parts.push(body.slice(at));
  return parts.length > 1 ? parts : null;
}

function compileSegment(source: string): Evaluate | null {
  const stringify = STRINGIFY.exec(source);
  if (stringify) return compileStringify(stringify[1] ?? '');
  const match = SEGMENT.exec(source);
  if (!match) return null;
  const path = parseSteps(match[1]);
  if (path === null) return null;
  const method = match[2] as keyof typeof STRING_METHODS | undefined;
  const includes = match[3] === undefined ? null : { value: literal(match[3]) };
  const hasDefault = match[4] !== undefined;
  const fallback = hasDefault ? literal(match[4]) : undefined;
  return (json) => {
    let value = readJsonPath(json, path, hasDefault && method === undefined && includes === null);
    if (value === NOT_PLAIN) return NOT_PLAIN;
    if (value === MISSING) return fallback;
    if (method !== undefined) {
      if (typeof value !== 'string') return NOT_PLAIN;
      value = STRING_METHODS[method](value);
    } else if (includes !== null) {
      // String.prototype.includes turns its argument into a string, as the n8n sandbox's does.
      if (typeof value === 'string') value = value.includes(includes.value as string);
      else if (Array.isArray(value)) value = value.includes(includes.value);
      else return NOT_PLAIN;
    }
    return hasDefault ? value || fallback : value;
  };
}

/** `JSON.stringify` of the item or of a read of it: the same object, so the same text as in n8n. */
function compileStringify(steps: string): Evaluate | null {
  const path = parseSteps(steps);
  if (path === null) return null;
  return (json) => {
    const value = readJsonPath(json, path);
    if (value === NOT_PLAIN) return NOT_PLAIN;
    try {
      return JSON.stringify(value);
    } catch {
      // A cycle or a BigInt deep inside: n8n words that error.
      return NOT_PLAIN;
    }
  };
}

function literal(source: string): unknown {
  if (source.startsWith("'") || source.startsWith('"')) return source.slice(1, -1);
  if (source === 'true' || source === 'false') return source === 'true';
  return source === 'null' ? null : Number(source);
}

function isScalar(value: unknown): boolean {
  return value === null || value === undefined || ['string', 'number', 'boolean'].includes(typeof value);
}

/**
 * A whole parameter (a string, or an object or array of them, as n8n resolves nested parameters
 * entry by entry) resolved on the fast path, or NOT_PLAIN when any expression in it is not one of
 * the shapes above.
 */
export function resolvePlainReads(parameter: unknown, json: unknown): unknown {
  if (typeof parameter === 'string') {
    if (!parameter.startsWith('=')) return parameter;
    const evaluate = compileParameter(parameter);
    if (evaluate === null) return NOT_PLAIN;
    const value = evaluate(json);
    // A whole `{{ }}` yields the value itself; `undefined` (a missing key with no default) is n8n's to say.
    return value === undefined ? NOT_PLAIN : value;
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
