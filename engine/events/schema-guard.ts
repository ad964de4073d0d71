/**
 * A publisher's JSON Schema for an event type's data is hostile input, as a subscription rule is
 * (rules/limits.ts): before ajv sees it, it is bounded in size, depth and values, its `$ref`s must
 * stay inside it and must not recurse, and every construct whose cost could grow faster than the
 * data it checks is refused or bounded. Its patterns run in a linear-time engine. A bad schema is
 * an INVALID_INPUT whose `details.field` is the JSON path of the problem inside `schema`.
 */
import type { ValidateFunction } from 'ajv';
import { Errors, type HooklineError } from '../errors.js';
import { compileUntrustedSchema } from '../validation.js';
import { compileLinearRegExp, UnsupportedPatternError } from './linear-regexp.js';

export const SCHEMA_LIMITS = Object.freeze({
  /** Characters of the schema as JSON. */
  maxChars: 65_536,
  /** Nesting depth of objects and arrays. */
  maxDepth: 32,
  /** Values (objects, arrays and scalars) in the schema. */
  maxNodes: 5_000,
  /**
   * Subschemas the schema has once every `$ref` is followed: shared definitions count once per
   * use, so a few definitions that each use the next twice cannot make validation exponential.
   */
  maxExpandedNodes: 20_000,
  /** `uniqueItems` compares items pairwise: it needs `maxItems` of at most this many beside it. */
  maxUniqueItems: 1_000,
});

/** Keywords that would load or resolve something outside the schema. */
const REFUSED_KEYWORDS: Record<string, string> = {
  $id: 'the type name is its identity; a schema-level $id could point outside it',
  $dynamicRef: 'dynamic references are not supported',
  $recursiveRef: 'recursive references are not supported',
  $dynamicAnchor: 'dynamic references are not supported',
  $recursiveAnchor: 'recursive references are not supported',
  $data: 'data references are not supported',
};

/** Compiles a publisher's data schema once it passes the checks above; throws INVALID_INPUT naming the problem. */
export function compilePublisherSchema(schema: unknown): ValidateFunction {
  if (!isObject(schema)) throw schemaError('schema', 'must be a JSON Schema object', 'object', typeName(schema));
  const text = JSON.stringify(schema);
  if (text.length > SCHEMA_LIMITS.maxChars)
    throw schemaError(
      'schema',
      `is larger than ${SCHEMA_LIMITS.maxChars} characters as JSON`,
      'a smaller schema',
      `${text.length} characters`,
    );
  const refs: Ref[] = [];
  walk(schema, 'schema', [], 0, { nodes: 0 }, refs);
  checkRefs(schema, refs);
  try {
    return compileUntrustedSchema(schema, linearRegExpEngine);
  } catch (error) {
    if (error instanceof UnsupportedPatternError)
      throw schemaError(
        'schema',
        `has a pattern outside the supported subset: ${error.message}`,
        'a linear-time pattern',
        'pattern',
      );
    const message = error instanceof Error ? error.message : String(error);
    throw schemaError(
      'schema',
      `is not a valid JSON Schema: ${message.slice(0, 300)}`,
      'a valid JSON Schema',
      'schema',
    );
  }
}

const linearRegExpEngine = Object.assign((pattern: string) => compileLinearRegExp(pattern), {
  code: 'compileLinearRegExp',
});

interface Ref {
  field: string;
  /** The JSON Pointer (without `#`) the `$ref` names. */
  target: string;
  /** Pointer of the object holding the `$ref`. */
  at: string;
}

