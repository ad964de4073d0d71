#!/usr/bin/env node
/**
 * Builds `dist-n8n/`: the n8n community package of Hookline's nodes and credentials.
 *
 * Why a separate package: the repo's own package.json carries the engine's runtime dependencies
 * (fastify, piscina, better-sqlite3 …), which n8n's community-node rules forbid. Here every node and
 * credential is bundled with esbuild into one CommonJS file (n8n `require()`s them), the pure engine
 * modules they import (`engine/signing`, `engine/rules`, `engine/events`, `engine/trigger-checks`, `engine/node-contract`,
 * `engine/message` with the
 * package.json version it reads) included, so the package has no runtime dependencies; n8n-workflow
 * stays external as the peer dependency n8n provides.
 *
 * Layout (paths under `dist/` because n8n's lint demands `dist/` paths in the `n8n` field):
 *   dist-n8n/package.json
 *   dist-n8n/dist/nodes/<Name>/<Name>.node.js, <Name>.node.json (codex), <icon>.svg
 *   dist-n8n/dist/credentials/<Name>.credentials.js, <icon>.svg
 *
 * The build then loads every bundle as n8n does (`require(file)[basename]`) and fails on anything
 * n8n would reject: a class not named for its file, an icon that was not copied, an import other
 * than n8n-workflow and node built-ins.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, builtinModules } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { CODEX, N8N_PACKAGE_FIELDS } from './n8n-package.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = join(root, 'dist-n8n');
const outDist = join(outRoot, 'dist');

/** The only bare import a bundle may keep: n8n provides it (peer dependency). */
const PEER = 'n8n-workflow';
const N8N_WORKFLOW_CJS_SHIM = /^n8n-workflow\/dist\/cjs\/index\.js$/;

/**
 * Source files import n8n-workflow's CommonJS build through a small shim, because its ESM build is
 * unloadable by Node's ESM loader. Inside n8n the peer is plain `require('n8n-workflow')`, so the shim
 * path becomes a module whose default export is that package's namespace.
 */
const n8nWorkflowPeer = {
  name: 'n8n-workflow-peer',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: N8N_WORKFLOW_CJS_SHIM }, (args) => ({
      path: args.path,
      namespace: 'n8n-workflow-peer',
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'n8n-workflow-peer' }, () => ({
      contents: `import * as runtime from '${PEER}';\nexport default runtime;\n`,
      resolveDir: root,
      loader: 'js',
    }));
  },
};

function listFiles(dir, suffix) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => join(dir, entry.name))
    .sort();
}

/** `nodes/<Dir>/<Name>.node.ts` and `credentials/<Name>.credentials.ts`. */
function findEntryPoints() {
  const nodesDir = join(root, 'nodes');
  const nodeDirs = readdirSync(nodesDir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  const nodes = nodeDirs.flatMap((entry) => listFiles(join(nodesDir, entry.name), '.node.ts'));
  const credentials = listFiles(join(root, 'credentials'), '.credentials.ts');
  if (nodes.length === 0) throw new Error('build-n8n: no nodes/*/*.node.ts found');
  return { nodes, credentials };
}

async function bundle(entryPoints) {
  const result = await build({
    absWorkingDir: root,
    entryPoints,
    outbase: root,
    outdir: outDist,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // n8n reads the class by the file's name; keep class names through bundling.
    keepNames: true,
    sourcemap: false,
    legalComments: 'inline',
    external: [PEER],
    plugins: [n8nWorkflowPeer],
    metafile: true,
    logLevel: 'warning',
  });
  assertOnlyAllowedImports(result.metafile);
  return result;
}

/** A bundle may keep `require('n8n-workflow')` and Node built-ins; anything else n8n cannot resolve. */
function assertOnlyAllowedImports(metafile) {
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  for (const [file, output] of Object.entries(metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external) continue;
      if (imported.path === PEER || builtins.has(imported.path)) continue;
      throw new Error(`build-n8n: ${file} keeps an import of '${imported.path}'; bundle it or make it a peer`);
    }
  }
}

function copyIcons(fromDir, toDir) {
  for (const icon of listFiles(fromDir, '.svg')) copyFileSync(icon, join(toDir, basename(icon)));
}

