/**
 * Conditions in any of the three accepted forms, translated once into JSON-logic:
 * - real JSON-logic, recognised when the object's single key is a known operator;
 * - the seed shorthand `{"satisfaction_score":{"lt":3},"message_count":{"gt":10}}`;
 * - Mongo-style `{"order":{"total":{"$gt":100}},"$or":[...],"$not":{...}}`.
 * Shorthand and Mongo keys share one grammar, so the two may be mixed.
 */
import { checkWorstCase } from './budget.js';
import { isJsonLogic, validateJsonLogic } from './json-logic.js';
import { checkBounds, indexField, isPlainObject, isScalar, keyField, ruleError } from './limits.js';
import {
  buildOperator,
  FIELD_OPERATORS,
  type FieldRef,
  inListLogic,
  isFieldOperator,
  NOT_OPERATOR,
  scalarList,
} from './operators.js';
import { EVENT_ROOT, parsePath } from './paths.js';
import type { JsonLogic } from './types.js';

/** Always-true JSON-logic, returned by {@link toJsonLogic} for empty conditions. */
export const TRUE_LOGIC: JsonLogic = Object.freeze({ '!!': Object.freeze([true]) });

const EXPECTED_CONDITIONS = 'object (JSON-logic, shorthand or Mongo-style conditions)';

/**
 * Translates shorthand, Mongo-style or JSON-logic conditions into JSON-logic.
 *
 * Keys are dot paths into the event's `data`; a key starting with `$event` (`"$event.type"`)
 * reads the envelope instead. A nested object without operator keys extends the path, an array
 * means "one of", a scalar means equality. Empty conditions (`{}`) give {@link TRUE_LOGIC}.
 *
 * @throws HooklineError INVALID_INPUT whose `details.field` names the bad path (`conditions.x.$foo`).
 */
export function toJsonLogic(conditions: unknown): JsonLogic {
  if (!isPlainObject(conditions)) throw ruleError('conditions', 'expected an object', EXPECTED_CONDITIONS, conditions);
  return translateConditions(conditions, 'conditions') ?? TRUE_LOGIC;
}

/** Options of {@link translateConditions}. */
export interface TranslateOptions {
  /**
   * A path whose first segment is this name also reads the rest of the path from `data` itself
   * when `data` has no such key: `function.id` becomes `{"var":["function.id",{"var":"id"}]}`.
   * Filters set it to their event type's resource (`function` for `function.executed`), because
   * the seed's filters say `function.id` while its payloads put the function in `data` directly.
   */
  readonly resource?: string;
}

/**
 * Translates one conditions object (a subscription's `conditions` or one filter body) reported
 * under `field`; `null` when absent or empty. The result is frozen.
 */
export function translateConditions(value: unknown, field: string, options: TranslateOptions = {}): JsonLogic | null {
  if (value === undefined || value === null) return null;
  if (!isPlainObject(value)) throw ruleError(field, 'expected an object', EXPECTED_CONDITIONS, value);
  checkBounds(value, field);
  if (Object.keys(value).length === 0) return null;
  // Validation also deep-freezes, so generated logic goes through it too.
  const logic = isJsonLogic(value) ? value : translateObject(value, [], field, options);
  const valid = validateJsonLogic(logic, field) as JsonLogic;
  checkWorstCase(valid, field);
  return valid;
}

/** ANDs translated parts, flattening nested `and`s (associative, so the result is unchanged). */
function allOf(parts: readonly JsonLogic[]): JsonLogic {
  const flat = parts.flatMap((part) => (Array.isArray(part.and) ? (part.and as JsonLogic[]) : [part]));
  return flat.length === 1 ? flat[0] : { and: flat };
}

/** An object of field keys and logical operators, all ANDed, under the path `base`. */
function translateObject(
  object: Record<string, unknown>,
  base: readonly string[],
  field: string,
  options: TranslateOptions,
): JsonLogic {
  return allOf(Object.keys(object).map((key) => translateKey(key, object[key], base, keyField(field, key), options)));
}

