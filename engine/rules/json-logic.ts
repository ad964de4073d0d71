/**
 * The json-logic-js instance, Hookline's custom operations registered on it once at module load,
 * and validation of JSON-logic a caller sends verbatim.
 *
 * The custom operations are registered on the shared json-logic-js singleton so that a stored
 * `logic` can also be evaluated with plain `jsonLogic.apply(logic, {...data, $event: event})`
 * (for example by an n8n node); Hookline's own hot path uses the compiled evaluator instead.
 */
import jsonLogic from 'json-logic-js';
import { indexField, isPlainObject, keyField, ruleError } from './limits.js';
import { parsePath } from './paths.js';
import type { JsonLogic } from './types.js';

export { jsonLogic };

/** JSON-logic truthiness (jsonlogic.com/truthy): like JavaScript's, except `[]` is false. */
export function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

/** The builtin `in`: membership in an array, or substring of a string; anything else is false. */
export function inList(needle: unknown, haystack: unknown): boolean {
  if (Array.isArray(haystack)) return haystack.includes(needle);
  return typeof haystack === 'string' ? haystack.includes(String(needle)) : false;
}

/**
 * Operations json-logic-js lacks. Each takes plain values and never throws: a missing field
 * arrives as `null` and simply does not match.
 */
export const CUSTOM_OPERATIONS = Object.freeze({
  /** `{"startsWith":[{"var":"name"},"My"]}`: string prefix; non-strings are false. */
  startsWith: (value: unknown, prefix: unknown): boolean =>
    typeof value === 'string' && typeof prefix === 'string' && value.startsWith(prefix),
  /** `{"endsWith":[{"var":"email"},"@example.com"]}`: string suffix; non-strings are false. */
  endsWith: (value: unknown, suffix: unknown): boolean =>
    typeof value === 'string' && typeof suffix === 'string' && value.endsWith(suffix),
  /** `{"contains":[{"var":"tags"},"vip"]}`: array element or substring; anything else is false. */
  contains: (value: unknown, item: unknown): boolean => {
    if (Array.isArray(value)) return value.includes(item);
    return typeof value === 'string' && typeof item === 'string' && value.includes(item);
  },
  /** `{"exists":[{"var":"a.b"}]}`: the field is present and not null. */
  exists: (value: unknown): boolean => value !== null && value !== undefined,
  /** `{"nin":[{"var":"status"},["failed","cancelled"]]}`: the negation of `in`. */
  nin: (value: unknown, list: unknown): boolean => !inList(value, list),
});

export type CustomOperation = keyof typeof CUSTOM_OPERATIONS;

// Registered once: json-logic-js keeps operations in a module-level table.
for (const [name, operation] of Object.entries(CUSTOM_OPERATIONS)) jsonLogic.add_operation(name, operation);

/**
 * json-logic-js builtins a rule may use. `log` is left out on purpose: it would let any
 * subscriber write to the server's console once per event.
 */
const BUILTIN_OPERATORS = [
  'var',
  'missing',
  'missing_some',
  'if',
  '?:',
  '==',
  '===',
  '!=',
  '!==',
  '!',
  '!!',
  'or',
  'and',
  '>',
  '>=',
  '<',
  '<=',
  'max',
  'min',
  '+',
  '-',
  '*',
  '/',
  '%',
  'map',
  'filter',
  'reduce',
  'all',
  'none',
  'some',
  'merge',
  'in',
  'cat',
  'substr',
] as const;

/** Every operator accepted in JSON-logic rules: the builtins plus {@link CUSTOM_OPERATIONS}. */
export const KNOWN_OPERATORS: ReadonlySet<string> = new Set([...BUILTIN_OPERATORS, ...Object.keys(CUSTOM_OPERATIONS)]);

/** True when `value` is real JSON-logic: an object whose single key is a known operator. */
export function isJsonLogic(value: unknown): value is JsonLogic {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && KNOWN_OPERATORS.has(keys[0]);
}

/**
 * Checks caller-written JSON-logic and returns a frozen copy, so the compiled rule cannot be
 * changed behind its evaluator's back. Objects must be operations (one known key); literal
 * objects are rejected because no operator compares them meaningfully.
 */
export function validateJsonLogic(value: unknown, field: string): unknown {
  if (Array.isArray(value)) return Object.freeze(value.map((item, i) => validateJsonLogic(item, indexField(field, i))));
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    throw ruleError(
      field,
      'expected a JSON-logic operation with exactly one operator key',
      'object with one operator key',
      `object with ${keys.length} keys`,
    );
  }
  const op = keys[0];
  const opField = keyField(field, op);
  if (!KNOWN_OPERATORS.has(op)) {
    throw ruleError(opField, `unknown JSON-logic operator '${op}'`, `one of ${[...KNOWN_OPERATORS].join(' ')}`, op);
  }
  if (op === 'var') checkVarPath(value[op], opField);
  return Object.freeze({ [op]: validateJsonLogic(value[op], opField) });
}

/** A literal `var` path must be a usable dot path (`""` still means the whole data). */
function checkVarPath(argument: unknown, field: string): void {
  const path = Array.isArray(argument) ? argument[0] : argument;
  // Non-strings are numbers (array indexes) or nested logic, checked when evaluated.
  if (typeof path !== 'string' || path === '') return;
  parsePath(path, Array.isArray(argument) ? indexField(field, 0) : field);
}
