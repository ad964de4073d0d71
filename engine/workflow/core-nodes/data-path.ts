/**
 * Dot paths into item JSON (`a.b`, `a[0].c`, `a["x.y"]`), read and written the way n8n's core nodes
 * do it (they use lodash's `get`/`set`/`unset`): the same path syntax, a whole key that exists as is
 * wins over splitting it, and writing through a missing or primitive step makes an array when the
 * next key is an index, else an object, and a path through `__proto__`, `constructor` or
 * `prototype` writes nothing (lodash's guard, so outputs match n8n's). Unlike lodash, reads see own
 * properties only and writes define own properties, so item JSON (user data, hostile) can never
 * reach or change a prototype.
 */
import type { IDataObject } from 'n8n-workflow';
import { memo } from '../../memo.js';

/** The keys lodash's `set` refuses anywhere in a path. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** lodash's property-name grammar: plain names, `[0]`, `[-1.5]`, `["quoted"]`, and empty names. */
const PROPERTY_NAME =
  /[^.[\]]+|\[(?:(-?\d+(?:\.\d+)?)|(["'])((?:(?!\2)[^\\]|\\.)*?)\2)\]|(?=(?:\.|\[\])(?:\.|\[\]|$))/g;
const DEEP_PATH = /\.|\[(?:[^[\]]*|(["'])(?:(?!\1)[^\\]|\\.)*?\1)\]/;
const PLAIN_NAME = /^\w*$/;
const ESCAPE = /\\(\\)?/g;
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

type Container = Record<string, unknown>;

/** A dot path, or the keys themselves (one key that may contain dots or brackets: `['a.b']`). */
export type DataPath = string | readonly string[];

const isContainer = (value: unknown): value is Container =>
  value !== null && (typeof value === 'object' || typeof value === 'function');

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/** The keys a path names; a path that is itself an own key of `object` names just that key. */
export function toPath(path: DataPath, object?: unknown): string[] {
  if (typeof path !== 'string') return [...path];
  if (PLAIN_NAME.test(path) || !DEEP_PATH.test(path) || (isContainer(object) && hasOwn(object, path))) return [path];
  // Paths come from workflow parameters and item keys: few, reused per item. A full cache is
  // dropped, as lodash drops its own, so hostile data cannot grow it without bound.
  return [...memo(parsedPaths, path, parsePath, MAX_PARSED_PATHS)];
}

const parsedPaths = new Map<string, readonly string[]>();
const MAX_PARSED_PATHS = 500;

function parsePath(path: string): string[] {
  const keys: string[] = [];
  if (path.startsWith('.')) keys.push('');
  path.replace(PROPERTY_NAME, (match: string, number?: string, quote?: string, quoted?: string) => {
    keys.push(quote ? quoted!.replace(ESCAPE, '$1') : (number ?? match));
    return match;
  });
  return keys;
}

/** The value at `path`, or undefined; inherited members (`toString`, `__proto__`) are never read. */
export function getPath(object: unknown, path: DataPath): unknown {
  const keys = toPath(path, object);
  let cursor: unknown = object;
  for (const key of keys) {
    // Text has own indexes and a length (`"abc".1` is "b"), as lodash reads them.
    if (cursor === null || cursor === undefined || !hasOwn(Object(cursor), key)) return undefined;
    cursor = (cursor as Container)[key];
  }
  return keys.length > 0 ? cursor : undefined;
}

/** Whether `path` names an own property, at every step. */
export function hasPath(object: unknown, path: DataPath): boolean {
  let cursor: unknown = object;
  for (const key of toPath(path, object)) {
    if (!isContainer(cursor) || !hasOwn(cursor, key)) return false;
    cursor = cursor[key];
  }
  return true;
}

/**
 * Writes `value` at `path`, making objects (or arrays before an index) on the way. At a prototype
 * key the write stops, as lodash's `set` stops (`x.__proto__.y` leaves `x: {}`): nothing past it.
 */
export function setPath(object: IDataObject, path: DataPath, value: unknown): void {
  const keys = toPath(path, object);
  let cursor: Container = object;
  for (const [index, key] of keys.entries()) {
    // As lodash: the walk stops at a prototype key, keeping the steps it already made.
    if (PROTOTYPE_KEYS.has(key)) return;
    if (index === keys.length - 1) {
      assignOwn(cursor, key, value);
      return;
    }
    const next = hasOwn(cursor, key) ? cursor[key] : undefined;
    if (isContainer(next)) cursor = next;
    else {
      const made: Container = ARRAY_INDEX.test(keys[index + 1]) ? ([] as unknown as Container) : {};
      assignOwn(cursor, key, made);
      cursor = made;
    }
  }
}

/** Removes the own property at `path`; a missing parent (or an inherited step) removes nothing. */
export function unsetPath(object: IDataObject, path: DataPath): void {
  const keys = toPath(path, object);
  if (keys.length === 0) return;
  let cursor: unknown = object;
  for (const key of keys.slice(0, -1)) {
    if (!isContainer(cursor) || !hasOwn(cursor, key)) return;
    cursor = cursor[key];
  }
  const last = keys[keys.length - 1];
  if (isContainer(cursor) && hasOwn(cursor, last)) delete cursor[last];
}

/**
 * `object[key] = value` for one plain key (no path), as n8n's nodes write a field with dot notation
 * off, but as an own property: `__proto__` is skipped, since n8n's assignment would swap the item's
 * prototype rather than add a field (its output shows no such field either).
 */
export function setKey(object: IDataObject, key: string, value: unknown): void {
  if (key !== '__proto__') assignOwn(object, key, value);
}

/**
 * Sets an own property. `__proto__` never gets here (callers skip it), and every other member a
 * plain object or array inherits is a plain value, not a setter, so assignment creates an own
 * property and can call no inherited code.
 */
function assignOwn(target: Container, key: string, value: unknown): void {
  if (key !== '__proto__') target[key] = value;
}
