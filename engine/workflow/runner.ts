/**
 * Runs a workflow graph: items (`INodeExecutionData[]`) leave the trigger and flow along
 * `connections` in n8n's v1 execution order (`run-order.ts`: depth first, top-left branch first, a
 * Merge waits for its inputs). A node
 * that throws stops the run with its name and message, unless the node says to continue on fail
 * (`isContinueOnFail`, the predicate its `this.continueOnFail()` answers with too). A node with
 * n8n's `retryOnFail` runs again, up to `maxTries` times, `waitBetweenTries` ms apart.
 *
 * Stopping: once `signal` aborts, no further node starts (the run stops at the next node boundary),
 * and a node still awaiting I/O is no longer waited for: nodes that await I/O get the same signal
 * from `this.getExecutionCancelSignal()` to abandon their requests.
 *
 * Waiting: a node that calls `this.putExecutionToWait(date)` (n8n's Wait node) and succeeds ends the
 * run as `waiting` once its output is queued for its children; `parked` holds what `resumeGraph`
 * continues from (the execution order's stack and waiting nodes, and the run data: plain JSON), so the host can store it and resume later,
 * in another process if need be.
 */
import type {
  IDataObject,
  IExecuteData,
  INodeExecutionData,
  INodeType,
  IRunExecutionData,
  ISourceData,
  ITaskData,
} from 'n8n-workflow';
import type { HooklineNodeHelpers } from '../node-contract/helpers.js';
import { createExecuteContext } from './execute-context.js';
import { mainOutputCount, routeErrorItems } from './error-output.js';
import { n8nWorkflowFor } from './expressions.js';
import { isContinueOnFail, type CredentialResolver } from './node-context.js';
import { ExecutionOrder, type ExecutionOrderState, type RunTask } from './run-order.js';
import { connectionItems, countItems, nodeInputs, withAlwaysOutputData } from './run-items.js';
import type { LoadedWorkflow, NodeTypeRegistry, WorkflowNodeDefinition } from './types.js';
import type { Logger } from '../logger.js';

export interface StepResult {
  node: string;
  type: string;
  status: 'succeeded' | 'failed';
  startedAt: string;
  durationMs: number;
  itemsIn: number;
  itemsOut: number;
  error?: string;
}

/** Why a run failed: the node, its type, its message, and how often it was retried (`retryOnFail`). */
export interface RunError {
  node: string;
  message: string;
  /** The failing node's type (`n8n-nodes-base.httpRequest`); empty when no node failed. */
  nodeType?: string;
  /** Tries after the first one (n8n's `retryOnFail`). */
  retries?: number;
}

export interface RunResult {
  /** `stopped`: the signal aborted it (a stop request) before it finished; `waiting`: see `parked`. */
  status: 'succeeded' | 'failed' | 'stopped' | 'waiting';
  /** The JSON of the items the last node produced. */
  output: IDataObject[];
  /**
   * The items of every end node that ran (a node with nothing connected after it), in the order they
   * ran: a workflow that branches ends in several, and `output` shows only the last of them.
   */
  ends: EndOutput[];
  steps: StepResult[];
  error?: RunError;
  /** The JSON of the first output of the node that ran last (n8n's `lastNode` webhook answer reads it). */
  lastNodeOutput?: IDataObject[];
  /** With `waiting`: when to resume, and the state to resume from. */
  parked?: { resumeAtMs: number; state: ParkedGraph };
}

/** A run parked by a Wait node, as JSON: what is left to run (n8n's v1 order) and what ran before (for expressions). */
export interface ParkedGraph {
  order: ExecutionOrderState;
  runData: IRunExecutionData['resultData']['runData'];
  lastOutput: INodeExecutionData[];
  ends: EndOutput[];
}

export interface EndOutput {
  node: string;
  items: IDataObject[];
}

