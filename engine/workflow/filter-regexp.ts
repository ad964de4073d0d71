/**
 * n8n's filter evaluation with its one hazard removed: the string `regex`/`notRegex` operators.
 * n8n builds `new RegExp(rightValue)` and tests the item's value with V8's backtracking engine, so
 * a pattern such as `^(a+)+$` (workflow-supplied) on a value such as forty `a`s and a `!`
 * (request-supplied) takes hours and freezes the process. Here every other condition is still
 * n8n-workflow's `executeFilterCondition`, and a regex condition keeps n8n's validation (the same
 * type errors, word for word) and n8n's reading of the pattern (`/body/flags` or a bare body), but
 * is tested by the linear-time engine when the pattern is in its subset, else by V8 in a worker
 * under a time limit (engine/workflow/regexp-worker.ts). The answer is RegExp's in both cases;
 * only a test that runs out of time differs from n8n, which would hang: it fails the item with an
 * error that says so.
 */
import type { FilterConditionValue, FilterOptionsValue, FilterValue } from 'n8n-workflow';
import { compileLinearRegExp, type LinearRegExp } from '../events/linear-regexp.js';
import {
  ApplicationError,
  executeFilter,
  executeFilterCondition,
  validateFieldType,
} from '../node-contract/n8n-runtime.js';
import { REGEXP_TIMEOUT_MS, RegExpTimeoutError, testInWorker } from './regexp-worker.js';

const isRegexCondition = (condition: FilterConditionValue): boolean =>
  condition.operator?.type === 'string' &&
  (condition.operator.operation === 'regex' || condition.operator.operation === 'notRegex');

/** `executeFilter(value, { itemIndex })`, with regex conditions tested safely. */
export function executeGuardedFilter(value: FilterValue, itemIndex: number): boolean {
  const conditions = Array.isArray(value.conditions) ? value.conditions : [];
  if (!conditions.some(isRegexCondition) || (value.combinator !== 'and' && value.combinator !== 'or'))
    return executeFilter(value, { itemIndex });
  const passes = (condition: FilterConditionValue, index: number): boolean =>
    isRegexCondition(condition)
      ? regexConditionPasses(condition, value.options, index, itemIndex)
      : executeFilterCondition(condition, value.options, { index, itemIndex });
  return value.combinator === 'and' ? conditions.every(passes) : conditions.some(passes);
}

function regexConditionPasses(
  condition: FilterConditionValue,
  options: FilterOptionsValue,
  index: number,
  itemIndex: number,
): boolean {
  // n8n's own parsing of both sides first: a type error is thrown exactly as n8n throws it.
  executeFilterCondition({ ...condition, operator: { ...condition.operator, operation: 'equals' } }, options, {
    index,
    itemIndex,
  });
  const strict = options.typeValidation === 'strict';
  let left = asString(condition.leftValue, condition.operator.type, strict);
  const right = asString(condition.rightValue, condition.operator.rightType ?? condition.operator.type, strict);
  if (!options.caseSensitive && typeof left === 'string') left = left.toLocaleLowerCase();
  if (typeof right !== 'string' && right !== undefined && right !== null)
    return executeFilterCondition(condition, options, { index, itemIndex });
  const matched = guardedRegexTest(right || '', String(left ?? ''), itemIndex);
  return condition.operator.operation === 'regex' ? matched : !matched;
}

/** A side as n8n's filter reads it for a string comparison (null and undefined stay as they are). */
function asString(value: unknown, type: string, strict: boolean): unknown {
  if (type === 'any' || value === null || value === undefined) return value;
  const result = validateFieldType('filter', value, type as never, { strict, parseStrings: true });
  return result.valid ? result.newValue : undefined;
}

const SLASHED = /^\/(.*?)\/([gimusy]*)$/;
/** Flags the linear engine answers alike: `g` and `y` only move where a reused RegExp starts. */
const LINEAR_FLAGS = /^[g]*$/;

interface CompiledPattern {
  body: string;
  flags: string;
  linear: LinearRegExp | null;
}

const compiled = new Map<string, CompiledPattern>();
/** Patterns come from workflow files (or expressions), so the set is small; the cap bounds a surprise. */
const MAX_COMPILED = 1_000;

/**
 * `new RegExp(…).test(input)` for a pattern read as n8n reads it (`/body/flags` or a bare body), in
 * bounded time; a test stopped at the limit throws an error naming the item.
 */
export function guardedRegexTest(pattern: string, input: string, itemIndex: number): boolean {
  const { body, flags, linear } = compiledPattern(pattern);
  if (linear) return linear.test(input);
  try {
    return testInWorker(body, flags, input);
  } catch (error) {
    if (!(error instanceof RegExpTimeoutError)) throw error;
    throw new ApplicationError(
      `The regular expression /${body}/${flags} took longer than ${REGEXP_TIMEOUT_MS} ms on item ${itemIndex} and was stopped`,
      { level: 'warning', extra: { itemIndex } },
    );
  }
}

/** n8n's reading of the pattern, checked by V8 (an invalid one throws its SyntaxError), compiled once. */
function compiledPattern(pattern: string): CompiledPattern {
  let entry = compiled.get(pattern);
  if (entry) return entry;
  const slashed = SLASHED.exec(pattern);
  const body = slashed ? slashed[1] : pattern;
  const flags = slashed ? slashed[2] : '';
  new RegExp(body, flags);
  entry = { body, flags, linear: LINEAR_FLAGS.test(flags) ? linearOrNull(body) : null };
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(pattern, entry);
  return entry;
}

function linearOrNull(body: string): LinearRegExp | null {
  try {
    return compileLinearRegExp(body);
  } catch {
    return null;
  }
}
