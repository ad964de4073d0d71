/**
 * Field operators shared by the seed shorthand (`{"score":{"lt":3}}`) and the Mongo-style
 * dialect Convoy and Hookdeck Outpost users write (`{"score":{"$lt":3}}`). Each turns one
 * operator applied to one field into JSON-logic at compile time; operands are checked here so a
 * bad rule fails when the subscription is saved, not when an event arrives.
 */
import { isScalar, ruleError } from './limits.js';
import type { JsonLogic } from './types.js';

/** `{"var":"a.b"}` (or `{"var":["a.b",fallback]}`): how a field is read in the generated JSON-logic. */
export type FieldRef = { readonly var: string | readonly unknown[] };

type OperatorBuilder = (field: FieldRef, operand: unknown, at: string) => JsonLogic;

function scalar(operand: unknown, at: string): string | number | boolean | null {
  if (!isScalar(operand)) throw ruleError(at, 'expected a string, number, boolean or null operand', 'scalar', operand);
  return operand;
}

function orderable(operand: unknown, at: string): string | number {
  if (typeof operand !== 'number' && typeof operand !== 'string') {
    throw ruleError(at, 'expected a number or string to compare with', 'number or string', operand);
  }
  return operand;
}

function text(operand: unknown, at: string): string {
  if (typeof operand !== 'string') throw ruleError(at, 'expected a string operand', 'string', operand);
  return operand;
}

/** A list of scalars; frozen because the compiled `in` keeps it. */
export function scalarList(operand: unknown, at: string): readonly unknown[] {
  if (!Array.isArray(operand)) throw ruleError(at, 'expected a list of values', 'array', operand);
  operand.forEach((item, i) => {
    if (!isScalar(item))
      throw ruleError(`${at}[${i}]`, 'list items must be strings, numbers, booleans or null', 'scalar', item);
  });
  return Object.freeze([...operand]);
}

function flag(operand: unknown, at: string): boolean {
  if (typeof operand !== 'boolean') throw ruleError(at, 'expected true or false', 'boolean', operand);
  return operand;
}

/** Builds `{op:[field, operand]}` after checking the operand. */
function simple(op: string, check: (operand: unknown, at: string) => unknown): OperatorBuilder {
  return (field, operand, at) => ({ [op]: [field, check(operand, at)] });
}

/** `{"in":[field, list]}`: the builtin `in`, i.e. the field's value is one of the list. */
export function inListLogic(field: FieldRef, list: readonly unknown[]): JsonLogic {
  return { in: [field, list] };
}

/**
 * Equality is strict (`===`): `"1"` does not equal `1`. `ne`/`nin`/`exists:false` are negations,
 * so, as in MongoDB, they match when the field is missing; ordering operators never do.
 */
const BUILDERS: Readonly<Record<string, OperatorBuilder>> = {
  eq: simple('===', scalar),
  ne: simple('!==', scalar),
  gt: simple('>', orderable),
  gte: simple('>=', orderable),
  lt: simple('<', orderable),
  lte: simple('<=', orderable),
  in: (field, operand, at) => inListLogic(field, scalarList(operand, at)),
  nin: (field, operand, at) => ({ '!': inListLogic(field, scalarList(operand, at)) }),
  contains: simple('contains', scalar),
  startsWith: simple('startsWith', text),
  endsWith: simple('endsWith', text),
  exists: (field, operand, at) => (flag(operand, at) ? { exists: [field] } : { '!': { exists: [field] } }),
};

/** Operator spellings accepted in either dialect, mapped to their builder. */
const ALIASES: Readonly<Record<string, string>> = {
  eq: 'eq',
  ne: 'ne',
  neq: 'ne',
  gt: 'gt',
  gte: 'gte',
  lt: 'lt',
  lte: 'lte',
  in: 'in',
  nin: 'nin',
  contains: 'contains',
  startsWith: 'startsWith',
  endsWith: 'endsWith',
  exists: 'exists',
  $eq: 'eq',
  $ne: 'ne',
  $neq: 'ne',
  $gt: 'gt',
  $gte: 'gte',
  $lt: 'lt',
  $lte: 'lte',
  $in: 'in',
  $nin: 'nin',
  $contains: 'contains',
  $startsWith: 'startsWith',
  $endsWith: 'endsWith',
  $exist: 'exists',
  $exists: 'exists',
};

/** Field-level negation, Mongo's `{"price":{"$not":{"$gt":1.99}}}`. Handled by the walker. */
export const NOT_OPERATOR = '$not';

/** Every operator key accepted inside a field's operator object, for error messages. */
export const FIELD_OPERATORS: readonly string[] = [...Object.keys(ALIASES), NOT_OPERATOR];

/** True for `lt`, `$lt`, ... and `$not`: keys that make an object an operator object. */
export function isFieldOperator(key: string): boolean {
  return Object.hasOwn(ALIASES, key) || key === NOT_OPERATOR;
}

/** JSON-logic for one operator (any spelling except `$not`) applied to `field`. */
export function buildOperator(key: string, field: FieldRef, operand: unknown, at: string): JsonLogic {
  return BUILDERS[ALIASES[key]](field, operand, at);
}