export interface RunOptions {
  workflow: LoadedWorkflow;
  registry: NodeTypeRegistry;
  executionId: string;
  /** The trigger node's name and its output, by output index. */
  startNode: string;
  startOutput: INodeExecutionData[][];
  resolveCredential: CredentialResolver;
  hookline: HooklineNodeHelpers;
  log: Logger;
  onStep?: (step: StepResult) => void;
  /** Called before each node runs (the host tells services which node is asking). */
  onNodeStart?: (node: string) => void;
  /** Guards against runaway graphs. @defaultValue 10000 */
  maxSteps?: number;
  /** Aborted when the execution is asked to stop. */
  signal?: AbortSignal;
  /** Continue a parked run from here instead of starting at `startNode` (see `resumeGraph`). */
  resumeFrom?: ParkedGraph;
}

export async function runGraph(options: RunOptions): Promise<RunResult> {
  const { workflow, registry } = options;
  const n8nWorkflow = n8nWorkflowFor(workflow, registry);
  const resumed = options.resumeFrom;
  const runExecutionData = { resultData: { runData: resumed?.runData ?? {} } } as unknown as IRunExecutionData;
  const steps: StepResult[] = [];
  const order = new ExecutionOrder(workflow, registry, n8nWorkflow, resumed?.order);
  const ends: EndOutput[] = [...(resumed?.ends ?? [])];
  let lastOutput: INodeExecutionData[] = resumed?.lastOutput ?? options.startOutput[0] ?? [];
  let lastNodeOutput = lastOutput;
  if (!resumed)
    order.addChildren(
      options.startNode,
      options.startOutput,
      recordRun(runExecutionData, options.startNode, options.startOutput, []),
    );

  for (let count = 0, task = order.next(); task; count++, task = order.next()) {
    if (options.signal?.aborted) return { status: 'stopped', output: jsonOf(lastOutput), ends, steps };
    if (count >= (options.maxSteps ?? 10_000))
      return failed(steps, lastOutput, ends, { node: options.startNode, message: 'execution exceeded the step limit' });
    const { node: name } = task;
    const node = workflow.nodesByName.get(name)!;
    if (node.disabled) {
      // n8n passes a disabled node's first input on, whatever else it had.
      const passed = [task.inputs[0] ?? []];
      order.addChildren(name, passed, recordRun(runExecutionData, name, passed, task.sources ?? []));
      continue;
    }
    const nodeType = registry.get(node.type)!;
    const inputs = pairedInputs(nodeInputs(node, task));
    const items = connectionItems(inputs);
    options.onNodeStart?.(name);
    const startedAt = new Date();
    const step: StepResult = {
      node: name,
      type: node.type,
      status: 'succeeded',
      startedAt: startedAt.toISOString(),
      durationMs: 0,
      itemsIn: countItems(inputs),
      itemsOut: 0,
    };
    let outputs: INodeExecutionData[][];
    let waitTill: Date | undefined;
    const putExecutionToWait = async (date: Date) => void (waitTill = date);
    const attempt = await executeWithRetries(
      node,
      () => {
        if (!nodeType.execute) throw new Error(`node type '${node.type}' cannot run inside a workflow`);
        // Named one by one, not spread from `options`: a spread of a many-shaped object made every
        // node's context several times slower to build and to read (runGraph of trigger → NoOp: 78 → 9 µs).
        const context = createExecuteContext({
          workflow,
          n8nWorkflow,
          node,
          nodeType,
          items,
          inputs,
          runExecutionData,
          executionId: options.executionId,
          resolveCredential: options.resolveCredential,
          hookline: options.hookline,
          log: options.log,
          signal: options.signal,
          // What `$('Node').item` starts from: this run's inputs and where they came from.
          executeData: { node, data: { main: inputs }, source: { main: task.sources ?? [] } } as IExecuteData,
          putExecutionToWait,
        });
        return nodeType.execute.call(context) as Promise<INodeExecutionData[][] | null>;
      },
      options.signal,
    );
    if (attempt.stopped) return { status: 'stopped', output: jsonOf(lastOutput), ends, steps };
    if (attempt.error !== undefined) {
      const message = attempt.error instanceof Error ? attempt.error.message : String(attempt.error);
      Object.assign(step, { status: 'failed', durationMs: Date.now() - startedAt.getTime(), error: message });
      steps.push(step);
      options.onStep?.(step);
      if (!isContinueOnFail(node))
        return failed(steps, lastOutput, ends, { node: name, message, nodeType: node.type, retries: attempt.retries });
      outputs = failedItemOutputs(node, nodeType, items, message);
    } else outputs = withAlwaysOutputData(node, task, attempt.outputs);
    if (step.status === 'succeeded' && node.onError === 'continueErrorOutput')
      outputs = routeErrorItems(outputs, mainOutputCount(n8nWorkflow, node, nodeType), items);
    if (step.status === 'succeeded') {
      step.durationMs = Date.now() - startedAt.getTime();
      step.itemsOut = countItems(outputs);
      steps.push(step);
      options.onStep?.(step);
    }
    pairSingleInput(inputs, outputs);
    const runIndex = recordRun(runExecutionData, name, outputs, task.sources ?? []);
    lastOutput = outputs.find((output) => output && output.length > 0) ?? [];
    lastNodeOutput = outputs[0] ?? [];
    if (isEndNode(workflow, name)) ends.push({ node: name, items: outputs.flat().map((item) => item.json) });
    order.addChildren(name, outputs, runIndex);
    if (waitTill && attempt.error === undefined) {
      const state: ParkedGraph = {
        order: order.state(),
        runData: runExecutionData.resultData.runData,
        lastOutput,
        ends,
      };
      return {
        status: 'waiting',
        output: jsonOf(lastOutput),
        ends,
        steps,
        parked: { resumeAtMs: waitTill.getTime(), state },
      };
    }
  }
  return { status: 'succeeded', output: jsonOf(lastOutput), ends, steps, lastNodeOutput: jsonOf(lastNodeOutput) };
}

