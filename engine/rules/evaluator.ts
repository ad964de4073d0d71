/**
 * Compiles JSON-logic into a tree of closures, once per rule. json-logic-js re-walks the rule
 * object on every `apply` (about half a microsecond for a two-clause rule); matching 10,000
 * subscriptions per event needs each match to cost tens of nanoseconds, so the hot path runs
 * these closures instead. The common shapes (`field < literal`, `field === literal`, a two-part
 * `and`) get one closure each, because with thousands of rules the cost is mostly memory touched.
 * Semantics follow json-logic-js operation by operation, except as noted on {@link compileLogic}.
 */
import {
  type Builder,
  charge,
  COLLECTION_BUILDERS,
  delegated,
  type Evaluator,
  resolvePath,
  scanning,
  walk,
} from './evaluator-ops.js';
import { CUSTOM_OPERATIONS, inList, truthy } from './json-logic.js';
import { EVENT_ROOT } from './paths.js';

export type { Evaluator } from './evaluator-ops.js';

/** Values of constant sub-expressions, so operators can capture literals instead of calling for them. */
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
 *   `some`/`all`/... scopes; paths computed at evaluation time never read prototype members.
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
  return build(args, compileLogic);
}

function compileArray(items: readonly unknown[]): Evaluator {
  const parts = items.map(compileLogic);
  if (parts.every((part) => constants.has(part)))
    return constant(Object.freeze(parts.map((part) => constants.get(part))));
  return (data, event) => {
    charge(parts.length);
    return parts.map((part) => part(data, event));
  };
}

/** A literal path split once; `undefined` when missing. */
function staticResolver(path: unknown): Evaluator {
  if (path === undefined || path === null || path === '') return (data) => data;
  const segments = String(path).split('.');
  if (segments[0] !== EVENT_ROOT) return (data) => walk(data, segments);
  const rest = segments.slice(1);
  return (_data, event) => walk(event, rest);
}

/** The hot case, a literal path without default: one closure, `null` when missing. */
function literalVar(segments: readonly string[]): Evaluator {
  if (segments[0] === EVENT_ROOT) {
    const rest = segments.slice(1);
    return (_data, event) => walk(event, rest) ?? null;
  }
  if (segments.length > 1) return (data) => walk(data, segments) ?? null;
  const key = segments[0];
  return (data) => (data === null || data === undefined ? null : ((data as Record<string, unknown>)[key] ?? null));
}

const compileVar: Builder = (args) => {
  const path = compileLogic(args[0]);
  const literal = constants.get(path);
  const isLiteral = constants.has(path);
  if (isLiteral && args.length < 2 && literal !== undefined && literal !== null && literal !== '') {
    return literalVar(String(literal).split('.'));
  }
  const read: Evaluator = isLiteral
    ? staticResolver(literal)
    : (data, event) => resolvePath(path(data, event), data, event);
  const fallback = compileLogic(args.length > 1 ? args[1] : null);
  return (data, event) => {
    const value = read(data, event);
    return value === undefined ? (fallback(data, event) ?? null) : value;
  };
};

const compileAnd: Builder = (args) => {
  const parts = args.map(compileLogic);
  if (parts.length === 2) {
    const [first, second] = parts;
    return (data, event) => {
      const current = first(data, event);
      return truthy(current) ? second(data, event) : current;
    };
  }
  return (data, event) => {
    let current: unknown;
    for (const part of parts) {
      current = part(data, event);
      if (!truthy(current)) return current;
    }
    return current;
  };
};

const compileOr: Builder = (args) => {
  const parts = args.map(compileLogic);
  if (parts.length === 2) {
    const [first, second] = parts;
    return (data, event) => {
      const current = first(data, event);
      return truthy(current) ? current : second(data, event);
    };
  }
  return (data, event) => {
    let current: unknown;
    for (const part of parts) {
      current = part(data, event);
      if (truthy(current)) return current;
    }
    return current;
  };
};

const compileIf: Builder = (args) => {
  const parts = args.map(compileLogic);
  return (data, event) => {
    let i = 0;
    for (; i < parts.length - 1; i += 2) {
      if (truthy(parts[i](data, event))) return parts[i + 1](data, event);
    }
    return i === parts.length - 1 ? parts[i](data, event) : null;
  };
};

