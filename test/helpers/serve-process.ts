/**
 * `hookline serve` in a child process of its own, as an operator runs it: settings from the
 * environment, `--port 0`, and the URL read from the line the command prints once it listens.
 * The CLI runs as the esbuild bundle the benchmarks use (`bench/child.ts`): three children
 * transpiling the sources module by module would spend most of a test's time starting.
 */
import { spawn } from 'node:child_process';
import { SETTINGS, type HooklineConfig } from '../../engine/config.js';
import { Hookline } from '../../engine/sdk/index.js';
import { sourceBundle } from '../../bench/child.js';

/** The line `hookline serve` prints once it listens (engine/cli/engine-commands.ts). */
const LISTENING = /^Hookline is serving .* on (http:\/\/\S+)$/;
/** Output lines kept for the error message of a child that fails. */
const KEPT_LINES = 40;

/** Settings as the environment variables config.ts reads them (lists comma-separated). */
export function settingsEnv(settings: Partial<HooklineConfig>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => [
      SETTINGS[key as keyof HooklineConfig].env,
      Array.isArray(value) ? value.join(',') : String(value),
    ]),
  );
}

export interface ServeProcess {
  readonly pid: number;
  readonly url: string;
  /** The management API of this process (the SDK, with the API key it was given). */
  readonly api: Hookline;
  /** Resolves once the process is gone. */
  readonly exited: Promise<void>;
  /** Its last lines of output (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGKILL: no shutdown at all, as a crash or the OOM killer. */
  kill(): void;
  /** SIGTERM (graceful shutdown), SIGKILL if it has not exited within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface ServeOptions {
  /** The child's whole environment besides PATH and HOME (settings, DATABASE_URL, keys). */
  env: Record<string, string>;
  /** The key given as HOOKLINE_API_KEY, used by `api`. */
  apiKey: string;
  /** @defaultValue 120_000 (a loaded 2-core machine starting several engines at once) */
  readyTimeoutMs?: number;
}

/** Starts `hookline serve --port 0` and resolves once it prints its URL. */
export async function startServeProcess(options: ServeOptions): Promise<ServeProcess> {
  const entry = await sourceBundle('hookline');
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env };
  const child = spawn(process.execPath, [entry, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hookline serve did not start within ${options.readyTimeoutMs ?? 120_000} ms`));
    }, options.readyTimeoutMs ?? 120_000);
    const onLine = (line: string) => {
      lines.push(line);
      if (lines.length > KEPT_LINES) lines.shift();
      const match = LISTENING.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1]);
    };
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        parts.forEach(onLine);
      });
    }
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`hookline serve exited before listening:\n${lines.join('\n')}`));
    });
  });
  const pid = child.pid!;
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid,
    url,
    api: new Hookline({ baseUrl: url, apiKey: options.apiKey }),
    exited,
    output: () => lines.join('\n'),
    kill() {
      if (!gone()) child.kill('SIGKILL');
    },
    async stop(timeoutMs = 15_000) {
      if (gone()) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}
