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
import { TUNING } from '../tuning.js';
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
export function executeGuardedFilter(
  value: FilterValue,
  itemIndex: number,
  budget: RegExpBudget = createRegExpBudget(),
): boolean {
  const conditions = Array.isArray(value.conditions) ? value.conditions : [];
  if (!conditions.some(isRegexCondition) || (value.combinator !== 'and' && value.combinator !== 'or'))
    return executeFilter(value, { itemIndex });
  const passes = (condition: FilterConditionValue, index: number): boolean =>
    isRegexCondition(condition)
      ? regexConditionPasses(condition, value.options, { index, itemIndex }, budget)
      : executeFilterCondition(condition, value.options, { index, itemIndex });
  return value.combinator === 'and' ? conditions.every(passes) : conditions.some(passes);
}

function regexConditionPasses(
  condition: FilterConditionValue,
  options: FilterOptionsValue,
  { index, itemIndex }: { index: number; itemIndex: number },
  budget: RegExpBudget,
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
  const matched = guardedRegexTest(right || '', String(left ?? ''), itemIndex, budget);
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

/**
 * Compiled patterns, least recently used first. A workflow's own patterns are few and stay; a
 * pattern an expression takes from each request is recompiled when it comes back. The cap bounds
 * memory under such patterns: one program may unroll to the linear engine's instruction limit.
 */
const compiled = new Map<string, CompiledPattern>();
const MAX_COMPILED = 32;

/** The time one node run's regex tests may lose to time limits, in all (TUNING.rules.regexpBudgetMs). */
export const REGEXP_BUDGET_MS: number = TUNING.rules.regexpBudgetMs;

/** What is left of a node run's {@link REGEXP_BUDGET_MS}; one per run, made by the host. */
export interface RegExpBudget {
  remainingMs: number;
}

export const createRegExpBudget = (): RegExpBudget => ({ remainingMs: REGEXP_BUDGET_MS });

/**
 * `new RegExp(…).test(input)` for a pattern read as n8n reads it (`/body/flags` or a bare body), in
 * bounded time; a test stopped at the limit, or refused once the run's budget is spent, throws an
 * error naming the item.
 */
export function guardedRegexTest(
  pattern: string,
  input: string,
  itemIndex: number,
  budget: RegExpBudget = createRegExpBudget(),
): boolean {
  const { body, flags, linear } = compiledPattern(pattern);
  if (linear) return linear.test(input);
  const stopped = (why: string) =>
    new ApplicationError(`The regular expression /${body}/${flags} ${why} on item ${itemIndex} and was stopped`, {
      level: 'warning',
      extra: { itemIndex },
    });
  if (budget.remainingMs <= 0) throw stopped('had no time left (earlier tests in this run used it up)');
  const limitMs = Math.min(REGEXP_TIMEOUT_MS, budget.remainingMs);
  const startedAt = performance.now();
  try {
    return testInWorker(body, flags, input, limitMs);
  } catch (error) {
    if (!(error instanceof RegExpTimeoutError)) throw error;
    // Only time lost to a limit counts: ordinary tests take microseconds and never spend the budget.
    budget.remainingMs -= performance.now() - startedAt;
    throw stopped(`took longer than ${limitMs} ms`);
  }
}

/** n8n's reading of the pattern, checked by V8 (an invalid one throws its SyntaxError), compiled once. */
function compiledPattern(pattern: string): CompiledPattern {
  let entry = compiled.get(pattern);
  if (entry) {
    compiled.delete(pattern);
    compiled.set(pattern, entry);
    return entry;
  }
  const slashed = SLASHED.exec(pattern);
  const body = slashed ? slashed[1] : pattern;
  const flags = slashed ? slashed[2] : '';
  new RegExp(body, flags);
  entry = { body, flags, linear: LINEAR_FLAGS.test(flags) ? linearOrNull(body) : null };
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
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
