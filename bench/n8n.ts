/**
 * Figure 6 (optional): the ingress load against n8n's own Webhook → NoOp workflow, when an n8n
 * install exists under `${XDG_CACHE_HOME:-~/.cache}/hookline-n8n` (made for the n8n issue; see
 * shared/notes/n8n-here.md for how it is set up and started). Skipped, and said so, otherwise.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startChild, type ChildHandle } from './child.js';
import { loadTrigger } from './ingress.js';
import { runLoad } from './load.js';
import type { BenchOptions } from './options.js';
import { alternate, median, ratio } from './stats.js';
import type { Row } from './table.js';
import { INGRESS_BODY, INGRESS_HEADERS, startEngineProcess } from './workspace.js';

const run = promisify(execFile);
const WORKFLOW_ID = 'hooklineBench001';
const FIGURE = 'ingress vs n8n (its Webhook → NoOp)';
const PEER_PATH = 'bench';

/**
 * The n8n CLI: `hookline-n8n/node_modules/.bin/n8n`, or the newest finished per-version install
 * (`hookline-n8n/<version>/`, finished when its `.hookline-installed.json` marker exists).
 */
export function n8nBinary(): string {
  const root = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hookline-n8n');
  const bin = (folder: string) => join(folder, 'node_modules', '.bin', 'n8n');
  if (existsSync(bin(root)) || !existsSync(root)) return bin(root);
  const versions = readdirSync(root).filter(
    (name) => existsSync(join(root, name, '.hookline-installed.json')) && existsSync(bin(join(root, name))),
  );
  const newest = versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
  return newest ? bin(join(root, newest)) : bin(root);
}

/** The peer workflow: n8n's Webhook node answering on receipt, then NoOp. */
function peerWorkflow() {
  return {
    id: WORKFLOW_ID,
    name: 'hookline bench peer',
    active: false,
    settings: {},
    connections: { Webhook: { main: [[{ node: 'NoOp', type: 'main', index: 0 }]] } },
    nodes: [
      {
        id: 'a1b2c3d4-0000-4000-8000-000000000001',
        name: 'Webhook',
        type: 'n8n-nodes-base.webhook',
        typeVersion: 2,
        position: [0, 0],
        webhookId: 'a1b2c3d4-0000-4000-8000-0000000000ff',
        parameters: { httpMethod: 'POST', path: 'bench', responseMode: 'onReceived', options: {} },
      },
      {
        id: 'a1b2c3d4-0000-4000-8000-000000000002',
        name: 'NoOp',
        type: 'n8n-nodes-base.noOp',
        typeVersion: 1,
        position: [200, 0],
        parameters: {},
      },
    ],
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function n8nEnv(folder: string): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    // Under vitest (the smoke test) NODE_ENV is `test`, in which n8n loads no nodes.
    NODE_ENV: 'production',
    N8N_USER_FOLDER: folder,
    N8N_PORT: String(await freePort()),
    N8N_RUNNERS_BROKER_PORT: String(await freePort()),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_LOG_LEVEL: 'warn',
  };
}

/** A workflow for n8n to serve: its JSON (n8n's shape, with an `id`) and its webhook's path. */
export interface N8nPeerWorkflow {
  workflow: { id: string } & Record<string, unknown>;
  /** The Webhook node's `path`: n8n serves it at `/webhook/<path>`. */
  webhookPath: string;
  /** A request body the workflow answers with 2xx (the readiness probe). */
  probeBody: string;
}

/** A started n8n: its process, and the URL it serves each peer's webhook at. */
export interface StartedN8n {
  process: ChildProcess;
  /** `/webhook/<path>` on this n8n. */
  url(webhookPath: string): string;
}

/**
 * Imports and publishes the workflows (n8n stopped), starts n8n, waits until every webhook answers.
 * One import for all of them and one start: each n8n command boots the CLI (the import also
 * migrates the fresh database), about 14 s a start in all on this machine.
 */
