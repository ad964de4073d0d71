/**
 * Field equality for the Merge node's "combine by matching fields": strict deep equality, or with
 * "Fuzzy Compare" n8n's tolerance of small type differences (observed in n8n 2.8): `3` equals `'3'`,
 * `true` equals `'true'`/`'TRUE'`, `'1'` and `1`, `null`/`''`/`[]` equal each other and a missing field,
 * and an object equals its JSON text.
 */
import { isEqualValue } from '../transform/compare.js';

export type ValueComparer = (a: unknown, b: unknown) => boolean;

const isFalsy = (value: unknown): boolean =>
  value === null || value === '' || (Array.isArray(value) && value.length === 0);

function equalsJsonText(text: string, value: unknown): boolean {
  try {
    return isEqualValue(JSON.parse(text), value);
  } catch {
    return false;
  }
}

function booleanMatches(flag: boolean, other: unknown): boolean {
  if (typeof other === 'string') return other.toLowerCase() === String(flag) || other === (flag ? '1' : '0');
  if (typeof other === 'number') return other === (flag ? 1 : 0);
  return isEqualValue(flag, other);
}

function fuzzyEqual(a: unknown, b: unknown): boolean {
  if (a !== null && b !== null && typeof a === typeof b) return isEqualValue(a, b);
  if (isFalsy(a) && isFalsy(b)) return true;
  if ((isFalsy(a) && b === undefined) || (a === undefined && isFalsy(b))) return true;
  if (typeof a === 'number' && typeof b === 'string') return String(a) === b;
  if (typeof a === 'string' && typeof b === 'number') return a === String(b);
  if (a !== null && typeof a === 'object' && typeof b === 'string') return equalsJsonText(b, a);
  if (b !== null && typeof a === 'string' && typeof b === 'object') return equalsJsonText(a, b);
  if (typeof a === 'boolean') return booleanMatches(a, b);
  if (typeof b === 'boolean') return booleanMatches(b, a);
  return isEqualValue(a, b);
}

/** The comparer for the node's `fuzzyCompare` option. */
export function valueComparer(fuzzy: boolean): ValueComparer {
  return fuzzy ? fuzzyEqual : isEqualValue;
}