/** A two-argument operation; a literal right-hand side is captured rather than called for. */
function binary(test: (a: unknown, b: unknown) => unknown): Builder {
  return (args) => {
    const [a, b] = [compileLogic(args[0]), compileLogic(args[1])];
    if (!constants.has(b)) return (data, event) => test(a(data, event), b(data, event));
    const literal = constants.get(b);
    return (data, event) => test(a(data, event), literal);
  };
}

/** Strict (in)equality, inlined for a literal right-hand side: the shape shorthand `eq` produces. */
function strictEquality(negate: boolean): Builder {
  return (args) => {
    const [a, b] = [compileLogic(args[0]), compileLogic(args[1])];
    if (!constants.has(b)) return (data, event) => (a(data, event) === b(data, event)) !== negate;
    const literal = constants.get(b);
    return negate ? (data, event) => a(data, event) !== literal : (data, event) => a(data, event) === literal;
  };
}

type OrderOp = '<' | '<=' | '>' | '>=';

const ORDERS: Readonly<Record<OrderOp, (a: number, b: number) => boolean>> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** An ordering that is false when either side is null or missing. */
function ordered(a: unknown, b: unknown, test: (a: number, b: number) => boolean): boolean {
  return a !== null && a !== undefined && b !== null && b !== undefined && test(a as number, b as number);
}

/** `field < literal` with the operator inlined. */
function againstLimit(op: OrderOp, read: Evaluator, limit: number): Evaluator {
  switch (op) {
    case '<':
      return (data, event) => {
        const v = read(data, event);
        return v !== null && v !== undefined && (v as number) < limit;
      };
    case '<=':
      return (data, event) => {
        const v = read(data, event);
        return v !== null && v !== undefined && (v as number) <= limit;
      };
    case '>':
      return (data, event) => {
        const v = read(data, event);
        return v !== null && v !== undefined && (v as number) > limit;
      };
    default:
      return (data, event) => {
        const v = read(data, event);
        return v !== null && v !== undefined && (v as number) >= limit;
      };
  }
}

/** `<` and `<=` also take json-logic's "between" form `[low, value, high]`. */
function comparison(op: OrderOp): Builder {
  const test = ORDERS[op];
  return (args) => {
    const [a, b] = [compileLogic(args[0]), compileLogic(args[1])];
    if ((op === '<' || op === '<=') && args.length >= 3) {
      const c = compileLogic(args[2]);
      return (data, event) => {
        const middle = b(data, event);
        return ordered(a(data, event), middle, test) && ordered(middle, c(data, event), test);
      };
    }
    if (!constants.has(b)) return (data, event) => ordered(a(data, event), b(data, event), test);
    const limit = constants.get(b);
    return limit === null || limit === undefined ? constant(false) : againstLimit(op, a, limit as number);
  };
}

/** `in` against a literal list is a Set lookup; otherwise json-logic-js's array/substring test. */
const scannedIn = scanning(inList);

const compileIn: Builder = (args) => {
  const [needle, haystack] = [compileLogic(args[0]), compileLogic(args[1])];
  const literal = constants.get(haystack);
  if (!Array.isArray(literal)) return (data, event) => scannedIn(needle(data, event), haystack(data, event));
  const members = new Set(literal);
  return (data, event) => members.has(needle(data, event));
};

function unary(test: (value: unknown) => boolean): Builder {
  return (args) => {
    const a = compileLogic(args[0]);
    return (data, event) => test(a(data, event));
  };
}

const BUILDERS: Readonly<Record<string, Builder>> = {
  ...COLLECTION_BUILDERS,
  var: compileVar,
  and: compileAnd,
  or: compileOr,
  if: compileIf,
  '?:': compileIf,
  '!': unary((value) => !truthy(value)),
  '!!': unary(truthy),
  '==': binary(scanning((a, b) => a == b, false)),
  '===': strictEquality(false),
  '!=': binary(scanning((a, b) => a != b, false)),
  '!==': strictEquality(true),
  '<': comparison('<'),
  '<=': comparison('<='),
  '>': comparison('>'),
  '>=': comparison('>='),
  in: compileIn,
  startsWith: binary(CUSTOM_OPERATIONS.startsWith),
  endsWith: binary(CUSTOM_OPERATIONS.endsWith),
  contains: binary(scanning(CUSTOM_OPERATIONS.contains)),
  exists: unary(CUSTOM_OPERATIONS.exists),
  nin: binary(scanning(CUSTOM_OPERATIONS.nin)),
};
