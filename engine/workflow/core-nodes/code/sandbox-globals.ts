/**
 * The globals a Code node's JavaScript sees, built fresh for each run inside the worker: n8n's
 * data variables (`$input`, `$json`, `items`/`item`, `$('Node')`, `$node`, `$items()`,
 * `$workflow`, `$execution`; not luxon's `DateTime`, `$now`, `$today`: luxon is no dependency of
 * ours), a console that reports to the
 * engine's logger, timers that end with the run, and a `require` that knows only the allowlist.
 */
import * as crypto from 'node:crypto';
import { formatWithOptions } from 'node:util';
import type { SandboxItem, SandboxTask, WorkerMessage } from './sandbox-types.js';

/** Modules `require()` returns inside a Code node; n8n allows none unless the operator lists some. */
const ALLOWED_MODULES: Record<string, unknown> = { crypto, 'node:crypto': crypto };

type Log = (message: WorkerMessage & { kind: 'log' }) => void;

/** Timers the code started; cleared when its run ends so nothing it scheduled outlives it. */
export interface RunTimers {
  clearAll(): void;
}

/** What one node's data looks like through `$('Name')`. */
function nodeAccessor(task: SandboxTask, name: string, itemIndex: number) {
  const items = task.nodeOutputs[name];
  if (!items) throw new Error(task.nodeErrors[name] ?? `Referenced node doesn't exist`);
  return {
    all: () => items,
    first: () => items[0],
    last: () => items[items.length - 1],
    // Paired items are matched by position: exact for the 1:1 chains a Code node usually reads.
    item: items[itemIndex],
    itemMatching: (index: number) => items[index],
    isExecuted: true,
    params: {},
  };
}

function consoleFor(log: Log) {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) =>
      log({ kind: 'log', level, text: formatWithOptions({ depth: 4, breakLength: Infinity }, ...args) });
  return { log: write('info'), info: write('info'), debug: write('debug'), warn: write('warn'), error: write('error') };
}

function timersFor(): { globals: Record<string, unknown>; timers: RunTimers } {
  const handles = new Set<NodeJS.Timeout>();
  const track = (handle: NodeJS.Timeout) => (handles.add(handle), handle);
  const untrack = (handle: NodeJS.Timeout) => (handles.delete(handle), clearTimeout(handle));
  return {
    globals: {
      setTimeout: (fn: () => void, ms?: number) => track(setTimeout(fn, ms)),
      setInterval: (fn: () => void, ms?: number) => track(setInterval(fn, ms)),
      clearTimeout: untrack,
      clearInterval: untrack,
    },
    timers: { clearAll: () => handles.forEach(untrack) },
  };
}

function requireAllowed(name: unknown): unknown {
  const module = typeof name === 'string' ? ALLOWED_MODULES[name] : undefined;
  if (module === undefined) throw new Error(`Module '${String(name)}' is disallowed`);
  return module;
}

/** The data variables of one run: all items (`itemIndex` 0) or the item at `itemIndex`. */
function dataVariables(task: SandboxTask, itemIndex: number): Record<string, unknown> {
  const { items } = task;
  const current: SandboxItem | undefined = items[itemIndex];
  const $ = (name: string) => nodeAccessor(task, name, itemIndex);
  const node = new Proxy({}, { get: (_target, name) => (typeof name === 'string' ? $(name).item : undefined) });
  const perMode = task.mode === 'runOnceForAllItems' ? { items } : { item: current, $itemIndex: itemIndex };
  return {
    ...perMode,
    $input: { all: () => items, first: () => items[0], last: () => items[items.length - 1], item: current },
    $json: current?.json,
    $binary: {},
    $: $,
    $node: node,
    $items: (name?: string) => (name === undefined ? items : $(name).all()),
    $workflow: task.workflow,
    $execution: { id: task.executionId, mode: 'production', resumeUrl: '' },
    $runIndex: 0,
  };
}

/** Every global of one run, and its timers to clear when it ends. */
export function sandboxGlobals(task: SandboxTask, itemIndex: number, log: Log) {
  const { globals: timerGlobals, timers } = timersFor();
  const globals: Record<string, unknown> = {
    ...dataVariables(task, itemIndex),
    ...timerGlobals,
    console: consoleFor(log),
    require: requireAllowed,
    module: { exports: {} },
    Buffer,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    atob,
    btoa,
  };
  return { globals, timers };
}
