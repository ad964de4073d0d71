/** Human output: aligned tables and `key: value` blocks, never wider than they need to be. */

/** A column: header and how to read its cell from a row. */
export interface Column<T> {
  header: string;
  cell(row: T): unknown;
  /** Cut longer cells to this many characters. @defaultValue 60 */
  maxWidth?: number;
}

/** Text of one cell: null and undefined show as `-`, objects as compact JSON. */
export function cellText(value: unknown, maxWidth = 60): string {
  let text: string;
  if (value === null || value === undefined || value === '') text = '-';
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  text = text.replace(/\s+/g, ' ');
  return text.length > maxWidth ? `${text.slice(0, maxWidth - 1)}…` : text;
}

/** Renders rows under a header line, columns padded to their widest cell. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string[] {
  const cells = rows.map((row) => columns.map((column) => cellText(column.cell(row), column.maxWidth)));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) =>
    values
      .map((value, i) => (i === values.length - 1 ? value : value.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)];
}

/** Renders `[label, value]` pairs as an aligned `label: value` block. */
export function details(pairs: ReadonlyArray<readonly [string, unknown]>): string[] {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${cellText(value, 200)}`);
}
