/**
 * `npm run bench` (full) and `npm run bench -- --quick` (under two minutes).
 * `--only=ingress,delivery` runs a subset. Prints one markdown table and writes the same rows to
 * `bench/results.json`. Exit code 0 even when targets are missed: the table says so, loudly.
 */
import { availableParallelism, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchOptions } from './options.js';
import { FIGURES, runSuite, type Figure } from './suite.js';
import { formatTable, writeResults } from './table.js';

function parseOnly(args: readonly string[]): Figure[] {
  const only = args.find((arg) => arg.startsWith('--only='));
  if (!only) return [...FIGURES];
  const picked = only.slice('--only='.length).split(',');
  const unknown = picked.filter((name) => !(FIGURES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown figure(s) ${unknown.join(', ')}; choose from ${FIGURES.join(', ')}`);
  return picked as Figure[];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const mode = args.includes('--quick') ? 'quick' : 'full';
  const options = benchOptions(mode, (message) => console.error(`[bench] ${message}`));
  const started = Date.now();
  const rows = await runSuite(options, parseOnly(args));
  const table = formatTable(rows);
  console.log(
    `\n## Hookline benchmarks (${mode}, ${availableParallelism()} cores, Node ${process.versions.node})\n\n${table}\n`,
  );
  // The compiled runner lives in dist/bench/; results belong next to the sources (gitignored).
  const results = fileURLToPath(new URL('../../bench/results.json', import.meta.url));
  writeResults(results, rows, {
    mode,
    startedAt: new Date(started).toISOString(),
    durationSec: Math.round((Date.now() - started) / 1000),
    node: process.versions.node,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryMb: Math.round(totalmem() / 2 ** 20),
  });
  console.error(`[bench] wrote ${results} in ${Math.round((Date.now() - started) / 1000)} s`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
