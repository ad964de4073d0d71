/**
 * Runs a workflow graph: items (`INodeExecutionData[]`) leave the trigger and flow along
 * `connections`, breadth first, as n8n's v1 execution order does for single-input nodes. A node
 * that throws stops the run with its name and message, unless the node says to continue on fail
 * (`isContinueOnFail`, the predicate its `this.continueOnFail()` answers with too).
 */
import type { IDataObject, INodeExecutionData, INodeType, IRunExecutionData, ITaskData } from 'n8n-workflow';
import type { HooklineNodeHelpers } from '../node-contract/helpers.js';
import { createExecuteContext } from './execute-context.js';
import { n8nWorkflowFor } from './expressions.js';
import { isContinueOnFail, type CredentialResolver } from './node-context.js';
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

export interface RunResult {
  status: 'succeeded' | 'failed';
  /** The JSON of the items the last node produced. */
  output: IDataObject[];
  /**
   * The items of every end node that ran (a node with nothing connected after it), in the order they
   * ran: a workflow that branches ends in several, and `output` shows only the last of them.
   */
  ends: EndOutput[];
  steps: StepResult[];
  error?: { node: string; message: string };
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
}

interface Pending {
  node: string;
  items: INodeExecutionData[];
}

export async function runGraph(options: RunOptions): Promise<RunResult> {
  const { workflow, registry } = options;
  const n8nWorkflow = n8nWorkflowFor(workflow, registry);
  const runExecutionData = { resultData: { runData: {} } } as unknown as IRunExecutionData;
  const steps: StepResult[] = [];
  const queue: Pending[] = [];
  const ends: EndOutput[] = [];
  let lastOutput: INodeExecutionData[] = options.startOutput[0] ?? [];
  recordRun(runExecutionData, options.startNode, options.startOutput);
  enqueueChildren(queue, workflow, options.startNode, options.startOutput);

  for (let count = 0; queue.length > 0; count++) {
    if (count >= (options.maxSteps ?? 10_000))
      return failed(steps, lastOutput, ends, options.startNode, 'execution exceeded the step limit');
    const { node: name, items } = queue.shift()!;
    const node = workflow.nodesByName.get(name)!;
    if (node.disabled) {
      enqueueChildren(queue, workflow, name, [items]);
      continue;
    }
    const nodeType = registry.get(node.type)!;
    options.onNodeStart?.(name);
    const startedAt = new Date();
    const step: StepResult = {
      node: name,
      type: node.type,
      status: 'succeeded',
      startedAt: startedAt.toISOString(),
      durationMs: 0,
      itemsIn: items.length,
      itemsOut: 0,
    };
    let outputs: INodeExecutionData[][];
    try {
      if (!nodeType.execute) throw new Error(`node type '${node.type}' cannot run inside a workflow`);
      const context = createExecuteContext({ ...options, n8nWorkflow, node, nodeType, items, runExecutionData });
      outputs = ((await nodeType.execute.call(context)) as INodeExecutionData[][] | null) ?? [];
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      Object.assign(step, { status: 'failed', durationMs: Date.now() - startedAt.getTime(), error: message });
      steps.push(step);
      options.onStep?.(step);
      if (!isContinueOnFail(node)) return failed(steps, lastOutput, ends, name, message);
      outputs = failedItemOutputs(node, nodeType, items, message);
    }
    if (step.status === 'succeeded') {
      step.durationMs = Date.now() - startedAt.getTime();
      step.itemsOut = outputs.reduce((sum, output) => sum + (output?.length ?? 0), 0);
      steps.push(step);
      options.onStep?.(step);
    }
    recordRun(runExecutionData, name, outputs);
    lastOutput = outputs.find((output) => output && output.length > 0) ?? [];
    if (isEndNode(workflow, name)) ends.push({ node: name, items: outputs.flat().map((item) => item.json) });
    enqueueChildren(queue, workflow, name, outputs);
  }
  return { status: 'succeeded', output: lastOutput.map((item) => item.json), ends, steps };
}

function failed(
  steps: StepResult[],
  lastOutput: INodeExecutionData[],
  ends: EndOutput[],
  node: string,
  message: string,
): RunResult {
  return { status: 'failed', output: lastOutput.map((item) => item.json), ends, steps, error: { node, message } };
}

function isEndNode(workflow: LoadedWorkflow, name: string): boolean {
  const outputs = workflow.definition.connections[name]?.main ?? [];
  return outputs.every((targets) => !targets || targets.length === 0);
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

/** n8n runs a child only when the output feeding it has items. */
function enqueueChildren(
  queue: Pending[],
  workflow: LoadedWorkflow,
  source: string,
  outputs: INodeExecutionData[][],
): void {
  const connections = workflow.definition.connections[source]?.main ?? [];
  connections.forEach((targets, outputIndex) => {
    const items = outputs[outputIndex];
    if (!items || items.length === 0) return;
    for (const target of targets ?? []) queue.push({ node: target.node, items });
  });
}

/** Keeps `$('Node').item` and `$node["Node"]` expressions working for later nodes. */
function recordRun(runExecutionData: IRunExecutionData, node: string, outputs: INodeExecutionData[][]): void {
  const task = {
    startTime: Date.now(),
    executionTime: 0,
    executionIndex: 0,
    source: [],
    data: { main: outputs },
  } as unknown as ITaskData;
  runExecutionData.resultData.runData[node] = [task];
}
