/**
 * Dot paths into item JSON (`a.b`, `a[0].c`, `a["x.y"]`), read and written the way n8n's core nodes
 * do it (they use lodash's `get`/`set`/`unset`): the same path syntax, a whole key that exists as is
 * wins over splitting it, and writing through a missing or primitive step makes an array when the
 * next key is an index, else an object. Unlike lodash, reads see own properties only and writes
 * never touch a prototype: item JSON is user data, and `__proto__`, `constructor` or `prototype`
 * in a path are hostile (n8n-workflow's `isSafeObjectProperty` decides, as in n8n).
 */
import type { IDataObject } from 'n8n-workflow';
import { isSafeObjectProperty } from '../../node-contract/n8n-runtime.js';

/** lodash's property-name grammar: plain names, `[0]`, `[-1.5]`, `["quoted"]`, and empty names. */
const PROPERTY_NAME = /[^.[\]]+|\[(?:(-?\d+(?:\.\d+)?)|(["'])((?:(?!\2)[^\\]|\\.)*?)\2)\]|(?=(?:\.|\[\])(?:\.|\[\]|$))/g;
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
    if (!isContainer(cursor) || !hasOwn(cursor, key)) return undefined;
    cursor = cursor[key];
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
 * Writes `value` at `path`, making objects (or arrays before an index) on the way. A path with an
 * unsafe key is ignored as a whole, as lodash's `set` ignores `__proto__`: nothing is written.
 */
export function setPath(object: IDataObject, path: DataPath, value: unknown): void {
  const keys = toPath(path, object);
  if (keys.some((key) => !isSafeObjectProperty(key))) return;
  let cursor: Container = object;
  keys.forEach((key, index) => {
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
  });
}

/** Removes the property at `path`; a path with an unsafe key or a missing parent removes nothing. */
export function unsetPath(object: IDataObject, path: DataPath): void {
  const keys = toPath(path, object);
  if (keys.length === 0 || keys.some((key) => !isSafeObjectProperty(key))) return;
  let cursor: unknown = object;
  for (const key of keys.slice(0, -1)) {
    if (!isContainer(cursor) || !hasOwn(cursor, key)) return;
    cursor = cursor[key];
  }
  if (isContainer(cursor)) delete cursor[keys[keys.length - 1]];
}

/**
 * Sets an own property: an existing one by assignment (an array's `length` keeps its checks), a new
 * one by definition, so an inherited accessor of that name (`__defineGetter__`…) is never called.
 */
function assignOwn(target: Container, key: string, value: unknown): void {
  if (hasOwn(target, key)) target[key] = value;
  else Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
