/**
 * Hands send tasks to a piscina pool of worker threads (or runs them inline) so signing and
 * socket work stay off the thread that owns HTTP ingress and the store (DESIGN §7).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { TUNING } from '../tuning.js';
import type { Agent } from 'undici';
import type { Worker } from 'node:worker_threads';
import type { ResolveHost } from './guarded-lookup.js';
import { createSendAgent, sendBatch } from './send.js';
import type { Dispatcher, SendTask, SendTaskResult } from './types.js';

export type { Dispatcher } from './types.js';

/** Options of {@link createDispatcher}. */
export interface DispatcherOptions {
  /** Worker threads; 0 means `os.availableParallelism()`. */
  threads: number;
  /**
   * Run `sendBatch` on the calling thread instead of in piscina: for tests and the pool-vs-inline
   * benchmark.
   * @defaultValue false
   */
  inline?: boolean;
  /**
   * Tasks one thread works on at once. Sending is mostly waiting on sockets, so a thread overlaps
   * several batches instead of idling while one slow receiver answers.
   * @defaultValue TUNING.pool.concurrentTasksPerThread (8)
   */
  concurrentTasksPerThread?: number;
  /**
   * Inline only (a function cannot cross into worker threads): how the SSRF guard resolves host
   * names, so a test can make a name resolve to loopback without touching the system's DNS.
   * @defaultValue `dns.lookup`
   */
  resolve?: ResolveHost;
}

/** The worker module piscina loads and the flags its threads start with. */
export interface WorkerEntry {
  filename: string;
  /**
   * Flags for the thread, when it needs its own (from sources: the TypeScript hooks). Unset, a
   * thread inherits the process's flags: Node refuses V8 flags such as `--max-old-space-size`
   * when they are passed to a thread explicitly, so passing `process.execArgv` on made the engine
   * fail to start under `node --max-old-space-size=… dist/engine/cli.js`.
   */
  execArgv?: string[];
  /** Loaded from the TypeScript sources (tests, no build): its threads also load the compiler. */
  fromSources: boolean;
}

/**
 * Finds the worker file next to this module.
 *
 * - Compiled (`dist/engine/pool/`): `tasks.js` exists and loads as is.
 * - From sources (vitest, no build): only `tasks.ts` exists. Node 20 cannot strip types and
 *   vitest's transform does not reach worker threads, so each thread gets
 *   `--import <data: URL>` that registers `ts-worker-hooks.mjs`: it maps `./x.js` imports to
 *   `./x.ts` and transpiles them with the `typescript` devDependency. The real piscina path is
 *   thus exercised by tests without a build step or a stale `dist/`.
 *
 * @param worker - Another worker module, relative to `moduleUrl` without its extension (the Code
 *   node's sandbox worker uses the same loading). @defaultValue `'./tasks'`
 */
export function resolveWorkerEntry(moduleUrl: string = import.meta.url, worker = './tasks'): WorkerEntry {
  const compiled = new URL(`${worker}.js`, moduleUrl);
  if (existsSync(compiled)) return { filename: fileURLToPath(compiled), fromSources: false };
  const hooksUrl = new URL('./ts-worker-hooks.mjs', moduleUrl).href;
  const registerHooks = `import { register } from 'node:module'; register(${JSON.stringify(hooksUrl)});`;
  return {
    filename: fileURLToPath(new URL(`${worker}.ts`, moduleUrl)),
    execArgv: [...process.execArgv, '--import', `data:text/javascript,${encodeURIComponent(registerHooks)}`],
    fromSources: true,
  };
}

/**
 * Creates the dispatcher of outgoing webhook batches.
 *
 * @example
 * const dispatcher = createDispatcher({ threads: 0 });
 * const targets = { allowPrivateTargets: false, httpsOnly: false };
 * const { results, skipped } = await dispatcher.send({ mode: 'parallel', requests, targets });
 * await dispatcher.close();
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  return options.inline ? createInlineDispatcher(options.resolve) : createPoolDispatcher(options);
}

function createInlineDispatcher(resolve: ResolveHost | undefined): Dispatcher {
  // Its own Agents (guarded and open, made on first use), so closing this dispatcher closes
  // exactly the sockets it opened.
  const agents = new Map<boolean, Agent>();
  const agentFor = (allowPrivateTargets: boolean): Agent => {
    let agent = agents.get(allowPrivateTargets);
    if (!agent) {
      agent = createSendAgent({ allowPrivateTargets, resolve });
      agents.set(allowPrivateTargets, agent);
    }
    return agent;
  };
  return {
    mode: 'inline',
    utilization: 0,
    send: (task) => sendBatch(task, agentFor(task.targets.allowPrivateTargets)),
    close: async () => void (await Promise.all([...agents.values()].map((agent) => agent.close()))),
  };
}

function createPoolDispatcher(options: DispatcherOptions): Dispatcher {
  const threads = options.threads > 0 ? options.threads : availableParallelism();
  const entry = resolveWorkerEntry();
  const pool = new Piscina<SendTask, SendTaskResult>({
    filename: entry.filename,
    execArgv: entry.execArgv,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: options.concurrentTasksPerThread ?? TUNING.pool.concurrentTasksPerThread,
    // piscina's default ('sync') blocks an idle worker in Atomics.wait, freezing its event loop:
    // keep-alive sockets the receiver closed meanwhile would then fail the next POST.
    atomics: 'disabled',
    // Workers hold only undici pools and the tasks in hand; a small old generation makes V8
    // collect early instead of growing each thread's heap (peak RSS during a backlog drain).
    // Not when running from sources: those threads also load the TypeScript compiler.
    resourceLimits: !entry.fromSources
      ? {
          maxOldGenerationSizeMb: TUNING.pool.maxOldGenerationSizeMb,
          maxYoungGenerationSizeMb: TUNING.pool.maxYoungGenerationSizeMb,
        }
      : undefined,
  });
  // Each thread's active time when last read: a thread piscina replaces starts its count anew.
  const seenActiveMs = new WeakMap<Worker, number>();
  let busyMs = 0;
  return {
    mode: 'pool',
    send: (task) => pool.run(task, { name: 'send' }),
    busyMs() {
      for (const thread of pool.threads) {
        const active = thread.performance.eventLoopUtilization().active;
        busyMs += active - (seenActiveMs.get(thread) ?? active);
        seenActiveMs.set(thread, active);
      }
      return busyMs;
    },
    close: () => pool.close(),
    get utilization() {
      // Several tasks overlap on one thread, so piscina's ratio can pass 1: the pool is full then.
      return Math.min(1, pool.utilization);
    },
  };
}
