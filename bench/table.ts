/**
 * The one table every run prints (figure, Hookline, baseline, ratio, target, pass/fail) and the
 * same rows as `bench/results.json`. A missed target prints as `MISSED`: the table is for
 * deciding what to fix, so it must never hide a miss.
 */
import { writeFileSync } from 'node:fs';

/** One line of the results table. */
export interface Row {
  figure: string;
  /** Hookline's value, in `unit`. */
  hookline: number;
  /** The baseline measured in the same run (NaN when the figure has none). */
  baseline: number;
  unit: string;
  /** Always Hookline ÷ baseline, whatever the unit, so the column reads one way. */
  ratio: number;
  /** Human-readable target, e.g. `≥ 0.5×` or `≤ 10 ms`; empty for informational rows. */
  target: string;
  /** true = met, false = missed, null = informational (no target). */
  pass: boolean | null;
  note?: string;
  /** Machine-readable figures behind the row, written to `bench/results.json` only (never printed). */
  details?: Record<string, unknown>;
}

/** The one row of a figure this mode leaves to full mode, saying so and why. */
export function fullModeOnly(figure: string, why: string): Row {
  return {
    figure,
    hookline: Number.NaN,
    baseline: Number.NaN,
    unit: '',
    ratio: Number.NaN,
    target: '',
    pass: null,
    note: `full mode only: ${why}`,
  };
}

/** A number as the table prints it: thousands separated, about three significant figures. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  if (Math.abs(value) >= 1 || value === 0) return value.toFixed(2);
  return value.toPrecision(2);
}

function verdict(pass: boolean | null): string {
  if (pass === null) return 'info';
  return pass ? 'pass' : '**MISSED**';
}

/** Renders the rows as a markdown table, notes as a numbered list under it. */
export function formatTable(rows: readonly Row[]): string {
  const lines = ['| figure | Hookline | baseline | ratio | target | result |', '|---|---:|---:|---:|---|---|'];
  const notes: string[] = [];
  for (const row of rows) {
    let figure = row.figure;
    if (row.note) {
      notes.push(row.note);
      figure += ` [${notes.length}]`;
    }
    const unit = row.unit ? ` ${row.unit}` : '';
    const baseline = Number.isFinite(row.baseline) ? `${formatNumber(row.baseline)}${unit}` : '—';
    const hookline = Number.isFinite(row.hookline) ? `${formatNumber(row.hookline)}${unit}` : '—';
    lines.push(
      `| ${figure} | ${hookline} | ${baseline} | ${Number.isFinite(row.ratio) ? `${formatNumber(row.ratio)}×` : '—'} | ${row.target || '—'} | ${verdict(row.pass)} |`,
    );
  }
  return [...lines, '', ...notes.map((note, i) => `[${i + 1}] ${note}`)].join('\n');
}

/** Writes the rows plus when and how they were measured (gitignored: results differ per machine). */
export function writeResults(path: string, rows: readonly Row[], meta: Record<string, unknown>): void {
  // JSON has no NaN: write null so readers see "no value" rather than a parse error.
  const clean = rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? null : v]),
    ),
  );
  writeFileSync(path, `${JSON.stringify({ ...meta, rows: clean }, null, 2)}\n`);
}
