/**
 * The benchmark harness, tiny: every figure runs end to end (real engines, helper processes,
 * receivers on 127.0.0.1) and prints its table. No timing assertions: this machine is shared, and
 * the numbers of a run this small mean nothing. It only proves `npm run bench` would run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { removeBundles } from '../../bench/child.js';
import { benchOptions } from '../../bench/options.js';
import { FIGURES, runSuite, type Figure } from '../../bench/suite.js';
import { formatTable, type Row } from '../../bench/table.js';
import { postgresAvailable } from '../helpers/postgres.js';

const log = (message: string) => console.log(`[bench] ${message}`);

/** Prints the table; no figure failed, and each has a finite, positive number. */
function expectMeasured(rows: readonly Row[]): void {
  console.log(formatTable(rows));
  const measured = rows.filter((row) => !row.figure.startsWith('ingress vs n8n'));
  expect(measured.map((row) => row.note ?? '').filter((note) => note.startsWith('failed'))).toEqual([]);
  for (const row of measured) {
    expect(Number.isFinite(row.hookline), row.figure).toBe(true);
    // Order violations are counted, and zero is the hoped-for count. RSS slopes at smoke size are noise
    // around zero (the garbage collector can give back more than a few rows take). Everything else is
    // a rate, a time or a size.
    if (!row.figure.endsWith('per-endpoint order') && !row.figure.startsWith('RSS per'))
      expect(row.hookline, row.figure).toBeGreaterThan(0);
  }
}

describe('benchmark harness (smoke)', () => {
  afterAll(removeBundles);

  it('runs every figure and reports a finite, positive number for each', async () => {
    const rows = await runSuite(
      benchOptions('smoke', log),
      // The crash figure is test/integration/crash-proof.test.ts at full size: that test runs it.
      FIGURES.filter((figure: Figure) => figure !== 'scaleout' && figure !== 'crash'),
    );
    expectMeasured(rows);
    // Generous: the figures run side by side in child processes, and CI's two cores are shared with
    // the rest of the suite (a clean-clone run took over 240 s here while the heavy suites ran).
  }, 480_000);

  // On its own, after the others: its four engine start-ups would crowd the figures running side by side.
  it('runs the scale-out figure on PostgreSQL (skipped without it)', async (context) => {
    if (!(await postgresAvailable())) return context.skip();
    expectMeasured(await runSuite(benchOptions('smoke', log), ['scaleout']));
  }, 90_000);
});
