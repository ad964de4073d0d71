#!/usr/bin/env node
/**
 * Records the differential goldens: runs every case (test/n8n-diff/cases/**.json) in a real n8n
 * 2.8.4 and writes what each case node output, or the error that stopped the run, to
 * test/n8n-diff/golden/<case>.json. The goldens are n8n's behaviour, never written by hand.
 *
 * Usage:
 *   node scripts/n8n-diff.mjs                       record every case (and drop orphaned goldens)
 *   node scripts/n8n-diff.mjs --family set          only cases/set/**
 *   node scripts/n8n-diff.mjs --case cases/if/x.json  only that case (repeatable; with --family too)
 *   node scripts/n8n-diff.mjs --check               record, write nothing, exit 1 if a golden differs
 *   node scripts/n8n-diff.mjs --keep                keep n8n's temp user folder and its output (debugging)
 *
 * Speed: n8n boots in seconds, so all chosen cases run in one user folder (a temp dir), imported
 * with one `n8n import:workflow` and run by one `n8n execute-batch` (several at a time), whose
 * results scripts/n8n-diff-capture.mjs writes out as they finish.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { CASES_DIR, caseWorkflow, GOLDEN_DIR, goldenPath, listCaseFiles, readCase } from './n8n-diff-cases.mjs';
import { goldenOf, goldenText, orphanGoldens } from './n8n-diff-golden.mjs';
import { ensureN8n, freePort, n8nEnv, N8N_VERSION } from './n8n-install.mjs';
import { startHttpFixture } from '../test/n8n-diff/http-fixture.mjs';

const run = promisify(execFile);
const CAPTURE = fileURLToPath(new URL('./n8n-diff-capture.mjs', import.meta.url));
/** Workflows execute-batch runs at once: Code nodes wait on n8n's task runner, so overlap helps. */
const CONCURRENCY = Number(process.env.HOOKLINE_DIFF_CONCURRENCY || 4);

export function parseArgs(argv) {
  const options = { families: [], cases: [], check: false, keep: false };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => inline ?? argv[++index];
    if (flag === '--family') options.families.push(value());
    else if (flag === '--case') options.cases.push(value());
    else if (flag === '--check') options.check = true;
    else if (flag === '--keep') options.keep = true;
    else throw new Error(`unknown argument '${arg}' (use --family X, --case path, --check, --keep)`);
  }
  return options;
}

