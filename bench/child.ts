/**
 * Helper processes of the benchmarks (receiver, bare fastify, engine) and the little IPC protocol
 * they speak. Load generator, server and receiver each get their own process so none of them
 * shares an event loop with what it measures.
 *
 * A helper runs compiled (`dist/bench/<name>.js`, `npm run bench`) or, from the TypeScript
 * sources (the smoke test under vitest, no build), as an esbuild bundle.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** The parent's handle on one helper process. */
export interface ChildHandle {
  readonly pid: number;
  /** What the helper sent when it became ready (its URL, port …). */
  readonly info: Record<string, unknown>;
  /** Resolves with the exit code (null after a signal). */
  readonly exited: Promise<number | null>;
  call<T = unknown>(cmd: string, args?: unknown): Promise<T>;
  /** Asks the helper to stop cleanly; kills it if it does not within `timeoutMs`. */
  close(timeoutMs?: number): Promise<void>;
}

/** Helpers bundled from sources, once per process (see {@link bundleFromSources}). */
let bundled: Promise<string> | undefined;

/**
 * From sources (the smoke test under vitest, no build), each helper and the pool's worker file
 * are bundled with esbuild into `bench/.build/<pid>/`: transpiling the engine module by module at
 * every helper start (and again in every pool thread) costs seconds, bundling a fraction of one.
 * The folder sits inside the repo so the bundles resolve `node_modules`; it ignores itself in git.
 */
async function bundleFromSources(): Promise<string> {
  const { build } = await import('esbuild');
  const root = new URL('./.build/', import.meta.url);
  const outdir = fileURLToPath(new URL(`./${process.pid}/`, root));
  mkdirSync(outdir, { recursive: true });
  writeFileSync(new URL('./.gitignore', root), '*\n');
  const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));
  await build({
    entryPoints: {
      'receiver-process': source('./receiver-process.ts'),
      'fastify-process': source('./fastify-process.ts'),
      'engine-process': source('./engine-process.ts'),
      // The `hookline` command itself, for tests that run `hookline serve` as separate processes.
      hookline: source('../engine/cli.ts'),
      // The dispatcher looks for its worker as `./tasks.js` next to itself, i.e. next to the bundle.
      tasks: source('../engine/pool/tasks.ts'),
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir,
    logLevel: 'error',
  });
  return outdir;
}

/** Removes this process's bundles, and the folder once no other run's are left (the smoke test calls it). */
export function removeBundles(): void {
  const root = new URL('./.build/', import.meta.url);
  if (bundled) rmSync(new URL(`./${process.pid}/`, root), { recursive: true, force: true });
  bundled = undefined;
  if (existsSync(root) && readdirSync(root).every((entry) => entry === '.gitignore'))
    rmSync(root, { recursive: true, force: true });
}

/** The bundle of `name` (a helper, `tasks`, the pool's worker file, or `hookline`, the CLI), built on first use. */
export async function sourceBundle(name: string): Promise<string> {
  bundled ??= bundleFromSources();
  return join(await bundled, `${name}.js`);
}

/** The script to start helper `name` with: compiled next to this module, else bundled from sources. */
async function entryOf(name: string): Promise<string> {
  const compiled = new URL(`./${name}.js`, import.meta.url);
  return existsSync(compiled) ? fileURLToPath(compiled) : sourceBundle(name);
}

/** Starts helper `name` (e.g. `receiver-process`) and waits for its ready message. */
export async function startChild(
  name: string,
  args: readonly string[] = [],
  readyTimeoutMs = 60_000,
): Promise<ChildHandle> {
  // HOOKLINE_BENCH_CHILD_ARGV (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles every helper.
  const execArgv = process.env.HOOKLINE_BENCH_CHILD_ARGV?.split(' ').filter(Boolean) ?? [];
  const child = fork(await entryOf(name), [...args], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const info = await waitForReady(child, name, exited, readyTimeoutMs);
  return createHandle(child, info, exited);
}

function waitForReady(
  child: ChildProcess,
  name: string,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => (child.kill('SIGKILL'), reject(new Error(`${name} did not start within ${timeoutMs} ms`))),
      timeoutMs,
    );
    const onMessage = (message: { type?: string; info?: Record<string, unknown>; error?: string }) => {
      if (message.type !== 'ready' && message.type !== 'failed') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      if (message.type === 'ready') resolve(message.info ?? {});
      else reject(new Error(`${name} failed to start: ${message.error}`));
    };
    child.on('message', onMessage);
    void exited.then(
      (code) => (clearTimeout(timer), reject(new Error(`${name} exited with ${code} before it was ready`))),
    );
  });
}

function createHandle(child: ChildProcess, info: Record<string, unknown>, exited: Promise<number | null>): ChildHandle {
  let nextId = 1;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  child.on('message', (message: Reply) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(message.error));
  });
  // A helper that dies (or is killed on purpose) must not leave its callers waiting forever.
  void exited.then((code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`helper exited (${code})`));
    pending.clear();
  });
  return {
    pid: child.pid!,
    info,
    exited,
    call<T>(cmd: string, args?: unknown): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, cmd, args });
      });
    },
    async close(timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      this.call('stop').catch(() => undefined);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Handlers a helper offers; `stop` is always there and exits after answering. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler declares its own argument type
export type Handlers = Record<string, (args: any) => unknown>;

/** CPU microseconds this process has used (all threads): a noisy machine stretches wall time, not this. */
export function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/**
 * The helper's side: answers the parent's calls (plus `cpu`, for CPU cost per request) and
 * announces readiness. The helper exits when the parent goes away, so a crashed benchmark
 * leaves no stray servers behind.
 */
export function serveParent(own: Handlers, info: Record<string, unknown>, onStop: () => Promise<void>): void {
  const handlers: Handlers = { cpu: cpuMicros, ...own };
  process.on('message', async (message: { id: number; cmd: string; args?: unknown }) => {
    if (message.cmd === 'stop') {
      await onStop().catch(() => undefined);
      process.send?.({ id: message.id, ok: true }, () => process.exit(0));
      return;
    }
    try {
      const handler = handlers[message.cmd];
      if (!handler) throw new Error(`unknown command ${message.cmd}`);
      process.send?.({ id: message.id, ok: true, result: await handler(message.args) });
    } catch (error) {
      process.send?.({ id: message.id, ok: false, error: (error as Error).stack ?? String(error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', info });
}

/** Reports a start-up failure to the parent instead of leaving it waiting for the timeout. */
export function failStart(error: unknown): never {
  process.send?.({ type: 'failed', error: (error as Error).stack ?? String(error) });
  process.exit(1);
}
