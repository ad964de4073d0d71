/**
 * The Code node's worker thread: runs one task at a time in a fresh `node:vm` context per run.
 * The vm is a resource fence, not a security boundary (README: workflow files are the operator's
 * own code, as in a self-hosted n8n). The engine gives the thread a heap limit (`resourceLimits`)
 * and ends it when a task overruns its time, so a runaway loop or allocation costs this thread
 * only, never the engine's main thread. Imports nothing of the engine beyond its own folder.
 */
import { Script, createContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { sandboxGlobals } from './sandbox-globals.js';
import {
  timeLimitMessage,
  type SandboxError,
  type SandboxRun,
  type SandboxTask,
  type WorkerMessage,
} from './sandbox-types.js';

/** The file name in stack traces of user code: how a frame is known to be the user's line. */
const SCRIPT_FILE = 'code-node.js';

const post = (message: WorkerMessage) => parentPort?.postMessage(message);

/**
 * User code runs as the body of an async function, so `return` and `await` work at its top level
 * as in n8n; its line 1 is the script's line 1, so line numbers in errors are the user's.
 */
function compile(code: string): Script {
  return new Script(`(async function () {${code}\n})()`, { filename: SCRIPT_FILE });
}

/** The user's line of an error, from the innermost stack frame in their code. */
function userLine(stack: string): number | undefined {
  const pattern = new RegExp(`${SCRIPT_FILE.replace('.', '\\.')}:(\\d+):\\d+`);
  for (const row of stack.split('\n')) {
    const match = pattern.exec(row);
    if (match) return Number(match[1]);
  }
  return undefined;
}

/**
 * The message n8n's Code node shows for a thrown value: the text after the error's type on the
 * stack's message row (n8n keeps the last `:`-separated part, rejoining `node:` module names),
 * a space, then `[line N]` when the throw happened in the user's code (n8n's trailing space
 * stays when it did not: a syntax error reads `Unexpected token ';' `).
 */
export function describeThrown(thrown: unknown): SandboxError {
  const stack = typeof thrown === 'object' && thrown !== null ? (thrown as { stack?: unknown }).stack : undefined;
  // n8n words a throw it cannot read (a string, a plain object) as 'Unknown error ' (sic).
  if (typeof stack !== 'string') return { message: 'Unknown error ' };
  const line = userLine(stack);
  // n8n always joins message and line display with a space, even when there is no line.
  const display = line === undefined ? '' : `[line ${line}]`;
  const messageRow = stack.split('\n').find((row) => row.includes('Error:'));
  if (!messageRow) return { message: `Unknown error ${display}` };
  const segments = messageRow.split(':').map((part) => part.trim());
  const joined = segments.reduce<string[]>((parts, part) => {
    const previous = parts[parts.length - 1];
    if (previous !== undefined && /'node$/.test(previous)) parts[parts.length - 1] = `${previous}:${part}`;
    else parts.push(part);
    return parts;
  }, []);
  const details = joined[joined.length - 1];
  const name = joined.length > 1 ? joined[joined.length - 2] : undefined;
  return { message: `${details || 'Unknown error'} ${display}`, name };
}

async function runOne(script: Script, task: SandboxTask, index: number): Promise<SandboxRun> {
  const { globals, timers } = sandboxGlobals(task, index, post);
  const context = createContext(globals, { codeGeneration: { strings: true, wasm: false } });
  try {
    const value: unknown = await script.runInContext(context, { timeout: task.timeoutMs });
    const text = JSON.stringify(value);
    return text === undefined ? { index } : { index, value: text };
  } catch (thrown) {
    if ((thrown as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
      return { index, error: { message: timeLimitMessage(task.timeoutMs), limit: true } };
    return { index, error: describeThrown(thrown) };
  } finally {
    timers.clearAll();
  }
}

/** Runs a task: once for all items, or once per item (stopping at the first error unless told not to). */
export async function runTask(task: SandboxTask): Promise<SandboxRun[]> {
  let script: Script;
  try {
    script = compile(task.code);
  } catch (thrown) {
    return [{ index: 0, error: describeThrown(thrown) }];
  }
  if (task.mode === 'runOnceForAllItems') return [await runOne(script, task, 0)];
  const runs: SandboxRun[] = [];
  for (let index = 0; index < task.items.length; index++) {
    const run = await runOne(script, task, index);
    runs.push(run);
    if (run.error && (run.error.limit || !task.continueOnFail)) break;
  }
  return runs;
}

parentPort?.on('message', (task: SandboxTask) => {
  void runTask(task).then((runs) => post({ kind: 'done', runs }));
});
post({ kind: 'ready' });