/** Continues a run a Wait node parked (`RunResult.parked.state`) from what it had left to run. */
export function resumeGraph(options: Omit<RunOptions, 'resumeFrom'>, state: ParkedGraph): Promise<RunResult> {
  return runGraph({ ...options, resumeFrom: state });
}

const jsonOf = (items: INodeExecutionData[]): IDataObject[] => items.map((item) => item.json);

function failed(steps: StepResult[], lastOutput: INodeExecutionData[], ends: EndOutput[], error: RunError): RunResult {
  return { status: 'failed', output: jsonOf(lastOutput), ends, steps, error };
}

function isEndNode(workflow: LoadedWorkflow, name: string): boolean {
  const outputs = workflow.definition.connections[name]?.main ?? [];
  return outputs.every((targets) => !targets || targets.length === 0);
}

interface Attempt {
  outputs: INodeExecutionData[][];
  error?: unknown;
  retries: number;
  stopped?: boolean;
}

/** n8n's limits on `maxTries` and `waitBetweenTries` (its node settings panel). */
const RETRY_LIMITS = { minTries: 2, maxTries: 5, defaultTries: 3, maxWaitMs: 5000, defaultWaitMs: 1000 };

/** Runs a node, again on failure when it has `retryOnFail`; gives up waiting once `signal` aborts. */
async function executeWithRetries(
  node: WorkflowNodeDefinition,
  execute: () => Promise<INodeExecutionData[][] | null>,
  signal: AbortSignal | undefined,
): Promise<Attempt> {
  const tries = node.retryOnFail
    ? Math.min(Math.max(node.maxTries ?? RETRY_LIMITS.defaultTries, RETRY_LIMITS.minTries), RETRY_LIMITS.maxTries)
    : 1;
  const waitMs = Math.min(Math.max(node.waitBetweenTries ?? RETRY_LIMITS.defaultWaitMs, 0), RETRY_LIMITS.maxWaitMs);
  let error: unknown;
  for (let retries = 0; retries < tries; retries++) {
    if (retries > 0 && (await untilAborted(signal, waitMs))) return { outputs: [], retries, stopped: true };
    const stopped = Symbol('stopped');
    try {
      const outputs = await raceAbort(Promise.resolve().then(execute), signal, stopped);
      if (outputs === stopped) return { outputs: [], retries, stopped: true };
      return { outputs: (outputs as INodeExecutionData[][] | null) ?? [], retries };
    } catch (caught) {
      if (signal?.aborted) return { outputs: [], retries, stopped: true };
      error = caught ?? new Error('node failed without an error');
      if (retries === tries - 1) return { outputs: [], error, retries };
    }
  }
  return { outputs: [], error, retries: tries - 1 };
}

