/** JSON text columns: how values are written to and read from them. */

/** A value as JSON text; null and undefined are stored as SQL NULL. */
export const toJsonColumn = (value: unknown): string | null =>
  value === undefined || value === null ? null : JSON.stringify(value);

/** A JSON text column's value, or `fallback` for SQL NULL. */
export const fromJsonColumn = <T>(text: unknown, fallback: T): T =>
  typeof text === 'string' ? (JSON.parse(text) as T) : fallback;
