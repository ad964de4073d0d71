/**
 * Runs one JavaScript RegExp test off the main thread, synchronously, with a time limit: for the
 * patterns a workflow supplies that the linear-time engine (engine/events/linear-regexp.ts) cannot
 * run (flags such as `i`, look-around, back-references). V8's backtracking engine can take
 * minutes on a hostile pattern and value, and a condition is evaluated inside a synchronous call
 * (n8n's filter evaluator), so the main thread blocks on `Atomics.wait` while a worker tests the
 * pattern; past the limit the worker is terminated (V8 interrupts a running match) and a fresh
 * one serves the next test. The cost, a message each way, is paid only by such patterns.
 */
import { Worker } from 'node:worker_threads';
import { TUNING } from '../tuning.js';

/** How long one test may run (TUNING.rules.regexpTimeoutMs). */
export const REGEXP_TIMEOUT_MS: number = TUNING.rules.regexpTimeoutMs;
/** How long a new worker may take to boot its isolate (not counted in a test's time). */
const WORKER_BOOT_MS = 10_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ready = new Int32Array(workerData.ready);
parentPort.on('message', ({ pattern, flags, input, signal }) => {
  const state = new Int32Array(signal);
  let outcome = 3;
  try { outcome = new RegExp(pattern, flags).test(input) ? 1 : 2; } catch { outcome = 3; }
  Atomics.store(state, 0, outcome);
  Atomics.notify(state, 0);
});
Atomics.store(ready, 0, 1);
Atomics.notify(ready, 0);`;

/** A test stopped at the time limit. */
export class RegExpTimeoutError extends Error {}

let worker: Worker | undefined;

function currentWorker(): Worker {
  if (worker) return worker;
  const ready = new SharedArrayBuffer(4);
  const thread = new Worker(WORKER_SOURCE, { eval: true, workerData: { ready } });
  // Never keeps the process alive; a crashed worker is replaced on the next test.
  thread.unref();
  thread.on('error', () => undefined);
  thread.on('exit', () => {
    if (worker === thread) worker = undefined;
  });
  if (Atomics.wait(new Int32Array(ready), 0, 0, WORKER_BOOT_MS) === 'timed-out') {
    void thread.terminate();
    throw new RegExpTimeoutError(`the regular-expression worker did not start within ${WORKER_BOOT_MS} ms`);
  }
  worker = thread;
  return thread;
}

/** `new RegExp(pattern, flags).test(input)`, or {@link RegExpTimeoutError} past `timeoutMs`. */
export function testInWorker(pattern: string, flags: string, input: string, timeoutMs = REGEXP_TIMEOUT_MS): boolean {
  const current = currentWorker();
  const signal = new SharedArrayBuffer(4);
  const state = new Int32Array(signal);
  current.postMessage({ pattern, flags, input, signal });
  if (Atomics.wait(state, 0, 0, timeoutMs) === 'timed-out') {
    worker = undefined;
    void current.terminate();
    throw new RegExpTimeoutError(`the regular expression /${pattern}/${flags} ran longer than ${timeoutMs} ms`);
  }
  const outcome = Atomics.load(state, 0);
  if (outcome === 3) throw new SyntaxError(`Invalid regular expression: /${pattern}/${flags}`);
  return outcome === 1;
}
