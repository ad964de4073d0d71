/**
 * The less common JSON-logic operations for the compiled evaluator: array operations with their
 * own data scope, `missing`/`missing_some`, and the arithmetic and string operations delegated to
 * json-logic-js. Builders get the compiler as an argument so this file does not import it back.
 */
import { jsonLogic, truthy } from './json-logic.js';
import { EVENT_ROOT, isForbiddenSegment } from './paths.js';
import type { RuleEvent } from './types.js';

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
  const segments = String(path).split('.');
  if (segments.some(isForbiddenSegment)) return undefined;
  return segments[0] === EVENT_ROOT ? walk(event, segments.slice(1)) : walk(data, segments);
}

/** Array operations evaluate their body with each element as the data scope. */
function scoped(
  run: (items: unknown[], body: Evaluator, event: RuleEvent) => unknown,
  notArray: () => unknown,
): Builder {
  return (args, compile) => {
    const [source, body] = [compile(args[0]), compile(args[1])];
    return (data, event) => {
      const items = source(data, event);
      return Array.isArray(items) ? run(items, body, event) : notArray();
    };
  };
}

const compileReduce: Builder = (args, compile) => {
  const [source, body] = [compile(args[0]), compile(args[1])];
  const initial = compile(args[2] !== undefined ? args[2] : null);
  return (data, event) => {
    const items = source(data, event);
    const start = initial(data, event);
    if (!Array.isArray(items)) return start;
    return items.reduce((accumulator: unknown, current: unknown) => body({ current, accumulator }, event), start);
  };
};

function missingKeys(values: readonly unknown[], data: unknown, event: RuleEvent): unknown[] {
  const keys: readonly unknown[] = Array.isArray(values[0]) ? values[0] : values;
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
 * Arithmetic and string operations (`+`, `cat`, `substr`, ...) run in json-logic-js itself.
 * Its operation table is private, so the arguments, evaluated here, are handed over as the data
 * and read back with `{"var":"0"}`, `{"var":"1"}`, ...
 */
export function delegated(op: string): Builder {
  return (args, compile) => {
    const parts = args.map(compile);
    const logic = { [op]: parts.map((_, i) => ({ var: String(i) })) };
    return (data, event) =>
      jsonLogic.apply(
        logic,
        parts.map((part) => part(data, event)),
      );
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
