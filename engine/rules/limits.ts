/**
 * Size bounds and the error helper shared by every rule translator. Rules come from API callers,
 * so a hostile or accidental rule must fail with a clear INVALID_INPUT naming the bad path rather
 * than exhausting the stack or memory.
 */
import { Errors, type HooklineError } from '../errors.js';

/** Bounds on one rule input (`conditions`, `filters` or `include_fields`). */
export const RULE_LIMITS = Object.freeze({
  /** Nesting depth of objects and arrays. */
  maxDepth: 32,
  /** Values (objects, arrays and scalars) in one input. */
  maxNodes: 1000,
  /** Characters in one dot path. */
  maxPathLength: 256,
  /**
   * Work one evaluation of one rule may do, in steps: each element an array operation
   * (`all`/`some`/`none`/`map`/`filter`/`reduce`) visits costs 1 plus the size of its body, and
   * values built or scanned (`merge`, `cat`, `substr`, `in`, `==` on arrays …) cost their size.
   * A rule over budget stops and counts as "no match".
   */
  maxSteps: 10_000,
  /** Elements in one array a rule builds while evaluating (`merge`, `map`, `filter`). */
  maxBuiltItems: 10_000,
  /** Characters in one string a rule builds while evaluating (`cat`, `substr`). */
  maxBuiltChars: 65_536,
  /** Characters that cost one step when a rule builds or scans a string. */
  charsPerStep: 64,
  /** Elements in one literal list of a rule (`[1,2,3]`, `{"in":["a",[...]]}`). */
  maxLiteralItems: 500,
});

/** An INVALID_INPUT error whose message and `details.field` name the bad path. */
export function ruleError(field: string, problem: string, expected: string, received: unknown): HooklineError {
  const got = describeValue(received);
  return Errors.INVALID_INPUT(`Invalid rule at '${field}': ${problem}`, {
    details: { field, expected, received: got },
  });
}

/** A short, safe description of a received value for error details (never the whole value). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

/** `base[3]`: the field name of an array element. */
export function indexField(base: string, index: number): string {
  return `${base}[${index}]`;
}

/** `base.key`, or `base["key"]` when the key itself contains dots or wildcards (event types). */
export function keyField(base: string, key: string, quoteDots = false): string {
  return quoteDots && /[^\w$-]/.test(key) ? `${base}[${JSON.stringify(key)}]` : `${base}.${key}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * Rejects inputs deeper than `maxDepth`, larger than `maxNodes`, or holding non-JSON values
 * (functions, class instances, cycles: a cycle trips the depth bound). Run before translation so
 * the recursive translators never see an unbounded input.
 */
export function checkBounds(value: unknown, field: string): void {
  const budget = { nodes: 0 };
  visit(value, field, 0, budget);
}

function visit(value: unknown, field: string, depth: number, budget: { nodes: number }): void {
  if (++budget.nodes > RULE_LIMITS.maxNodes) {
    throw ruleError(
      field,
      `rule has more than ${RULE_LIMITS.maxNodes} values`,
      `at most ${RULE_LIMITS.maxNodes} values`,
      'larger rule',
    );
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    // JSON has no Infinity or NaN: stored, it would come back as null and fail to load.
    throw ruleError(field, 'numbers must be finite', 'finite number', value);
  }
  if (isScalar(value)) return;
  if (depth >= RULE_LIMITS.maxDepth) {
    throw ruleError(
      field,
      `rule is nested deeper than ${RULE_LIMITS.maxDepth} levels`,
      `at most ${RULE_LIMITS.maxDepth} levels`,
      'deeper rule',
    );
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => visit(item, indexField(field, i), depth + 1, budget));
    // After the items, so a list over the value bound reports that bound.
    if (value.length > RULE_LIMITS.maxLiteralItems) {
      throw ruleError(
        field,
        `list has more than ${RULE_LIMITS.maxLiteralItems} items`,
        `at most ${RULE_LIMITS.maxLiteralItems} items`,
        `${value.length} items`,
      );
    }
    return;
  }
  if (!isPlainObject(value)) throw ruleError(field, 'not a JSON value', 'JSON value', value);
  for (const key of Object.keys(value)) visit(value[key], keyField(field, key), depth + 1, budget);
}
