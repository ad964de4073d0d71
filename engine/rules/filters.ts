/**
 * Per-event-type filters, `{"function.executed": {"function": {"id": ["func-123"]}}}`, and event
 * type patterns. Keys are exact event types, group patterns (`workflow.*`) or `*`; when several
 * keys match a type, only the most specific applies (exact, then the longest group, then `*`).
 * An event whose type matches no key passes the filters.
 */
import { translateConditions } from './conditions.js';
import { checkBounds, isPlainObject, keyField, ruleError } from './limits.js';
import { parseFieldList } from './projection.js';
import type { JsonLogic } from './types.js';

/** Key inside `filters` that is a projection (one seed's form), not an event type. */
export const PROJECTION_KEY = 'include_fields';

const MAX_PATTERN_LENGTH = 256;

/** One filter: the event type pattern and its JSON-logic (`null`: an empty filter, passes all). */
export interface FilterEntry {
  readonly pattern: string;
  readonly logic: JsonLogic | null;
}

export interface ParsedFilters {
  /** Most specific first. */
  readonly entries: readonly FilterEntry[];
  /** Paths from `filters.include_fields`, empty when absent. */
  readonly includeFields: readonly string[];
}

/**
 * Whether an event type matches a subscription pattern: `*` matches every type, a group pattern
 * `workflow.*` matches every type starting with `workflow.` (at any depth, so
 * `workflow.execution.completed` too), anything else must be equal.
 */
export function matchesEventPattern(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (isGroupPattern(pattern)) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

function isGroupPattern(pattern: string): boolean {
  return pattern.length > 2 && pattern.endsWith('.*');
}

/** Checks a pattern: `*` may only stand alone or end a group (`workflow.*`). */
export function validatePattern(pattern: unknown, field: string): string {
  if (typeof pattern !== 'string' || pattern === '' || pattern.length > MAX_PATTERN_LENGTH) {
    throw ruleError(
      field,
      'expected an event type or pattern',
      `non-empty string of at most ${MAX_PATTERN_LENGTH} characters`,
      pattern,
    );
  }
  const wildcards = pattern.split('*').length - 1;
  if (wildcards > 0 && pattern !== '*' && !(wildcards === 1 && isGroupPattern(pattern))) {
    throw ruleError(
      field,
      `'*' may only be a whole pattern or end a group like 'workflow.*'`,
      "event type, 'group.*' or '*'",
      pattern,
    );
  }
  return pattern;
}

/** The resource an event type is about: its first segment (`function` for `function.executed`). */
function resourceOf(pattern: string): string | undefined {
  return pattern === '*' ? undefined : pattern.split('.')[0];
}

/** Ranks patterns so the most specific comes first: exact, longer groups, shorter groups, `*`. */
function specificity(pattern: string): number {
  if (pattern === '*') return 0;
  return isGroupPattern(pattern) ? pattern.length : Number.MAX_SAFE_INTEGER;
}

/**
 * Parses `filters`, reported under `field`. Each event-type value uses the same grammar as
 * conditions (lists mean "one of", nested objects extend the path, operator objects apply).
 * A path starting with the type's resource (`function.id` under `function.executed`) falls back
 * to the rest of the path in `data` (`id`): the seed's payloads put the resource in `data` itself.
 */
export function parseFilters(filters: unknown, field = 'filters'): ParsedFilters {
  if (filters === undefined || filters === null) return { entries: [], includeFields: [] };
  if (!isPlainObject(filters)) throw ruleError(field, 'expected an object keyed by event type', 'object', filters);
  checkBounds(filters, field);
  const entries: FilterEntry[] = [];
  let includeFields: string[] = [];
  for (const key of Object.keys(filters)) {
    const at = keyField(field, key, true);
    if (key === PROJECTION_KEY) {
      includeFields = parseFieldList(filters[key], at);
      continue;
    }
    const pattern = validatePattern(key, at);
    if (!isPlainObject(filters[key]))
      throw ruleError(at, 'expected an object of field conditions', 'object', filters[key]);
    entries.push({ pattern, logic: translateConditions(filters[key], at, { resource: resourceOf(pattern) }) });
  }
  entries.sort((a, b) => specificity(b.pattern) - specificity(a.pattern));
  return { entries, includeFields };
}

/**
 * Looks a type up among patterns: a Map for exact types, then group prefixes longest first,
 * then `*`. `undefined` when nothing matches.
 */
export function createPatternIndex<T>(entries: ReadonlyArray<readonly [string, T]>): (type: string) => T | undefined {
  const exact = new Map<string, T>();
  const groups: Array<readonly [string, T]> = [];
  let wildcard: { value: T } | undefined;
  for (const [pattern, value] of entries) {
    if (pattern === '*') wildcard ??= { value };
    else if (isGroupPattern(pattern)) groups.push([pattern.slice(0, -1), value]);
    else if (!exact.has(pattern)) exact.set(pattern, value);
  }
  groups.sort((a, b) => b[0].length - a[0].length);
  // Specialised shapes: this runs once per subscription per event.
  if (groups.length === 0 && wildcard === undefined) return (type) => exact.get(type);
  if (exact.size === 0 && groups.length === 1) {
    const [[prefix, value]] = groups;
    return (type) => (type.startsWith(prefix) ? value : wildcard?.value);
  }
  return (type) => {
    if (exact.has(type)) return exact.get(type);
    for (const [prefix, value] of groups) if (type.startsWith(prefix)) return value;
    return wildcard?.value;
  };
}

const EVENT_TYPE = Object.freeze({ var: '$event.type' });

/**
 * The filters as one JSON-logic expression for display and for plain json-logic-js:
 * `{"if":[<type test>, <filter>, ..., true]}`, most specific first. `null` when no entry restricts.
 */
export function filtersToLogic(entries: readonly FilterEntry[]): JsonLogic | null {
  if (entries.every((entry) => entry.logic === null)) return null;
  const branches: unknown[] = [];
  let otherwise: unknown = true;
  for (const { pattern, logic } of entries) {
    if (pattern === '*') otherwise = logic ?? true;
    else branches.push(typeTest(pattern), logic ?? true);
  }
  return branches.length === 0 ? (otherwise as JsonLogic) : { if: [...branches, otherwise] };
}

function typeTest(pattern: string): JsonLogic {
  return isGroupPattern(pattern)
    ? { startsWith: [EVENT_TYPE, pattern.slice(0, -1)] }
    : { '===': [EVENT_TYPE, pattern] };
}
