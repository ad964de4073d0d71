/**
 * The less common JSON-logic operations for the compiled evaluator: array operations with their
 * own data scope, `missing`/`missing_some`, and the arithmetic and string operations delegated to
 * json-logic-js. Builders get the compiler as an argument so this file does not import it back.
 */
import { Errors } from '../errors.js';
import { jsonLogic, truthy } from './json-logic.js';
import { RULE_LIMITS } from './limits.js';
import { EVENT_ROOT, isForbiddenSegment } from './paths.js';
import type { RuleEvent } from './types.js';

/**
 * The work meter of the evaluation running now: `steps` spent so far, and whether the budget ran
 * out. Reset by {@link startMeter}. One module-level meter rather than one passed to every
 * closure: an evaluation is synchronous and never starts another, and an extra argument on every
 * compiled node would cost the hot path (10,000 subscriptions matched per event).
 */
export const meter = { steps: 0, exceeded: false };

export function startMeter(): void {
  meter.steps = 0;
  meter.exceeded = false;
}

/**
 * Spends `steps` before doing the work they pay for; over {@link RULE_LIMITS.maxSteps} the
 * evaluation stops (the caller counts it as "no match"). `meter.steps` never passes the budget.
 */
export function charge(steps: number): void {
  if (meter.steps + steps > RULE_LIMITS.maxSteps) overBudget(`needs more than ${RULE_LIMITS.maxSteps} steps`);
  meter.steps += steps;
}

function overBudget(why: string): never {
  meter.exceeded = true;
  throw Errors.LIMIT_EXCEEDED(`Rule evaluation stopped: it ${why}`);
}

/** What scanning or copying a value costs: its elements, or its characters in steps. */
export function sizeOf(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (typeof value === 'string') return Math.ceil(value.length / RULE_LIMITS.charsPerStep);
  return 0;
}

/** Values in a rule (objects, arrays, scalars): what one evaluation of it costs at most, loops aside. */
export function countNodes(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + countNodes(item), 1);
  if (value !== null && typeof value === 'object') {
    let sum = 1;
    for (const item of Object.values(value)) sum += countNodes(item);
    return sum;
  }
  return 1;
}

/** A value a rule built: over the size caps, the evaluation stops; else it costs its size. */
function built(value: unknown): unknown {
  if (Array.isArray(value) && value.length > RULE_LIMITS.maxBuiltItems)
    overBudget(`built a list of more than ${RULE_LIMITS.maxBuiltItems} items`);
  if (typeof value === 'string' && value.length > RULE_LIMITS.maxBuiltChars)
    overBudget(`built a string of more than ${RULE_LIMITS.maxBuiltChars} characters`);
  charge(sizeOf(value));
  return value;
}

/**
 * A compiled expression. `data` is the current scope (the event's `data`, or an element inside
 * `some`/`all`/`none`/`map`/`filter`/`reduce`); `event` is the envelope `$event` paths read.
 */
export type Evaluator = (data: unknown, event: RuleEvent) => unknown;

/** Compiles one operation from its (unevaluated) arguments. */
export type Builder = (args: readonly unknown[], compile: (logic: unknown) => Evaluator) => Evaluator;

