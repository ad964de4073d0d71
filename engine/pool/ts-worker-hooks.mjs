/**
 * Node module hooks that let piscina worker threads load Hookline's TypeScript sources. Only used
 * when the pool runs from `engine/pool/*.ts` (vitest, no build): Node 20 cannot strip types and
 * vitest's transform does not reach worker threads. Compiled `dist/` never loads this file.
 *
 * Registered per worker by the dispatcher through `--import` in the worker's execArgv. Plain
 * JavaScript on purpose: it has to load before anything can compile TypeScript.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
/** Loaded on first miss: a devDependency, present wherever the .ts sources are. */
let typescript;

/**
 * Transpiled sources by content hash. Every child process the tests spawn (CLI, crash proof, bench
 * engines) would otherwise load the TypeScript compiler (about 2 s of CPU) to transpile the same files.
 */
const CACHE_DIR = new URL('../../node_modules/.cache/hookline-ts/', import.meta.url);
/** Changes whenever the transpile options below change, so stale entries are never read. */
const CACHE_VERSION = 'esnext-es2022-inline-1';

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
  const fileName = fileURLToPath(url);
  const source = await readFile(fileName, 'utf8');
  const key = createHash('sha256').update(CACHE_VERSION).update('\0').update(fileName).update('\0').update(source);
  const cached = new URL(`${key.digest('hex')}.js`, CACHE_DIR);
  const hit = await readFile(cached, 'utf8').catch(() => undefined);
  if (hit !== undefined) return { format: 'module', source: hit, shortCircuit: true };
  typescript ??= require('typescript');
  const { outputText } = typescript.transpileModule(source, {
    fileName,
    compilerOptions: {
      module: typescript.ModuleKind.ESNext,
      target: typescript.ScriptTarget.ES2022,
      inlineSourceMap: true,
    },
  });
  await store(cached, outputText);
  return { format: 'module', source: outputText, shortCircuit: true };
}

/** Written beside, then renamed: a reader in another process never sees half a file. A failed write only costs the cache. */
async function store(target, text) {
  const temporary = new URL(`${target.href}.${process.pid}.${Math.random().toString(36).slice(2)}`);
  try {
    await mkdir(CACHE_DIR, { recursive: true });
    await writeFile(temporary, text);
    await rename(temporary, target);
  } catch {
    // A read-only install: transpile every time, as before.
  }
}
