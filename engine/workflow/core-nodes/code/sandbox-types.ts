/**
 * What crosses between the engine and a Code node worker thread: plain, structured-clonable data
 * only. The worker's answer carries each run's value as JSON text, as n8n's task runner sends it
 * over its socket: what a Code node returns is what `JSON.stringify` keeps (dates become strings,
 * functions and `undefined` fields vanish), in both engines.
 */

/** An item as the sandbox sees it: binary data is not handed to the Code node here. */
export interface SandboxItem {
  json: Record<string, unknown>;
  pairedItem?: unknown;
}

/** n8n's two Code node modes. */
export type CodeMode = 'runOnceForAllItems' | 'runOnceForEachItem';

export interface SandboxTask {
  code: string;
  mode: CodeMode;
  /** The node's input items. */
  items: SandboxItem[];
  /** Output 0 of every node the code may reference with `$('Name')`, `$node` or `$items()`. */
  nodeOutputs: Record<string, SandboxItem[]>;
  /**
   * Referenced nodes without data, with n8n's error for them (no such node, not executed yet):
   * thrown when the code reads them, not before, as in n8n.
   */
  nodeErrors: Record<string, string>;
  workflow: { id: string; name: string; active: boolean };
  executionId: string;
  /** Run every item even when some throw (n8n's continue-on-fail, each-item mode). */
  continueOnFail: boolean;
  /** The vm's limit on synchronous work of each run; the engine ends the worker past its own timer. */
  timeoutMs: number;
}

/** An error thrown by user code, reported as n8n reports it (message with `[line N]`). */
export interface SandboxError {
  message: string;
  /** The error's class name (`TypeError`), when it had one. */
  name?: string;
  /** A limit of the engine stopped it (time): the node fails whatever its continue-on-fail says. */
  limit?: boolean;
}

/** The message of a run over the time limit, whichever side (the vm or the engine's timer) noticed first. */
export function timeLimitMessage(timeoutMs: number): string {
  return `Code ran longer than its time limit of ${timeoutMs} ms (HOOKLINE_CODE_TIMEOUT_MS) and was stopped`;
}

/** One run: the whole input (all-items mode) or one item (each-item mode). */
export interface SandboxRun {
  /** The item's index (0 in all-items mode). */
  index: number;
  /** `JSON.stringify` of the returned value; absent when the code returned `undefined`. */
  value?: string;
  error?: SandboxError;
}

export type WorkerMessage =
  /** The thread loaded and listens: a task's time limit starts only then. */
  | { kind: 'ready' }
  | { kind: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; text: string }
  | { kind: 'done'; runs: SandboxRun[] };
