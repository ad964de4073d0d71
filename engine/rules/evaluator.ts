/**
 * Compiles JSON-logic into a tree of closures, once per rule. json-logic-js re-walks the rule
 * object on every `apply` (about half a microsecond for a two-clause rule); matching 10,000
 * subscriptions per event needs each match to cost a few nanoseconds, so the hot path runs these
 * closures instead. Semantics follow json-logic-js operation by operation, with two deliberate
 * differences, both documented on {@link compileLogic}.
 */
import { CUSTOM_OPERATIONS, inList, jsonLogic, truthy } from './json-logic.js';
import { EVENT_ROOT, isForbiddenSegment } from './paths.js';
import type { RuleEvent } from './types.js';

/**
 * A compiled expression. `data` is the current scope (the event's `data`, or an element inside
 * `some`/`all`/`none`/`map`/`filter`/`reduce`); `event` is the envelope `$event` paths read.
 */
export type Evaluator = (data: unknown, event: RuleEvent) => unknown;

type Builder = (args: readonly unknown[]) => Evaluator;

/** Values of constant sub-expressions, so `in` can turn a literal list into a Set once. */
const constants = new WeakMap<Evaluator, unknown>();

function constant(value: unknown): Evaluator {
  const evaluate: Evaluator = () => value;
  constants.set(evaluate, value);
  return evaluate;
}

/**
 * Compiles (already validated) JSON-logic. Differences from json-logic-js:
 * - `<`, `<=`, `>`, `>=` are false when an operand is null or missing (json-logic-js would say
 *   `null < 3` is true), so a comparison with a missing field never matches;
 * - a `var` path whose first segment is `$event` reads the envelope (`$event.type`), also inside
 *   `some`/`all`/... scopes.
 */
export function compileLogic(logic: unknown): Evaluator {
  if (Array.isArray(logic)) return compileArray(logic);
  if (logic === null || typeof logic !== 'object') return constant(logic);
  const keys = Object.keys(logic);
  // Like json-logic-js, an object that is not a one-key operation is a literal.
  if (keys.length !== 1) return constant(logic);
  const raw = (logic as Record<string, unknown>)[keys[0]];
  const args = Array.isArray(raw) ? raw : [raw];
  const build = Object.hasOwn(BUILDERS, keys[0]) ? BUILDERS[keys[0]] : delegated(keys[0]);
  return build(args);
}

function compileArray(items: readonly unknown[]): Evaluator {
  const parts = items.map(compileLogic);
  if (parts.every((part) => constants.has(part))) return constant(Object.freeze(parts.map((part) => constants.get(part))));
  return (data, event) => parts.map((part) => part(data, event));
}