/** Walks a dot path; `undefined` when any step is missing (json-logic-js's "not found"). */
export function walk(root: unknown, segments: readonly string[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (current === null || current === undefined) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Resolves a path computed at evaluation time; prototype segments resolve to nothing. */
export function resolvePath(path: unknown, data: unknown, event: RuleEvent): unknown {
  if (path === undefined || path === null || path === '') return data;
  charge(sizeOf(path));
  const segments = String(path).split('.');
  if (segments.some(isForbiddenSegment)) return undefined;
  return segments[0] === EVENT_ROOT ? walk(event, segments.slice(1)) : walk(data, segments);
}

/**
 * Array operations evaluate their body with each element as the data scope. Each element costs
 * 1 step plus the body's size, charged before the body runs.
 */
function scoped(
  run: (items: unknown[], body: Evaluator, event: RuleEvent) => unknown,
  notArray: () => unknown,
): Builder {
  return (args, compile) => {
    const [source, inner] = [compile(args[0]), compile(args[1])];
    const cost = 1 + countNodes(args[1]);
    const body: Evaluator = (item, event) => {
      charge(cost);
      return inner(item, event);
    };
    return (data, event) => {
      const items = source(data, event);
      return Array.isArray(items) ? run(items, body, event) : notArray();
    };
  };
}

const compileReduce: Builder = (args, compile) => {
  const [source, body] = [compile(args[0]), compile(args[1])];
  const initial = compile(args[2] !== undefined ? args[2] : null);
  const cost = 1 + countNodes(args[1]);
  return (data, event) => {
    const items = source(data, event);
    const start = initial(data, event);
    if (!Array.isArray(items)) return start;
    return items.reduce((accumulator: unknown, current: unknown) => {
      charge(cost);
      return body({ current, accumulator }, event);
    }, start);
  };
};

function missingKeys(values: readonly unknown[], data: unknown, event: RuleEvent): unknown[] {
  const keys: readonly unknown[] = Array.isArray(values[0]) ? values[0] : values;
  charge(keys.length);
  return keys.filter((key) => {
    const value = resolvePath(key, data, event);
    return value === undefined || value === null || value === '';
  });
}

const compileMissing: Builder = (args, compile) => {
  const parts = args.map(compile);
  return (data, event) =>
    missingKeys(
      parts.map((part) => part(data, event)),
      data,
      event,
    );
};

const compileMissingSome: Builder = (args, compile) => {
  const [need, options] = [compile(args[0]), compile(args[1])];
  return (data, event) => {
    const list = options(data, event);
    const keys = Array.isArray(list) ? list : [];
    const missing = missingKeys([keys], data, event);
    return keys.length - missing.length >= Number(need(data, event)) ? [] : missing;
  };
};

/**
 * Arithmetic and string operations (`+`, `cat`, `substr`, `merge` ...) run in json-logic-js
 * itself. Its operation table is private, so the arguments, evaluated here, are handed over as
 * the data and read back with `{"var":"0"}`, `{"var":"1"}`, ... The arguments' sizes are charged
 * before the call (they are read or copied), the result's size after it, within the size caps.
 */
export function delegated(op: string): Builder {
  return (args, compile) => {
    const parts = args.map(compile);
    const logic = { [op]: parts.map((_, i) => ({ var: String(i) })) };
    return (data, event) => {
      const values = parts.map((part) => part(data, event));
      charge(values.reduce((sum: number, value) => sum + sizeOf(value), 1));
      return built(jsonLogic.apply(logic, values));
    };
  };
}

/**
 * A two-value test that scans its operands, so it costs their size: `in`, `contains` and `nin`
 * scan lists and strings; loose `==`/`!=` turn an array into a string (`strings: false` leaves
 * plain string comparisons free).
 */
export function scanning<T>(test: (a: unknown, b: unknown) => T, strings = true): (a: unknown, b: unknown) => T {
  return (a, b) => {
    if (strings || (a !== null && typeof a === 'object') || (b !== null && typeof b === 'object'))
      charge(sizeOf(a) + sizeOf(b));
    return test(a, b);
  };
}

export const COLLECTION_BUILDERS: Readonly<Record<string, Builder>> = {
  all: scoped(
    (items, body, event) => items.length > 0 && items.every((item) => truthy(body(item, event))),
    () => false,
  ),
  some: scoped(
    (items, body, event) => items.some((item) => truthy(body(item, event))),
    () => false,
  ),
  none: scoped(
    (items, body, event) => !items.some((item) => truthy(body(item, event))),
    () => true,
  ),
  filter: scoped(
    (items, body, event) => items.filter((item) => truthy(body(item, event))),
    () => [],
  ),
  map: scoped(
    (items, body, event) => items.map((item) => body(item, event)),
    () => [],
  ),
  reduce: compileReduce,
  missing: compileMissing,
  missing_some: compileMissingSome,
};
