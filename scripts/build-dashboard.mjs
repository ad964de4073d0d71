/**
 * Builds the web dashboard (dashboard/, Preact + uPlot) with esbuild into dist/dashboard: one
 * script and one stylesheet with content hashes in their names, and an index.html that loads them.
 * Everything the page needs is in that folder; the engine serves it at /dashboard.
 *
 * `node scripts/build-dashboard.mjs [outdir]`, or `buildDashboard({ outdir })` from a test.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** @param {{ outdir?: string, minify?: boolean }} [options] */
export async function buildDashboard(options = {}) {
  const outdir = resolve(options.outdir ?? join(root, 'dist', 'dashboard'));
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { app: 'dashboard/main.tsx' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: options.minify ?? true,
    entryNames: '[name]-[hash]',
    outdir,
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const script = outputs.find((file) => file.endsWith('.js'));
  const style = outputs.find((file) => file.endsWith('.css'));
  writeFileSync(join(outdir, 'index.html'), indexHtml(script, style));
  return { outdir, files: [...outputs, 'index.html'] };
}

function indexHtml(script, style) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    <title>Hookline</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="./${style}" />
    <script type="module" src="./${script}"></script>
  </head>
  <body>
    <div id="app"></div>
  </body>
</html>
`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outdir, files } = await buildDashboard({ outdir: process.argv[2] });
  console.log(`dashboard: ${files.length} files in ${outdir}`);
}