function translateKey(
  key: string,
  value: unknown,
  base: readonly string[],
  at: string,
  options: TranslateOptions,
): JsonLogic {
  if (key === '$and' || key === '$or') return { [key.slice(1)]: translateList(value, base, at, options) };
  // At object level `$not` negates conditions (`{"$not":{"a":1}}`), even when they are `$not`s.
  if (key === NOT_OPERATOR) {
    const negated =
      isPlainObject(value) && base.length === 0
        ? translateObject(value, base, at, options)
        : translateValue(value, base, at, options);
    return { '!': negated };
  }
  if (key === EVENT_ROOT || key.startsWith(`${EVENT_ROOT}.`)) {
    if (base.length > 0)
      throw ruleError(at, `'${EVENT_ROOT}' paths must be top-level keys`, 'top-level $event path', key);
    return translateValue(value, parsePath(key, at), at, options);
  }
  if (key.startsWith('$')) throw unknownOperator(key, at);
  return translateValue(value, [...base, ...parsePath(key, at)], at, options);
}

function unknownOperator(key: string, at: string) {
  const hint = isFieldOperator(key) ? `operator '${key}' must be applied to a field` : `unknown operator '${key}'`;
  return ruleError(at, hint, `one of ${FIELD_OPERATORS.join(' ')} $and $or`, key);
}

function translateList(value: unknown, base: readonly string[], at: string, options: TranslateOptions): JsonLogic[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw ruleError(at, 'expected a non-empty list of conditions', 'non-empty array', value);
  }
  return value.map((item, i) => translateValue(item, base, indexField(at, i), options));
}

/**
 * The condition on the field at `path`: nested fields, an operator object, a list ("one of") or
 * a scalar (equality).
 */
function translateValue(value: unknown, path: readonly string[], at: string, options: TranslateOptions): JsonLogic {
  if (isPlainObject(value) && !isOperatorObject(value, at)) return translateObject(value, path, at, options);
  if (path.length === 0) throw ruleError(at, 'a condition must name a field', 'object of field conditions', value);
  const field = fieldRef(path, options.resource);
  if (Array.isArray(value)) return inListLogic(field, scalarList(value, at));
  if (isScalar(value)) return { '===': [field, value] };
  if (!isPlainObject(value)) throw ruleError(at, 'expected a value, list or operator object', 'JSON value', value);
  return allOf(
    Object.keys(value).map((key) => {
      const operand = value[key];
      const keyAt = keyField(at, key);
      return key === NOT_OPERATOR
        ? { '!': translateValue(operand, path, keyAt, options) }
        : buildOperator(key, field, operand, keyAt);
    }),
  );
}

/** `{"var":"a.b"}`, with the resource fallback described on {@link TranslateOptions}. */
function fieldRef(path: readonly string[], resource: string | undefined): FieldRef {
  const full = path.join('.');
  if (resource === undefined || path.length < 2 || path[0] !== resource) return { var: full };
  return { var: [full, { var: path.slice(1).join('.') }] };
}

/**
 * Whether an object is an operator object (`{"gte":1,"lte":5}`) rather than nested fields.
 * Mixing the two is ambiguous and rejected, as is an empty object.
 */
function isOperatorObject(value: Record<string, unknown>, at: string): boolean {
  const keys = Object.keys(value);
  if (keys.length === 0)
    throw ruleError(at, 'expected operators or nested fields, got an empty object', 'non-empty object', value);
  const operators = keys.filter(isFieldOperator);
  if (operators.length === 0) return false;
  const other = keys.find((key) => !isFieldOperator(key));
  if (other === undefined) return true;
  if (other.startsWith('$') && other !== '$and' && other !== '$or') throw unknownOperator(other, keyField(at, other));
  throw ruleError(
    keyField(at, other),
    `cannot mix operators (${operators.join(', ')}) with nested field '${other}'`,
    'operators only, or nested fields only',
    other,
  );
}
