/**
 * How n8n's Merge node folds several items' JSON into one (it uses lodash's `merge`, `mergeWith`,
 * `assign` and `assignWith`), for JSON values: a deep merge goes into plain objects and arrays
 * (arrays index by index), later sources win, and the result shares nothing with its inputs. With
 * "Minimize Empty Fields" a source's `null`, `undefined` or `''` never replaces a value already set.
 * Keys are data: `__proto__` and `constructor` become own properties, never a prototype.
 */
import type { IDataObject } from 'n8n-workflow';

type Container = Record<string, unknown>;

/** The clash options of the Merge node (`options.clashHandling.values`). */
export interface ClashHandling {
  /** `addSuffix`, `preferInput1`, `preferLast`, or unset. */
  resolveClash?: string;
  /** @defaultValue 'deepMerge' */
  mergeMode?: string;
  /** "Minimize Empty Fields". @defaultValue false */
  overrideEmpty?: boolean;
}

/** Merges `sources` over `target` into a new object. */
export type MergeMethod = (target: IDataObject, ...sources: IDataObject[]) => IDataObject;

const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null;
const isEmpty = (value: unknown): boolean => value === undefined || value === null || value === '';
const own = (object: Container, key: string): unknown =>
  Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;

function assignKey(object: Container, key: string, value: unknown): void {
  if (value === undefined && key in object) return;
  if (key === '__proto__')
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

/** lodash's `baseMerge`: merges `source` into `object`, which is always a copy this module made. */
function mergeInto(object: Container, source: Container, keepSet: boolean): void {
  for (const key of Object.keys(source)) {
    const sourceValue = source[key];
    const current = own(object, key);
    if (keepSet && isEmpty(sourceValue)) {
      // mergeWith's customizer: keep what is there; lodash then writes the source value only where nothing is.
      if (current === undefined) assignKey(object, key, sourceValue);
      continue;
    }
    if (!isContainer(sourceValue)) {
      if (sourceValue !== undefined || !(key in object)) assignKey(object, key, sourceValue);
      continue;
    }
    let next: Container;
    if (Array.isArray(sourceValue)) next = (Array.isArray(current) ? current : []) as unknown as Container;
    else next = isContainer(current) ? current : {};
    mergeInto(next, sourceValue, keepSet);
    assignKey(object, key, next);
  }
}

/** A deep copy of JSON-like data (the deep merge into an empty object). */
function deepCopy(value: IDataObject): IDataObject {
  const copy: Container = {};
  mergeInto(copy, value, false);
  return copy as IDataObject;
}

function shallowInto(object: Container, source: Container, keepSet: boolean): void {
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (keepSet && isEmpty(value) && own(object, key) !== undefined) continue;
    assignKey(object, key, value);
  }
}

/** The merge the clash options ask for (n8n's default: deep, later sources win). */
export function selectMergeMethod(clash: ClashHandling): MergeMethod {
  const keepSet =
    clash.overrideEmpty === true && (clash.mergeMode === 'deepMerge' || clash.mergeMode === 'shallowMerge');
  if (clash.mergeMode === 'shallowMerge')
    return (target, ...sources) => {
      const result: Container = { ...target };
      for (const source of sources) shallowInto(result, source, keepSet);
      return result as IDataObject;
    };
  return (target, ...sources) => {
    const result = deepCopy(target) as Container;
    for (const source of sources) mergeInto(result, source, keepSet);
    return result as IDataObject;
  };
}

/** Every top-level key with `_<suffix>` appended (the "Always Add Input Number to Field Names" option). */
export function withSuffix(json: IDataObject, suffix: string): IDataObject {
  const renamed: Container = {};
  for (const key of Object.keys(json)) assignKey(renamed, `${key}_${suffix}`, json[key]);
  return renamed as IDataObject;
}