export async function startN8n(binary: string, folder: string, peers: readonly N8nPeerWorkflow[]): Promise<StartedN8n> {
  const env = await n8nEnv(folder);
  const importDir = join(folder, 'peers');
  mkdirSync(importDir, { recursive: true });
  for (const peer of peers) writeFileSync(join(importDir, `${peer.workflow.id}.json`), JSON.stringify(peer.workflow));
  await run(binary, ['import:workflow', '--separate', `--input=${importDir}`], { env, timeout: 300_000 });
  for (const peer of peers) {
    await run(binary, ['publish:workflow', `--id=${peer.workflow.id}`], { env, timeout: 300_000 });
  }
  const child = spawn(binary, ['start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // Its last words, for the error when it never serves a webhook.
  let output = '';
  const keep = (chunk: Buffer) => void (output = `${output}${chunk.toString('utf8')}`.slice(-2000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = (webhookPath: string) => `http://127.0.0.1:${env.N8N_PORT}/webhook/${webhookPath}`;
  const answers = (peer: N8nPeerWorkflow) =>
    fetch(url(peer.webhookPath), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: peer.probeBody,
    }).then(
      (r) => r.ok,
      () => false,
    );
  const waiting = new Set(peers);
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    for (const peer of [...waiting]) if (await answers(peer)) waiting.delete(peer);
    if (waiting.size === 0) return { process: child, url };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  child.kill('SIGKILL');
  const paths = [...waiting].map((peer) => peer.webhookPath).join(', ');
  throw new Error(`n8n did not serve ${paths} within 180 s: ${output.trim().split('\n').slice(-3).join(' | ')}`);
}

export async function stopN8n(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export async function benchN8n(options: BenchOptions, peers: N8nPeers): Promise<Row[]> {
  const skipped = (why: string): Row[] => [
    {
      figure: FIGURE,
      hookline: Number.NaN,
      baseline: Number.NaN,
      unit: 'req/s',
      ratio: Number.NaN,
      target: '',
      pass: null,
      note: why,
    },
  ];
  if (!options.n8n.enabled) return skipped('n8n comparison not run in this mode.');
  if (!peers.installed) return skipped(`n8n not installed (looked for ${peers.binary}).`);
  const hookline = await startEngineProcess();
  try {
    const peerUrl = (await peers.n8n()).url(PEER_PATH);
    const durationSec = options.n8n.durationSec;
    const { a, b } = await alternate(
      options.n8n.rounds,
      async () => {
        const result = await loadTrigger(hookline.url, { ...options, ingress: { ...options.ingress, durationSec } });
        await hookline.child.call('idle');
        return result;
      },
      () =>
        runLoad({
          url: peerUrl,
          headers: INGRESS_HEADERS,
          body: INGRESS_BODY,
          durationSec,
          warmupSec: options.ingress.warmupSec,
          connections: options.ingress.connections,
        }),
    );
    const [ours, theirs] = [median(a.map((r) => r.okPerSec)), median(b.map((r) => r.okPerSec))];
    options.log(
      `n8n: hookline ${ours.toFixed(0)}/s, n8n ${theirs.toFixed(0)}/s (n8n p99 ${median(b.map((r) => r.p99Ms))} ms)`,
    );
    return [
      {
        figure: FIGURE,
        hookline: ours,
        baseline: theirs,
        unit: 'req/s',
        ratio: ratio(ours, theirs),
        target: '',
        pass: null,
        note: `Same autocannon load (${options.ingress.connections} connections, ${durationSec} s × ${options.n8n.rounds} rounds); ratio = Hookline ÷ n8n. n8n's webhook has no auth; Hookline's checks a bearer token, validates and stores durably.`,
      },
    ];
  } catch (error) {
    return skipped(`n8n run failed: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    await hookline.stop();
  }
}

/**
 * The n8n side of both n8n figures, made once per run: one n8n serving the Webhook → NoOp peer and
 * the export-shaped workflow, and the receiver that workflow's HTTP Request node calls (Hookline's
 * copy calls the same one). Each part starts on first use; `close` ends what started.
 */
export interface N8nPeers {
  readonly binary: string;
  /** Whether an n8n install was found. */
  readonly installed: boolean;
  /** The export-shaped workflow's receiver. */
  receiver(): Promise<ChildHandle>;
  /** n8n with both peer workflows published. */
  n8n(): Promise<StartedN8n>;
  close(): Promise<void>;
}

/**
 * @param exportPeer - The export-shaped workflow for a receiver URL (n8n-export.ts), passed in so
 *   that this module does not import the figure that imports it.
 */
export function createN8nPeers(exportPeer: (receiverUrl: string) => N8nPeerWorkflow): N8nPeers {
  const binary = n8nBinary();
  let receiver: Promise<ChildHandle> | undefined;
  let started: Promise<StartedN8n> | undefined;
  let folder: string | undefined;
  const peers: N8nPeers = {
    binary,
    installed: existsSync(binary),
    receiver: () => (receiver ??= startChild('receiver-process')),
    n8n() {
      started ??= peers.receiver().then((child) => {
        folder = mkdtempSync(join(tmpdir(), 'hookline-n8n-bench-'));
        const noOp = { workflow: peerWorkflow(), webhookPath: PEER_PATH, probeBody: INGRESS_BODY };
        return startN8n(binary, folder, [noOp, exportPeer(String(child.info.url))]);
      });
      return started;
    },
    async close() {
      const n8n = await started?.catch(() => undefined);
      if (n8n) await stopN8n(n8n.process);
      await (await receiver?.catch(() => undefined))?.close();
      if (folder) rmSync(folder, { recursive: true, force: true });
    },
  };
  return peers;
}