/** The work's result, or `stopped` as soon as the signal aborts (the work is no longer awaited). */
function raceAbort<T, S>(work: Promise<T>, signal: AbortSignal | undefined, stopped: S): Promise<T | S> {
  if (!signal) return work;
  if (signal.aborted) return Promise.resolve(stopped);
  return new Promise<T | S>((resolve, reject) => {
    const onAbort = () => resolve(stopped);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Waits `ms` (between tries); true when the signal aborted first. */
async function untilAborted(signal: AbortSignal | undefined, ms: number): Promise<boolean> {
  const stopped = Symbol('stopped');
  const timer = new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
  return (await raceAbort(timer, signal, stopped)) === stopped;
}

/**
 * Continue-on-fail: the input items, each with the `error`, on the main output; for
 * `continueErrorOutput` on the error output, which n8n adds after the node's main outputs.
 */
function failedItemOutputs(
  node: WorkflowNodeDefinition,
  nodeType: INodeType,
  items: INodeExecutionData[],
  message: string,
): INodeExecutionData[][] {
  const failedItems = items.map((item, index) => ({
    json: { ...item.json, error: message },
    pairedItem: { item: index },
  }));
  if (node.onError !== 'continueErrorOutput') return [failedItems];
  const { outputs } = nodeType.description;
  const errorOutput = Array.isArray(outputs) ? outputs.length : 1;
  return Array.from({ length: errorOutput + 1 }, (_, index) => (index === errorOutput ? failedItems : []));
}

/** Keeps `$('Node').item` and `$node["Node"]` expressions working for later nodes. */
/**
 * Keeps `$node["Node"]`, `$('Node').all()` and `.item` working for later nodes: each run of a node
 * is kept, with where its inputs came from. Returns the run's index.
 */
function recordRun(
  runExecutionData: IRunExecutionData,
  node: string,
  outputs: INodeExecutionData[][],
  sources: Array<ISourceData | null>,
): number {
  const task = {
    startTime: Date.now(),
    executionTime: 0,
    executionIndex: 0,
    source: sources,
    data: { main: outputs },
  } as unknown as ITaskData;
  const runs = (runExecutionData.resultData.runData[node] ??= []);
  runs.push(task);
  return runs.length - 1;
}

/**
 * As n8n: each item a node receives says which item of its parent's output it is
 * (`pairedItem: { item, input }`), the first link `$('Node').item` follows back. Copies: the
 * parent's recorded items keep their own pairing.
 */
function pairedInputs(inputs: RunTask['inputs']): RunTask['inputs'] {
  return inputs.map(
    (input, inputIndex) =>
      input?.map((item, index) => ({
        ...item,
        pairedItem: inputIndex === 0 ? { item: index } : { item: index, input: inputIndex },
      })) ?? null,
  );
}

/** As n8n: a node that got one item and says nothing of pairing pairs every output item with it. */
function pairSingleInput(
  inputs: ReadonlyArray<INodeExecutionData[] | null>,
  outputs: ReadonlyArray<INodeExecutionData[] | null | undefined>,
): void {
  if (inputs.length !== 1 || inputs[0]?.length !== 1) return;
  for (const output of outputs) for (const item of output ?? []) item.pairedItem ??= { item: 0 };
}
