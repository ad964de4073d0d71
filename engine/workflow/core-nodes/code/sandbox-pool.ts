/**
 * The Code node's small pool of worker threads, started on first use so a workflow without Code
 * nodes pays nothing. Each thread runs one task at a time under a heap limit (`resourceLimits`);
 * a task past its time limit, or a thread out of memory, ends that thread (the next task gets a
 * fresh one) and fails the node with a clear message. The main thread only waits: it never runs
 * user code.
 */
import { Worker } from 'node:worker_threads';
import { resolveWorkerEntry } from '../../../pool/dispatcher.js';
import { timeLimitMessage, type SandboxRun, type SandboxTask, type WorkerMessage } from './sandbox-types.js';
import type { Logger } from '../../../logger.js';

/** Options of {@link createCodeSandbox}, from the engine's config. */
export interface CodeSandboxOptions {
  /** Time limit of one task (`codeTimeoutMs`). */
  timeoutMs: number;
  /** Heap limit of each thread (`codeMemoryMb`). */
  memoryMb: number;
  /** Threads at most (`codeWorkers`). */
  maxWorkers: number;
  log: Logger;
}

/** Runs Code node tasks off the main thread. */
export interface CodeSandbox {
  /** Runs a task; rejects with {@link CodeSandboxError} when its thread overran or ran out of memory. */
  run(task: Omit<SandboxTask, 'timeoutMs'>, logContext?: Record<string, unknown>): Promise<SandboxRun[]>;
  /** Ends every thread (engine stop); a later `run` starts new ones. */
  close(): Promise<void>;
}

/** A task that ended its thread: over time, out of memory, or the thread died. */
export class CodeSandboxError extends Error {
  override name = 'CodeSandboxError';
}

/** How much later than the vm's own limit the engine's timer ends a thread. */
const TIMER_GRACE_MS = 1000;

const ENTRY = resolveWorkerEntry(
  new URL('../../../pool/dispatcher.js', import.meta.url).href,
  '../workflow/core-nodes/code/sandbox-worker',
);

export function createCodeSandbox(options: CodeSandboxOptions): CodeSandbox {
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  const waiting: Array<(worker: Promise<Worker>) => void> = [];

  /** A new thread, once it has loaded (loading is not the task's time). */
  async function spawn(): Promise<Worker> {
    const worker = new Worker(ENTRY.filename, {
      execArgv: ENTRY.execArgv,
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb, maxYoungGenerationSizeMb: 16 },
    });
    all.add(worker);
    // A thread that fails while idle is forgotten (a running task's own listeners report it).
    const forget = () => {
      all.delete(worker);
      const at = idle.indexOf(worker);
      if (at >= 0) idle.splice(at, 1);
    };
    worker.on('error', forget).once('exit', forget);
    try {
      await new Promise<void>((resolve, reject) => {
        worker.once('message', (message: WorkerMessage) =>
          message.kind === 'ready' ? resolve() : reject(new Error(`unexpected ${message.kind}`)),
        );
        worker.once('error', reject).once('exit', (code) => reject(new Error(`exited with code ${code}`)));
      });
    } catch (error) {
      forget();
      void worker.terminate();
      throw new CodeSandboxError(`The Code node's worker thread could not start: ${(error as Error).message}`);
    }
    // An idle thread never keeps the process alive; a running task's timer does.
    worker.unref();
    return worker;
  }

  function acquire(): Promise<Worker> {
    const ready = idle.pop();
    if (ready) return Promise.resolve(ready);
    if (all.size < options.maxWorkers) return spawn();
    return new Promise((resolve, reject) => waiting.push((next) => next.then(resolve, reject)));
  }

  function release(worker: Worker): void {
    const next = waiting.shift();
    if (next) next(Promise.resolve(worker));
    else idle.push(worker);
  }

  /** A thread that overran or failed is ended; whoever waits gets a new one. */
  function discard(worker: Worker): void {
    all.delete(worker);
    void worker.terminate();
    const next = waiting.shift();
    if (next) next(spawn());
  }

  async function run(task: Omit<SandboxTask, 'timeoutMs'>, logContext = {}): Promise<SandboxRun[]> {
    const worker = await acquire();
    return new Promise<SandboxRun[]>((resolve, reject) => {
      const settle = (outcome: { runs: SandboxRun[] } | { error: CodeSandboxError }) => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if ('runs' in outcome) {
          release(worker);
          resolve(outcome.runs);
        } else {
          discard(worker);
          reject(outcome.error);
        }
      };
      const onMessage = (message: WorkerMessage) => {
        if (message.kind === 'log') options.log[message.level]({ ...logContext, console: true }, message.text);
        else if (message.kind === 'done') settle({ runs: message.runs });
      };
      const onError = (error: Error & { code?: string }) =>
        settle({ error: new CodeSandboxError(describeWorkerError(error, options.memoryMb)) });
      const onExit = (code: number) =>
        settle({ error: new CodeSandboxError(`The Code node's worker thread exited (code ${code})`) });
      // The vm stops synchronous code at the limit itself and the thread lives on; this timer, a
      // little later, catches what the vm cannot (a loop after an await) by ending the thread.
      const timer = setTimeout(
        () => settle({ error: new CodeSandboxError(timeLimitMessage(options.timeoutMs)) }),
        options.timeoutMs + Math.min(options.timeoutMs, TIMER_GRACE_MS),
      );
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage({ ...task, timeoutMs: options.timeoutMs } satisfies SandboxTask);
    });
  }

  return {
    run,
    async close() {
      idle.length = 0;
      await Promise.all([...all].map((worker) => worker.terminate()));
      all.clear();
    },
  };
}

function describeWorkerError(error: Error & { code?: string }, memoryMb: number): string {
  if (error.code === 'ERR_WORKER_OUT_OF_MEMORY')
    return `Code ran out of memory: it used more than its heap limit of ${memoryMb} MB (HOOKLINE_CODE_MEMORY_MB) and was stopped`;
  return `The Code node's worker thread failed: ${error.message}`;
}