/** `--case` takes a path under cases/ with or without the folder, or any path to the file. */
function caseRelative(path) {
  for (const candidate of [resolve(path), join(CASES_DIR, path), join(CASES_DIR, path.replace(/^.*?cases\//, ''))]) {
    if (existsSync(candidate) && candidate.startsWith(CASES_DIR))
      return candidate.slice(CASES_DIR.length).replace(/^\//, '');
  }
  throw new Error(`no case file '${path}' under ${CASES_DIR}`);
}

export function chooseCases({ families, cases }) {
  const all = listCaseFiles();
  if (families.length === 0 && cases.length === 0) return all;
  const picked = new Set(cases.map(caseRelative));
  for (const family of families) {
    const inFamily = all.filter((path) => path.startsWith(`${family}/`));
    if (inFamily.length === 0) throw new Error(`no cases in family '${family}' (${join(CASES_DIR, family)})`);
    inFamily.forEach((path) => picked.add(path));
  }
  return [...picked].sort();
}

/** Runs the cases in one n8n user folder; resolves with each case's captured run, by case id. */
async function runInN8n(loaded, { keep, log }) {
  const install = await ensureN8n({ log });
  const folder = mkdtempSync(join(tmpdir(), 'hookline-n8n-diff-'));
  try {
    const env = {
      ...n8nEnv({ userFolder: folder, port: await freePort(), brokerPort: await freePort(), logLevel: 'warn' }),
      HOOKLINE_DIFF_CAPTURE: join(folder, 'capture.jsonl'),
    };
    await copyMigratedUserFolder(install, folder, log);
    const ids = loaded.map((_, index) => `hldiff${String(index + 1).padStart(6, '0')}`);
    const workflows = loaded.map((entry, index) => caseWorkflow(entry, { id: ids[index], sourceNode: codeNode }));
    writeFileSync(join(folder, 'workflows.json'), JSON.stringify(workflows));
    writeFileSync(join(folder, 'ids.txt'), ids.join(','));
    writeFileSync(env.HOOKLINE_DIFF_CAPTURE, '');
    const n8n = (args, extra = []) =>
      run(process.execPath, [...extra, install.bin, ...args], { env, cwd: folder, maxBuffer: 256 * 2 ** 20 });
    let startedMs = Date.now();
    await n8n(['import:workflow', `--input=${join(folder, 'workflows.json')}`]);
    log(`imported ${workflows.length} workflows in ${seconds(startedMs)}`);
    startedMs = Date.now();
    const batchArgs = [
      'execute-batch',
      `--ids=${join(folder, 'ids.txt')}`,
      `--concurrency=${CONCURRENCY}`,
      '--retries=0',
      '--shortOutput',
    ];
    // The HTTP Request node's cases call the fixture server (test/n8n-diff/http-fixture.mjs).
    const fixture = loaded.some((entry) => entry.id.startsWith('http/')) ? await startHttpFixture() : null;
    // execute-batch exits 1 when a workflow failed: a failing case is a result like any other.
    const output = await n8n(batchArgs, ['--import', pathToFileURL(CAPTURE).href])
      .catch((error) => {
        if (error.code !== 1) throw error;
        return error;
      })
      .finally(() => fixture?.close());
    writeFileSync(join(folder, 'execute-batch.log'), `${output.stdout}${output.stderr}`);
    log(`ran them in ${seconds(startedMs)}`);
    const byWorkflow = new Map();
    for (const line of readFileSync(env.HOOKLINE_DIFF_CAPTURE, 'utf8').split('\n').filter(Boolean)) {
      const captured = JSON.parse(line);
      byWorkflow.set(captured.workflowId, captured);
    }
    return new Map(loaded.map((entry, index) => [entry.id, byWorkflow.get(ids[index])]));
  } finally {
    if (keep) log(`kept n8n's user folder and its output: ${folder}`);
    else rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * n8n migrates a fresh database at its first command (about half of that command's time): the
 * first run keeps a migrated, empty user folder in the install's cache folder, and every run
 * starts from a copy of it. Built aside and renamed into place, so concurrent runs never see half.
 */
async function copyMigratedUserFolder(install, folder, log) {
  const template = join(install.dir, 'diff-user-folder');
  if (!existsSync(template)) {
    const building = `${template}.${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building, { recursive: true });
    writeFileSync(join(building, 'none.json'), '[]');
    const env = n8nEnv({
      userFolder: building,
      port: await freePort(),
      brokerPort: await freePort(),
      logLevel: 'warn',
    });
    const startedMs = Date.now();
    await run(process.execPath, [install.bin, 'import:workflow', `--input=${join(building, 'none.json')}`], {
      env,
      cwd: building,
    });
    rmSync(join(building, 'none.json'));
    try {
      renameSync(building, template);
      log(`migrated n8n's database once, in ${seconds(startedMs)} (kept in ${template})`);
    } catch {
      rmSync(building, { recursive: true, force: true }); // another run made it first
    }
  }
  cpSync(template, folder, { recursive: true });
}

/** n8n's Code node (v2, JavaScript, once for all items) returning a feed's items. */
function codeNode(name, items, position) {
  return {
    name,
    type: 'n8n-nodes-base.code',
    typeVersion: 2,
    position,
    parameters: { jsCode: `return ${JSON.stringify(items)};` },
  };
}

const seconds = (fromMs) => `${((Date.now() - fromMs) / 1000).toFixed(1)} s`;

export async function main(argv = process.argv.slice(2), log = (line) => console.error(`n8n-diff: ${line}`)) {
  const options = parseArgs(argv);
  const chosen = chooseCases(options);
  if (chosen.length === 0) {
    log(`no cases under ${CASES_DIR}`);
    return 0;
  }
  const loaded = chosen.map(readCase);
  const startedMs = Date.now();
  log(`recording ${loaded.length} case(s) in n8n ${N8N_VERSION}`);
  const captured = await runInN8n(loaded, { keep: options.keep, log });
  const elapsedMin = (Date.now() - startedMs) / 60_000;
  let changed = 0;
  const problems = [];
  for (const entry of loaded) {
    const capture = captured.get(entry.id);
    if (!capture || capture.captureError) {
      problems.push(`${entry.id}: ${capture?.captureError ?? 'n8n returned no run (see its output with --keep)'}`);
      continue;
    }
    const text = await goldenText(goldenOf(entry, capture), goldenPath(entry.id));
    const path = goldenPath(entry.id);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : null;
    if (before === text) continue;
    changed++;
    if (options.check) problems.push(`${entry.id}: ${before === null ? 'no golden yet' : 'n8n now outputs otherwise'}`);
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  }
  const everything = options.families.length === 0 && options.cases.length === 0;
  const orphans = everything ? orphanGoldens(new Set(listCaseFiles().map((path) => path.replace(/\.json$/, '')))) : [];
  for (const orphan of orphans) {
    if (options.check) problems.push(`${orphan}: golden without a case`);
    else rmSync(join(GOLDEN_DIR, `${orphan}.json`));
  }
  log(
    `${loaded.length} case(s) in ${(elapsedMin * 60).toFixed(0)} s (${(loaded.length / elapsedMin).toFixed(0)} cases/min); ` +
      `${changed} golden(s) ${options.check ? 'differ' : 'written'}, ${orphans.length} orphan(s) ${options.check ? 'found' : 'removed'}`,
  );
  for (const problem of problems) log(problem);
  return problems.length > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => (process.exitCode = code),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