function walk(
  value: unknown,
  field: string,
  pointer: string[],
  depth: number,
  budget: { nodes: number },
  refs: Ref[],
): void {
  if (++budget.nodes > SCHEMA_LIMITS.maxNodes)
    throw schemaError(
      field,
      `makes the schema hold more than ${SCHEMA_LIMITS.maxNodes} values`,
      `at most ${SCHEMA_LIMITS.maxNodes} values`,
      'larger schema',
    );
  if (typeof value === 'number' && !Number.isFinite(value))
    throw schemaError(field, 'must be a finite number', 'finite number', String(value));
  if (value === null || typeof value !== 'object') return;
  if (depth >= SCHEMA_LIMITS.maxDepth)
    throw schemaError(
      field,
      `is nested deeper than ${SCHEMA_LIMITS.maxDepth} levels`,
      `at most ${SCHEMA_LIMITS.maxDepth} levels`,
      'deeper schema',
    );
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${field}[${i}]`, [...pointer, String(i)], depth + 1, budget, refs));
    return;
  }
  const record = value as Record<string, unknown>;
  checkKeywords(record, field, pointer, refs);
  for (const key of Object.keys(record))
    walk(record[key], keyField(field, key), [...pointer, key], depth + 1, budget, refs);
}

function checkKeywords(record: Record<string, unknown>, field: string, pointer: string[], refs: Ref[]): void {
  for (const [keyword, reason] of Object.entries(REFUSED_KEYWORDS))
    if (Object.hasOwn(record, keyword))
      throw schemaError(`${field}.${keyword}`, `is refused: ${reason}`, 'no such keyword', 'present');
  if (Object.hasOwn(record, '$ref')) {
    const ref = record.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#'))
      throw schemaError(
        `${field}.$ref`,
        'must point inside this schema (start with #): remote references are never fetched',
        '#/…',
        typeName(ref),
      );
    refs.push({ field: `${field}.$ref`, target: decodeFragment(ref), at: toPointer(pointer) });
  }
  if (record.uniqueItems === true) {
    const max = record.maxItems;
    if (typeof max !== 'number' || max > SCHEMA_LIMITS.maxUniqueItems)
      throw schemaError(
        `${field}.uniqueItems`,
        `needs maxItems of at most ${SCHEMA_LIMITS.maxUniqueItems} beside it (items are compared pairwise)`,
        `maxItems <= ${SCHEMA_LIMITS.maxUniqueItems}`,
        typeof max === 'number' ? String(max) : 'no maxItems',
      );
  }
}

/**
 * Every `$ref` names a part of this schema, no chain of them leads back into itself (a recursive
 * schema re-checks a value once per branch at every level), and the schema with each `$ref`
 * followed stays within `maxExpandedNodes`.
 */
function checkRefs(schema: Record<string, unknown>, refs: readonly Ref[]): void {
  if (refs.length === 0) return;
  for (const ref of refs) {
    if (resolvePointer(schema, ref.target) === undefined)
      throw schemaError(
        ref.field,
        `points at '#${ref.target}', which is not in this schema`,
        'a pointer into this schema',
        `#${ref.target}`,
      );
  }
  const sizes = new Map<string, number>();
  const visiting = new Set<string>();
  const size = (pointer: string, value: unknown, via: Ref | null): number => {
    if (value === null || typeof value !== 'object') return 1;
    if (sizes.has(pointer)) return sizes.get(pointer)!;
    if (visiting.has(pointer))
      throw schemaError(
        via?.field ?? 'schema',
        'makes the schema recursive: a chain of $ref leads back into itself',
        'references that do not recurse',
        `#${pointer}`,
      );
    visiting.add(pointer);
    let total = 1;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const childPointer = `${pointer}/${escapePointer(key)}`;
      total += key === '$ref' && typeof child === 'string' ? refSize(child, pointer) : size(childPointer, child, via);
      if (total > SCHEMA_LIMITS.maxExpandedNodes)
        throw schemaError(
          'schema',
          `has more than ${SCHEMA_LIMITS.maxExpandedNodes} subschemas once its $refs are followed`,
          `at most ${SCHEMA_LIMITS.maxExpandedNodes}`,
          'larger schema',
        );
    }
    visiting.delete(pointer);
    sizes.set(pointer, total);
    return total;
  };
  const refSize = (ref: string, at: string): number => {
    const target = decodeFragment(ref);
    const via = refs.find((r) => r.at === at && r.target === target) ?? null;
    return size(target, resolvePointer(schema, target), via);
  };
  size('', schema, null);
}

function resolvePointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The pointer of a `#…` reference; a malformed %-escape leaves it as written (and unresolvable). */
function decodeFragment(ref: string): string {
  try {
    return decodeURIComponent(ref.slice(1));
  } catch {
    return ref.slice(1);
  }
}

const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');
const toPointer = (parts: readonly string[]): string => parts.map((part) => `/${escapePointer(part)}`).join('');
const keyField = (base: string, key: string): string =>
  /^[\w$]+$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function schemaError(field: string, problem: string, expected: string, received: string): HooklineError {
  return Errors.INVALID_INPUT(`Field '${field}' ${problem}`, { details: { field, expected, received } });
}
