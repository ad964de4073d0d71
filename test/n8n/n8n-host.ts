/**
 * A real n8n for tests: its own user folder, Hookline's package installed the way n8n installs a
 * community package (`npm pack`, unpacked into `<user folder>/.n8n/nodes/node_modules/<name>`), its
 * CLI for imports, and `n8n start` on free ports, awaited by its log lines and stopped by its process
 * group (n8n starts task-runner children).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, n8nEnv } from '../../scripts/n8n-install.mjs';
import { makeTempDir, type TempDir } from '../helpers/temp.js';

const run = promisify(execFile);

export interface N8nHost {
  /** `http://127.0.0.1:<port>` */
  url: string;
  userFolder: TempDir;
  /** Runs `n8n <args>` against this user folder (n8n must be stopped); resolves with its output. */
  cli(args: string[]): Promise<string>;
  /** Starts `n8n start`; resolves once the editor listens and `activations` workflows are active. */
  start(options: { activations: number; timeoutMs?: number }): Promise<void>;
  /** Everything n8n printed so far, for failure messages. */
  output(): string;
  /** Stops n8n (SIGTERM, then SIGKILL to the group) and removes the user folder. */
  dispose(): Promise<void>;
}

/** Packs `packageDir` and unpacks it where n8n looks for installed community packages. */
async function installCommunityPackage(packageDir: string, userFolder: TempDir): Promise<void> {
  const { name, version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const nodesDir = join(userFolder.path, '.n8n', 'nodes');
  const target = join(nodesDir, 'node_modules', name);
  mkdirSync(target, { recursive: true });
  const { stdout } = await run('npm', [
    'pack',
    packageDir,
    '--pack-destination',
    userFolder.path,
    '--json',
    '--loglevel=error',
  ]);
  const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
  await run('tar', ['-xzf', join(userFolder.path, filename), '-C', target, '--strip-components=1']);
  // What n8n writes after installing a package; there is nothing to `npm install`: no dependencies.
  writeFileSync(
    join(nodesDir, 'package.json'),
    JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [name]: version } }, null, 2),
  );
}

/** Lines that mean the instance will never become ready; reported at once instead of timing out. */
const FATAL =
  /Unrecognized node type|problem activating|could not be activated|There was an error (?:initializing|loading)|EADDRINUSE/i;

/** `packageDir`: a community package to install first (none: n8n with its own nodes only). */
export async function createN8nHost(options: { bin: string; packageDir?: string }): Promise<N8nHost> {
  const userFolder = makeTempDir('hookline-n8n-e2e-');
  const [port, brokerPort] = [await freePort(), await freePort()];
  const env = n8nEnv({ userFolder: userFolder.path, port, brokerPort });
  if (options.packageDir) await installCommunityPackage(options.packageDir, userFolder);
  let child: ChildProcess | null = null;
  let output = '';

  async function stop(): Promise<void> {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => killGroup(child!), 15_000);
    await exited;
    clearTimeout(timer);
    killGroup(child); // task runners left behind by a hard stop
  }

  return {
    url: `http://127.0.0.1:${port}`,
    userFolder,
    async cli(args) {
      const result = await run(process.execPath, [options.bin, ...args], {
        env,
        cwd: userFolder.path,
        maxBuffer: 16 * 1024 * 1024,
      });
      return `${result.stdout}${result.stderr}`;
    },
    async start({ activations, timeoutMs = 90_000 }) {
      child = spawn(process.execPath, [options.bin, 'start'], {
        env,
        cwd: userFolder.path,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      await waitUntilReady(child, activations, timeoutMs, (chunk) => {
        output += chunk;
      });
    },
    output: () => output,
    async dispose() {
      await stop();
      userFolder.remove();
    },
  };
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

/** Resolves when n8n logs that the editor listens and that `activations` workflows were activated. */
function waitUntilReady(
  child: ChildProcess,
  activations: number,
  timeoutMs: number,
  record: (chunk: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const fail = (reason: string) => {
      clearTimeout(timer);
      reject(new Error(`n8n did not get ready: ${reason}\n--- n8n output ---\n${seen.slice(-8000)}`));
    };
    const onData = (data: Buffer) => {
      const chunk = data.toString('utf8');
      seen += chunk;
      record(chunk);
      const fatal = FATAL.exec(seen);
      if (fatal) return fail(`it logged '${fatal[0]}'`);
      const activated = seen.match(/Activated workflow/g)?.length ?? 0;
      if (/Editor is now accessible via/.test(seen) && activated >= activations) {
        clearTimeout(timer);
        resolve();
      }
    };
    const timer = setTimeout(() => fail(`no readiness within ${timeoutMs} ms`), timeoutMs);
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => fail(`it exited (${signal ?? code})`));
  });
}
