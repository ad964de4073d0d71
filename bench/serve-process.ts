/**
 * `hookline serve` in a process of its own, as an operator runs it: settings from the environment,
 * `--port 0`, the URL read from the line the command prints once it listens, and a SIGKILL to
 * crash it. The command runs compiled (`dist/engine/cli.js`, under `npm run bench`) or, from the
 * sources (tests), as the esbuild bundle the other helpers use (child.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sourceBundle } from './child.js';

/** The line `hookline serve` prints once it listens (engine/cli/engine-commands.ts). */
const LISTENING = /^Hookline is serving .* on (http:\/\/\S+)$/;
/** Output lines kept for the error message of a process that fails. */
const KEPT_LINES = 40;

export interface ServeProcess {
  readonly pid: number;
  readonly url: string;
  /** Resolves once the process is gone. */
  readonly exited: Promise<void>;
  /** Its last lines of output (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGKILL: no shutdown at all, as a crash or the OOM killer. */
  kill(): void;
  /** SIGTERM (graceful shutdown), SIGKILL if it has not exited within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/** The command's entry: compiled next to the compiled benchmarks, else bundled from the sources. */
async function cliEntry(): Promise<string> {
  const compiled = new URL('../engine/cli.js', import.meta.url);
  return existsSync(compiled) ? fileURLToPath(compiled) : sourceBundle('hookline');
}

/** Starts `hookline serve --port 0` with `env` (besides PATH and HOME) and resolves once it listens. */
export async function startServeProcess(env: Record<string, string>, readyTimeoutMs = 120_000): Promise<ServeProcess> {
  const entry = await cliEntry();
  const child = spawn(process.execPath, [entry, 'serve', '--port', '0'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hookline serve did not start within ${readyTimeoutMs} ms:\n${lines.join('\n')}`));
    }, readyTimeoutMs);
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
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid: child.pid!,
    url,
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
