/**
 * Node module hooks that let piscina worker threads load Hookline's TypeScript sources. Only used
 * when the pool runs from `engine/pool/*.ts` (vitest, no build): Node 20 cannot strip types and
 * vitest's transform does not reach worker threads. Compiled `dist/` never loads this file.
 *
 * Registered per worker by the dispatcher through `--import` in the worker's execArgv. Plain
 * JavaScript on purpose: it has to load before anything can compile TypeScript.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
/** Loaded on first use: a devDependency, present wherever the .ts sources are. */
let typescript;

/** Sources import `./x.js` (NodeNext); when only `./x.ts` exists, load that. */
export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (parent?.startsWith('file:') && parent.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const asTs = new URL(`${specifier.slice(0, -3)}.ts`, parent);
    if (!existsSync(new URL(specifier, parent)) && existsSync(asTs)) {
      return { url: asTs.href, shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

/** Transpiles one file at a time (no type check: `tsc -p tsconfig.test.json` does that). */
export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  typescript ??= require('typescript');
  const fileName = fileURLToPath(url);
  const { outputText } = typescript.transpileModule(await readFile(fileName, 'utf8'), {
    fileName,
    compilerOptions: {
      module: typescript.ModuleKind.ESNext,
      target: typescript.ScriptTarget.ES2022,
      inlineSourceMap: true,
    },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