/** Walks a dot path; `undefined` when any step is missing (json-logic-js's "not found"). */
function walk(root: unknown, segments: readonly string[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (current === null || current === undefined) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Resolves a path computed at evaluation time; prototype segments resolve to nothing. */
function resolvePath(path: unknown, data: unknown, event: RuleEvent): unknown {
  if (path === undefined || path === null || path === '') return data;
  const segments = String(path).split('.');
  if (segments.some(isForbiddenSegment)) return undefined;
  return segments[0] === EVENT_ROOT ? walk(event, segments.slice(1)) : walk(data, segments);
}

/** Splits a literal path once, at compile time. */
function staticResolver(path: unknown): Evaluator {
  if (path === undefined || path === null || path === '') return (data) => data;
  const segments = String(path).split('.');
  if (segments[0] === EVENT_ROOT) {
    const rest = segments.slice(1);
    return (_data, event) => walk(event, rest);
  }
  if (segments.length === 1) {
    const key = segments[0];
    return (data) => (data === null || data === undefined ? undefined : (data as Record<string, unknown>)[key]);
  }
  return (data) => walk(data, segments);
}

function compileVar(args: readonly unknown[]): Evaluator {
  const path = compileLogic(args[0]);
  const fallback = args.length > 1 ? compileLogic(args[1]) : constant(null);
  const resolve = constants.has(path)
    ? staticResolver(constants.get(path))
    : (data: unknown, event: RuleEvent) => resolvePath(path(data, event), data, event);
  return (data, event) => {
    const value = resolve(data, event);
    return value === undefined ? (fallback(data, event) ?? null) : value;
  };
}

function compileAnd(args: readonly unknown[]): Evaluator {
  const parts = args.map(compileLogic);
  return (data, event) => {
    let current: unknown;
    for (const part of parts) {
      current = part(data, event);
      if (!truthy(current)) return current;
    }
    return current;
  };
}

function compileOr(args: readonly unknown[]): Evaluator {
  const parts = args.map(compileLogic);
  return (data, event) => {
    let current: unknown;
    for (const part of parts) {
      current = part(data, event);
      if (truthy(current)) return current;
    }
    return current;
  };
}

function compileIf(args: readonly unknown[]): Evaluator {
  const parts = args.map(compileLogic);
  return (data, event) => {
    let i = 0;
    for (; i < parts.length - 1; i += 2) {
      if (truthy(parts[i](data, event))) return parts[i + 1](data, event);
    }
    return i === parts.length - 1 ? parts[i](data, event) : null;
  };
}

function binary(test: (a: unknown, b: unknown) => unknown): Builder {
  return (args) => {
    const [a, b] = [compileLogic(args[0]), compileLogic(args[1])];
    return (data, event) => test(a(data, event), b(data, event));
  };
}

type Order = (a: number, b: number) => boolean;

/** An ordering that is false when either side is null or missing. */
function ordered(a: unknown, b: unknown, test: Order): boolean {
  return a !== null && a !== undefined && b !== null && b !== undefined && test(a as number, b as number);
}

/** `<` and `<=` also take json-logic's "between" form `[low, value, high]`. */
function comparison(test: Order, between: boolean): Builder {
  return (args) => {
    const [a, b, c] = [compileLogic(args[0]), compileLogic(args[1]), compileLogic(args[2])];
    if (!between || args.length < 3) return (data, event) => ordered(a(data, event), b(data, event), test);
    return (data, event) => {
      const middle = b(data, event);
      return ordered(a(data, event), middle, test) && ordered(middle, c(data, event), test);
    };
  };
}

/** `in` against a literal list is a Set lookup; otherwise json-logic-js's array/substring test. */
function compileIn(args: readonly unknown[]): Evaluator {
  const [needle, haystack] = [compileLogic(args[0]), compileLogic(args[1])];
  const literal = constants.get(haystack);
  if (Array.isArray(literal)) {
    const members = new Set(literal);
    return (data, event) => members.has(needle(data, event));
  }
  return (data, event) => inList(needle(data, event), haystack(data, event));
}

/** Array operations evaluate their body with each element as the data scope. */
function scoped(run: (items: unknown[], body: Evaluator, event: RuleEvent) => unknown, notArray: () => unknown): Builder {
  return (args) => {
    const [source, body] = [compileLogic(args[0]), compileLogic(args[1])];
    return (data, event) => {
      const items = source(data, event);
      return Array.isArray(items) ? run(items, body, event) : notArray();
    };
  };
}

function compileReduce(args: readonly unknown[]): Evaluator {
  const [source, body] = [compileLogic(args[0]), compileLogic(args[1])];
  const initial = args[2] !== undefined ? compileLogic(args[2]) : constant(null);
  return (data, event) => {
    const items = source(data, event);
    const start = initial(data, event);
    if (!Array.isArray(items)) return start;
    return items.reduce((accumulator: unknown, current: unknown) => body({ current, accumulator }, event), start);
  };
}

function missingKeys(values: readonly unknown[], data: unknown, event: RuleEvent): unknown[] {
  const keys: readonly unknown[] = Array.isArray(values[0]) ? values[0] : values;
  return keys.filter((key) => {
    const value = resolvePath(key, data, event);
    return value === undefined || value === null || value === '';
  });
}

function compileMissingSome(args: readonly unknown[]): Evaluator {
  const [need, options] = [compileLogic(args[0]), compileLogic(args[1])];
  return (data, event) => {
    const list = options(data, event);
    const keys = Array.isArray(list) ? list : [];
    const missing = missingKeys([keys], data, event);
    return keys.length - missing.length >= Number(need(data, event)) ? [] : missing;
  };
}

/**
 * Arithmetic and string operations (`+`, `cat`, `substr`, ...) run in json-logic-js itself.
 * Its operation table is private, so the arguments, evaluated here, are handed over as the data
 * and read back with `{"var":"0"}`, `{"var":"1"}`, ...
 */
function delegated(op: string): Builder {
  return (args) => {
    const parts = args.map(compileLogic);
    const logic = { [op]: parts.map((_, i) => ({ var: String(i) })) };
    return (data, event) => jsonLogic.apply(logic, parts.map((part) => part(data, event)));
  };
}

const BUILDERS: Readonly<Record<string, Builder>> = {
  var: compileVar,
  and: compileAnd,
  or: compileOr,
  if: compileIf,
  '?:': compileIf,
  '!': (args) => {
    const a = compileLogic(args[0]);
    return (data, event) => !truthy(a(data, event));
  },
  '!!': (args) => {
    const a = compileLogic(args[0]);
    return (data, event) => truthy(a(data, event));
  },
  '==': binary((a, b) => a == b),
  '===': binary((a, b) => a === b),
  '!=': binary((a, b) => a != b),
  '!==': binary((a, b) => a !== b),
  '<': comparison((a, b) => a < b, true),
  '<=': comparison((a, b) => a <= b, true),
  '>': comparison((a, b) => a > b, false),
  '>=': comparison((a, b) => a >= b, false),
  in: compileIn,
  all: scoped((items, body, event) => items.length > 0 && items.every((item) => truthy(body(item, event))), () => false),
  some: scoped((items, body, event) => items.some((item) => truthy(body(item, event))), () => false),
  none: scoped((items, body, event) => !items.some((item) => truthy(body(item, event))), () => true),
  filter: scoped((items, body, event) => items.filter((item) => truthy(body(item, event))), () => []),
  map: scoped((items, body, event) => items.map((item) => body(item, event)), () => []),
  reduce: compileReduce,
  missing: (args) => {
    const parts = args.map(compileLogic);
    return (data, event) => missingKeys(parts.map((part) => part(data, event)), data, event);
  },
  missing_some: compileMissingSome,
  startsWith: binary(CUSTOM_OPERATIONS.startsWith),
  endsWith: binary(CUSTOM_OPERATIONS.endsWith),
  contains: binary(CUSTOM_OPERATIONS.contains),
  exists: binary(CUSTOM_OPERATIONS.exists),
  nin: binary(CUSTOM_OPERATIONS.nin),
};
