/**
 * `include_fields`: dot paths that trim event `data` before delivery. Paths are split once into
 * a trie at compile time; projecting walks the trie, never the paths.
 */
import { checkBounds, indexField, ruleError } from './limits.js';
import { EVENT_ROOT, parsePath } from './paths.js';

/** Children to keep under a key; `null` keeps the whole value. */
type Branch = Map<string, Branch | null>;

/** Nesting (objects and arrays) walked before giving up, so `[[[…]]]` data cannot exhaust the stack. */
const MAX_ARRAY_NESTING = 64;

/**
 * Validates an `include_fields` list (reported under `field`) and returns its unique paths.
 * @throws HooklineError INVALID_INPUT naming the bad entry, e.g. `include_fields[2]`.
 */
export function parseFieldList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw ruleError(field, 'expected a list of dot paths', 'array of strings', value);
  checkBounds(value, field);
  value.forEach((path, i) => checkProjectionPath(path, indexField(field, i)));
  return [...new Set(value as string[])];
}

function checkProjectionPath(path: unknown, field: string): string[] {
  const segments = parsePath(path, field);
  if (segments[0] === EVENT_ROOT) {
    throw ruleError(
      field,
      'include_fields are paths inside event data; the envelope is always sent',
      'path inside data',
      path,
    );
  }
  return segments;
}

/**
 * Compiles dot paths into a projector that keeps only those paths of `data`, nested structure
 * included: `['output_data.order_id']` turns `{output_data:{order_id:1,x:2},y:3}` into
 * `{output_data:{order_id:1}}`.
 *
 * - Missing paths are skipped; an object left empty by the projection is left out.
 * - A path through an array applies to each element (`steps.name` keeps `name` of every step);
 *   arrays keep one entry per object element, and scalar elements are dropped.
 * - A shorter path wins over a longer one (`a` and `a.b` keep all of `a`).
 * - Only own properties are read. Non-object `data` projects to `{}`.
 * - An empty list means "no projection": the projector returns `data` unchanged.
 *
 * @throws HooklineError INVALID_INPUT for an unusable path (`include_fields[0]`).
 */
export function compileProjection(paths: readonly string[]): (data: unknown) => unknown {
  if (!Array.isArray(paths))
    throw ruleError('include_fields', 'expected a list of dot paths', 'array of strings', paths);
  if (paths.length === 0) return (data) => data;
  const root: Branch = new Map();
  paths.forEach((path, i) => addPath(root, checkProjectionPath(path, indexField('include_fields', i))));
  return (data) => (data !== null && typeof data === 'object' ? pick(root, data, 0) : {});
}

function addPath(root: Branch, segments: readonly string[]): void {
  let node = root;
  for (let i = 0; i < segments.length; i++) {
    const key = segments[i];
    if (i === segments.length - 1) {
      node.set(key, null);
      return;
    }
    const existing = node.get(key);
    if (existing === null) return; // a shorter path already keeps the whole value
    const next: Branch = existing ?? new Map();
    node.set(key, next);
    node = next;
  }
}

function pick(node: Branch, value: object, depth: number): unknown {
  if (Array.isArray(value)) return pickEach(node, value, depth);
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, child] of node) {
    if (!Object.hasOwn(source, key)) continue;
    const field = source[key];
    if (field === undefined) continue;
    if (child === null) {
      out[key] = field;
    } else if (field !== null && typeof field === 'object') {
      const picked = pick(child, field, depth + 1);
      if (!isEmptyObject(picked)) out[key] = picked;
    }
  }
  return out;
}

function pickEach(node: Branch, items: readonly unknown[], depth: number): unknown[] {
  if (depth >= MAX_ARRAY_NESTING) return [];
  const out: unknown[] = [];
  for (const item of items) {
    if (item !== null && typeof item === 'object') out.push(pick(node, item, depth + 1));
  }
  return out;
}

function isEmptyObject(value: unknown): boolean {
  if (Array.isArray(value) || value === null || typeof value !== 'object') return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}
