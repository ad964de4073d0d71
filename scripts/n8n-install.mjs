#!/usr/bin/env node
/**
 * Installs a pinned n8n once into a cache folder outside the repo and reuses it afterwards.
 *
 * Why pinned 2.8.4: it is the newest n8n that runs on Node 20 (see ../shared/notes/n8n-here.md);
 * its xlsx dependency points at a CDN tarball that cannot be reached, so an npm `overrides`
 * entry swaps in the registry build. The install is about 2 GB and takes minutes: a marker file
 * is written only after `npm install` succeeds, so an interrupted install is redone, never reused.
 *
 * Usage: `node scripts/n8n-install.mjs` (prints the folder and how long it took).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The n8n release the end-to-end test runs. */
export const N8N_VERSION = process.env.HOOKLINE_N8N_VERSION || '2.8.4';

/** `${XDG_CACHE_HOME:-$HOME/.cache}/hookline-n8n/<version>`, or `HOOKLINE_N8N_CACHE/<version>`. */
export function n8nInstallDir(version = N8N_VERSION) {
  const root =
    process.env.HOOKLINE_N8N_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hookline-n8n');
  return join(root, version);
}

const MARKER = '.hookline-installed.json';

/** A TCP port free on 127.0.0.1 right now (n8n needs two: its own and its task broker's). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Settings for an isolated, quiet n8n on 127.0.0.1 with its own user folder (its SQLite database,
 * its settings). The broker port must differ per instance: n8n's default 5679 would clash.
 */
export function n8nEnv({ userFolder, port, brokerPort, logLevel = 'info' }) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // vitest sets NODE_ENV=test, under which n8n refuses to load nodes.
    NODE_ENV: 'production',
    N8N_USER_FOLDER: userFolder,
    N8N_PORT: String(port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    N8N_RUNNERS_BROKER_PORT: String(brokerPort),
    N8N_ENCRYPTION_KEY: 'hookline-e2e-encryption-key',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_LOG_LEVEL: logLevel,
    N8N_LOG_OUTPUT: 'console',
  };
}

/**
 * Returns the n8n install folder, installing n8n first if it is missing or incomplete.
 * @returns {Promise<{ dir: string, bin: string, version: string, installed: boolean, installMs: number }>}
 */
export async function ensureN8n({ version = N8N_VERSION, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const dir = n8nInstallDir(version);
  const bin = join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
  if (isInstalled(dir, version, bin)) return { dir, bin, version, installed: false, installMs: 0 };
  // Another process installing into the same folder: wait for it instead of wiping its work.
  const release = await takeInstallLock(`${dir}.lock`, log);
  try {
    if (isInstalled(dir, version, bin)) return { dir, bin, version, installed: false, installMs: 0 };
    return await install(dir, version, bin, log);
  } finally {
    release();
  }
}

async function install(dir, version, bin, log) {
  log(`hookline: installing n8n ${version} into ${dir} (about 2 GB, a few minutes; reused afterwards)`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name: 'hookline-n8n-cache',
    private: true,
    description: 'n8n for Hookline end-to-end tests; safe to delete',
    dependencies: { n8n: version },
    overrides: { xlsx: 'npm:@e965/xlsx@0.20.3' },
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const startedMs = Date.now();
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  const installMs = Date.now() - startedMs;
  if (!existsSync(bin)) throw new Error(`n8n ${version} installed, but ${bin} is missing`);
  writeFileSync(join(dir, MARKER), `${JSON.stringify({ version, installMs, node: process.version }, null, 2)}\n`);
  log(`hookline: n8n ${version} installed in ${(installMs / 1000).toFixed(0)} s`);
  return { dir, bin, version, installed: true, installMs };
}

/**
 * An exclusive lock file holding the installer's pid. A live holder is waited for (polled); the
 * lock of a process that died is taken over. Resolves with the function that releases it.
 */
async function takeInstallLock(lock, log) {
  mkdirSync(dirname(lock), { recursive: true });
  for (let waited = false; ; waited = true) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(lock, 'utf8'));
    if (!isAlive(holder)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (!waited) log(`hookline: waiting for process ${holder}, which is installing n8n`);
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}

function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function isInstalled(dir, version, bin) {
  try {
    const marker = JSON.parse(readFileSync(join(dir, MARKER), 'utf8'));
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8'));
    return marker.version === version && pkg.version === version && existsSync(bin);
  } catch {
    return false;
  }
}

function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${signal ?? `exit ${code}`}`)),
    );
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await ensureN8n();
  console.log(JSON.stringify(result));
}