/** Loads a bundle as n8n's loader does: the export named like the file, instantiated. */
function loadAsN8n(file, suffix) {
  const className = basename(file, suffix);
  const requireFromHere = createRequire(import.meta.url);
  const exported = requireFromHere(file)[className];
  if (typeof exported !== 'function')
    throw new Error(`build-n8n: ${relative(root, file)} does not export class ${className}`);
  return new exported();
}

/** Each `file:` icon (one, or a light and a dark one) must sit next to the bundle that names it. */
function assertIconCopied(icon, dir, what) {
  const names = typeof icon === 'string' ? [icon] : Object.values(icon ?? {});
  if (names.length === 0) throw new Error(`build-n8n: ${what} has no icon`);
  for (const name of names) {
    if (typeof name !== 'string' || !name.startsWith('file:'))
      throw new Error(`build-n8n: ${what} needs icons as 'file:<name>.svg', got ${JSON.stringify(name)}`);
    if (!existsSync(join(dir, name.slice('file:'.length))))
      throw new Error(`build-n8n: ${what} names ${name}, which is not next to it`);
  }
}

/** n8n's codex file: categories, aliases and documentation links shown in the nodes panel. */
function writeCodex(nodeFile, description) {
  const className = basename(nodeFile, '.node.js');
  const codex = CODEX[className];
  if (!codex) throw new Error(`build-n8n: no codex entry for ${className} in scripts/n8n-package.mjs`);
  const version = Math.max(...[description.version].flat());
  const json = {
    node: `${N8N_PACKAGE_FIELDS.name}.${description.name}`,
    nodeVersion: version.toFixed(1),
    codexVersion: '1.0',
    ...codex,
  };
  writeFileSync(nodeFile.replace(/\.js$/, '.json'), `${JSON.stringify(json, null, 2)}\n`);
}

function writePackageJson(nodeFiles, credentialFiles) {
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const toPackagePath = (file) => relative(outRoot, file).split('\\').join('/');
  const pkg = {
    name: N8N_PACKAGE_FIELDS.name,
    version: rootPkg.version,
    description: rootPkg.description,
    license: rootPkg.license,
    homepage: rootPkg.homepage,
    author: rootPkg.author,
    repository: rootPkg.repository,
    keywords: N8N_PACKAGE_FIELDS.keywords,
    engines: { node: '>=20.19' },
    files: ['dist'],
    n8n: {
      n8nNodesApiVersion: 1,
      strict: true,
      nodes: nodeFiles.map(toPackagePath),
      credentials: credentialFiles.map(toPackagePath),
    },
    peerDependencies: { [PEER]: '*' },
  };
  writeFileSync(join(outRoot, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  return pkg;
}

export async function buildN8nPackage() {
  const startedMs = Date.now();
  rmSync(outRoot, { recursive: true, force: true });
  const { nodes, credentials } = findEntryPoints();
  await bundle([...nodes, ...credentials]);
  const outFile = (source) => join(outDist, relative(root, source)).replace(/\.ts$/, '.js');

  const nodeFiles = nodes.map(outFile);
  const credentialFiles = credentials.map(outFile);
  // Written first: without it the bundles would be read as ESM under the repo's "type": "module".
  const pkg = writePackageJson(nodeFiles, credentialFiles);
  for (const [index, nodeFile] of nodeFiles.entries()) {
    copyIcons(dirname(nodes[index]), dirname(nodeFile));
    const { description } = loadAsN8n(nodeFile, '.node.js');
    assertIconCopied(description.icon, dirname(nodeFile), relative(root, nodes[index]));
    writeCodex(nodeFile, description);
  }
  mkdirSync(join(outDist, 'credentials'), { recursive: true });
  copyIcons(join(root, 'credentials'), join(outDist, 'credentials'));
  for (const [index, credentialFile] of credentialFiles.entries()) {
    const credential = loadAsN8n(credentialFile, '.credentials.js');
    assertIconCopied(credential.icon, dirname(credentialFile), relative(root, credentials[index]));
  }
  return { outRoot, pkg, tookMs: Date.now() - startedMs };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { pkg, tookMs } = await buildN8nPackage();
  console.log(
    `dist-n8n: ${pkg.name}@${pkg.version}, ${pkg.n8n.nodes.length} nodes, ${pkg.n8n.credentials.length} credentials (${tookMs} ms)`,
  );
}
