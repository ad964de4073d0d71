/**
 * The benchmark harness, tiny: every figure runs end to end (real engines, helper processes,
 * receivers on 127.0.0.1) and prints its table. No timing assertions: this machine is shared, and
 * the numbers of a run this small mean nothing. It only proves `npm run bench` would run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { removeBundles } from '../../bench/child.js';
import { benchOptions } from '../../bench/options.js';
import { runSuite } from '../../bench/suite.js';
import { formatTable } from '../../bench/table.js';

describe('benchmark harness (smoke)', () => {
  afterAll(removeBundles);

  it('runs every figure and reports a finite, positive number for each', async () => {
    const rows = await runSuite(benchOptions('smoke', (message) => console.log(`[bench] ${message}`)));
    console.log(formatTable(rows));
    const measured = rows.filter((row) => !row.figure.startsWith('ingress vs n8n'));
    expect(measured.map((row) => row.note ?? '').filter((note) => note.startsWith('failed'))).toEqual([]);
    for (const row of measured) {
      expect(Number.isFinite(row.hookline), row.figure).toBe(true);
      // Order violations are counted, and zero is the hoped-for count; everything else is a rate, a time or a size.
      if (!row.figure.endsWith('per-endpoint order')) expect(row.hookline, row.figure).toBeGreaterThan(0);
    }
  }, 60_000);
});
