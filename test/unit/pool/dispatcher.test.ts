import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher, resolveWorkerEntry, type Dispatcher } from '../../../engine/pool/dispatcher.js';
import type { SendTask } from '../../../engine/pool/types.js';
import { startReceiver, type Receiver } from '../../fixtures/receiver.js';
import { makeTempDir, type TempDir } from '../../helpers/temp.js';
import { OPEN_TARGETS, SECRET, closedPortUrl, makeRequest, stable } from './requests.js';

const execFileAsync = promisify(execFile);

let receiver: Receiver;
const dispatchers: Dispatcher[] = [];

beforeEach(async () => {
  receiver = await startReceiver();
});

afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.close()));
  await receiver.close();
});

function open(options: Parameters<typeof createDispatcher>[0]): Dispatcher {
  const dispatcher = createDispatcher(options);
  dispatchers.push(dispatcher);
  return dispatcher;
}

/** The same mixed task twice: once per dispatcher, each with fresh message ids. */
async function mixedTask(): Promise<SendTask> {
  const refused = await closedPortUrl();
  return {
    targets: OPEN_TARGETS,
    mode: 'parallel',
    requests: [
      makeRequest(`${receiver.url}/ok`),
      makeRequest(`${receiver.url}/fail`),
      makeRequest(`${receiver.url}/gone`, { signing: null }),
      makeRequest(refused),
    ],
  };
}

describe('createDispatcher', () => {
  it('in pool mode runs real piscina threads and returns what inline returns', async () => {
    receiver.respondWith((req) => ({
      status: req.url === '/ok' ? 200 : req.url === '/gone' ? 410 : 500,
      headers: { 'retry-after': '7' },
      body: `answer to ${req.url}`,
    }));
    const pool = open({ threads: 2 });
    const inline = open({ threads: 0, inline: true });
    expect([pool.mode, inline.mode]).toEqual(['pool', 'inline']);
    const task = await mixedTask();
    const fromPool = await pool.send(task);
    const fromInline = await inline.send(task);
    expect(fromPool.results.map(stable)).toEqual(fromInline.results.map(stable));
    expect(fromPool.results.map((r) => r.errorCode)).toEqual([
      null,
      'DELIVERY_REJECTED',
      'DELIVERY_GONE',
      'DELIVERY_CONNECTION',
    ]);
    const signed = receiver.requests.filter((r) => r.url === '/ok');
    expect(signed).toHaveLength(2);
    for (const req of signed) {
      expect(() => new Webhook(SECRET).verify(req.body, req.headers as Record<string, string>)).not.toThrow();
    }
    // The pool has worked (the metrics' gauge); inline has no pool.
    expect(pool.utilization).toBeGreaterThan(0);
    expect(pool.utilization).toBeLessThanOrEqual(1);
    expect(inline.utilization).toBe(0);
  });

  it("in pool mode counts the threads' busy time from the first reading on, never backwards", async () => {
    receiver.respondWith({ status: 200 });
    const pool = open({ threads: 2 });
    const inline = open({ threads: 0, inline: true });
    // A thread's start-up before the first reading is not delivery's work: the count starts at 0.
    expect(pool.busyMs!()).toBe(0);
    const readings: number[] = [];
    for (let round = 0; round < 3; round++) {
      await pool.send({
        targets: OPEN_TARGETS,
        mode: 'parallel',
        requests: [1, 2, 3, 4].map(() => makeRequest(receiver.url)),
      });
      readings.push(pool.busyMs!());
    }
    expect(readings[2]).toBeGreaterThan(0);
    expect([...readings].sort((a, b) => a - b)).toEqual(readings);
    // Inline, the work is the main thread's own (the pacer charges its steps directly).
    expect(inline.busyMs).toBeUndefined();
  });

  it('in pool mode keeps sequential semantics across the thread boundary', async () => {
    receiver.respondWith({ status: 503, headers: { 'retry-after': '3' } });
    const pool = open({ threads: 1 });
    const requests = [1, 2, 3].map(() => makeRequest(receiver.url));
    const { results, skipped } = await pool.send({ targets: OPEN_TARGETS, mode: 'sequential', requests });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ statusCode: 503, retryAfterSec: 3, errorCode: 'DELIVERY_REJECTED' });
    expect(skipped).toEqual([requests[1]!.deliveryIds, requests[2]!.deliveryIds]);
  });
});

describe('resolveWorkerEntry', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = makeTempDir('hookline-pool-');
  });
  afterEach(() => dir.remove());

  it('loads the compiled tasks.js as is when it exists (dist/)', () => {
    mkdirSync(join(dir.path, 'pool'));
    writeFileSync(join(dir.path, 'pool', 'tasks.js'), '');
    const entry = resolveWorkerEntry(pathToFileURL(join(dir.path, 'pool', 'dispatcher.js')).href);
    expect(entry.filename).toBe(join(dir.path, 'pool', 'tasks.js'));
    // No flags of its own: the thread inherits the process's.
    expect(entry.execArgv).toBeUndefined();
    expect(entry.fromSources).toBe(false);
  });

  it('starts a compiled thread in a process run with V8 flags (node --max-old-space-size=…)', async () => {
    // Node refuses V8 flags passed to a thread explicitly: an entry that passed process.execArgv on
    // made the engine fail to start under such flags (ERR_WORKER_INVALID_EXEC_ARGV).
    mkdirSync(join(dir.path, 'pool'));
    writeFileSync(
      join(dir.path, 'pool', 'tasks.js'),
      "import { parentPort } from 'node:worker_threads'; parentPort.postMessage(process.execArgv.join(' '));",
    );
    const dispatcherTs = new URL('../../../engine/pool/dispatcher.ts', import.meta.url).href;
    const hooks = new URL('../../../engine/pool/ts-worker-hooks.mjs', import.meta.url).href;
    const script = `
      import { Worker } from 'node:worker_threads';
      import { resolveWorkerEntry } from ${JSON.stringify(dispatcherTs)};
      const entry = resolveWorkerEntry(${JSON.stringify(pathToFileURL(join(dir.path, 'pool', 'dispatcher.js')).href)});
      const worker = new Worker(entry.filename, { execArgv: entry.execArgv });
      worker.once('message', (flags) => { console.log(flags); process.exit(0); });
      worker.once('error', (error) => { console.log(error.code ?? String(error)); process.exit(1); });`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(hooks)});`;
    writeFileSync(join(dir.path, 'main.mjs'), script);
    const { stdout } = await execFileAsync(process.execPath, [
      '--max-old-space-size=256',
      '--max-semi-space-size=8',
      '--import',
      `data:text/javascript,${encodeURIComponent(register)}`,
      join(dir.path, 'main.mjs'),
    ]);
    expect(stdout).toContain('--max-old-space-size=256');
  });

  it('loads tasks.ts through the TypeScript hooks when running from sources', () => {
    const entry = resolveWorkerEntry(pathToFileURL(join(dir.path, 'dispatcher.ts')).href);
    expect(entry.filename).toBe(join(dir.path, 'tasks.ts'));
    expect(entry.fromSources).toBe(true);
    expect(entry.execArgv!.at(-2)).toBe('--import');
    expect(decodeURIComponent(entry.execArgv!.at(-1)!)).toContain('ts-worker-hooks.mjs');
  });
});
