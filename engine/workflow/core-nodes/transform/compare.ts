/**
 * How n8n's Sort and Remove Duplicates nodes compare field values (they use lodash's `isEqual`
 * and `lt`): deep equality on JSON values, and "less than" that compares two strings as strings
 * and anything else as numbers (`"10"` → 10, `true` → 1, `null` → 0, objects and undefined → NaN).
 * Both nodes sort with these inside `Array.prototype.sort`, so the same engine gives the same order,
 * even for mixed types where the comparison is not a total order.
 */

/** Deep equality of JSON-like values (NaN equals NaN, key order does not matter). */
export function isEqualValue(a: unknown, b: unknown): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Date || b instanceof Date)
    return a instanceof Date && b instanceof Date && isEqualValue(a.getTime(), b.getTime());
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  const recordB = b as Record<string, unknown>;
  return keysA.every(
    (key) =>
      Object.prototype.hasOwnProperty.call(b, key) && isEqualValue((a as Record<string, unknown>)[key], recordB[key]),
  );
}

/** lodash's `lt`. */
export function isLessThan(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a < b;
  return toNumber(a) < toNumber(b);
}

/** lodash's `toNumber` for JSON values: objects by their text, strings trimmed, 0b/0o/0x read. */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'symbol' || value === undefined) return Number.NaN;
  let primitive: unknown = value;
  if (typeof value === 'object' && value !== null) {
    const valueOf = (value as { valueOf?: () => unknown }).valueOf;
    const own = typeof valueOf === 'function' ? valueOf.call(value) : value;
    primitive = typeof own === 'object' && own !== null ? String(own as object) : own;
  }
  if (typeof primitive !== 'string') return primitive === 0 ? primitive : Number(primitive);
  const text = primitive.trim();
  if (/^0b[01]+$/i.test(text)) return parseInt(text.slice(2), 2);
  if (/^0o[0-7]+$/i.test(text)) return parseInt(text.slice(2), 8);
  if (/^[-+]0x[0-9a-f]+$/i.test(text)) return Number.NaN;
  return Number(text);
}
