/**
 * n8n's Code node (v1, v2), JavaScript only: the code runs in a worker thread (`sandbox-pool.ts`),
 * in both of n8n's modes, and its return value is normalised and validated as n8n does
 * (`result.ts`). Python is refused with a clear error.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeOperationError } from '../../../node-contract/n8n-runtime.js';
import { coreServicesOf } from '../services.js';
import { codeDescription } from './description.js';
import { itemFromEachItemRun, itemsFromAllItemsRun } from './result.js';
import type { CodeMode, SandboxItem, SandboxRun, SandboxTask } from './sandbox-types.js';

/** Names the code may read through `$('Name')`, `$node['Name']`, `$node.Name` or `$items('Name')`. */
const NODE_REFERENCE = /\$(?:\(|items\(|node\[)\s*(['"`])((?:\\.|(?!\1).)*)\1|\$node\.([A-Za-z_$][\w$]*)/g;

/** `$input.first()` and friends make no sense per item; n8n refuses the code before running it. */
const ALL_ITEMS_ONLY = /\$input\.(first|last|all|itemMatching)\b/;

export class Code implements INodeType {
  description = codeDescription;

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const node = this.getNode();
    const language = node.typeVersion >= 2 ? (this.getNodeParameter('language', 0) as string) : 'javaScript';
    if (language !== 'javaScript')
      throw new NodeOperationError(
        node,
        `The Code node's language '${language}' is not supported: Hookline runs JavaScript only`,
        { description: 'Rewrite the code in JavaScript, or run this workflow in n8n.' },
      );
    const mode = this.getNodeParameter('mode', 0) as CodeMode;
    const code = codeOf(this);
    if (mode === 'runOnceForEachItem') refuseAllItemsMethods(this, code);
    const task = buildTask(this, code, mode);
    const runs = await coreServicesOf(this.helpers).codeSandbox.run(task, { node: node.name });
    return [mode === 'runOnceForAllItems' ? allItemsOutput(this, runs[0]) : eachItemOutput(this, runs)];
  }
}

/**
 * The node's JavaScript. n8n's editor always writes `jsCode` into an export; a file without it
 * fails in n8n 2.8 with 'Unknown error' (its task runner gets no code), and so it does here.
 */
function codeOf(context: IExecuteFunctions): string {
  const code = context.getNodeParameter('jsCode', 0, '') as unknown;
  if (typeof code !== 'string' || code === '')
    throw new NodeOperationError(context.getNode(), 'Unknown error', {
      description: "The Code node has no JavaScript code (parameter 'jsCode')",
    });
  return code;
}

function refuseAllItemsMethods(context: IExecuteFunctions, code: string): void {
  const method = ALL_ITEMS_ONLY.exec(code)?.[1];
  if (!method) return;
  const index = code.split('\n').findIndex((line) => {
    const text = line.trimStart();
    return text.includes(method) && !/^(\/\/|\/\*|\*)/.test(text);
  });
  if (index < 0) return;
  throw new NodeOperationError(context.getNode(), `Can't use .${method}() here [line ${index + 1}, for item 0]`, {
    description: "This is only available in 'Run Once for All Items' mode",
  });
}

/**
 * An item as plain JSON: what n8n sends its task runner, and what a thread can take (n8n's data
 * proxy hands out proxies, which cannot be cloned into a thread).
 */
const plainItem = (item: INodeExecutionData): SandboxItem =>
  JSON.parse(JSON.stringify({ json: item.json, pairedItem: item.pairedItem })) as SandboxItem;

/** The input items, and the data of every node the code names, read through n8n's own data proxy. */
function buildTask(context: IExecuteFunctions, code: string, mode: CodeMode): Omit<SandboxTask, 'timeoutMs'> {
  const proxy = context.getWorkflowDataProxy(0);
  const nodeOutputs: Record<string, SandboxItem[]> = {};
  const nodeErrors: Record<string, string> = {};
  for (const match of code.matchAll(NODE_REFERENCE)) {
    const name = match[3] ?? match[2].replace(/\\(.)/g, '$1');
    try {
      nodeOutputs[name] = (proxy.$(name) as { all(): INodeExecutionData[] }).all().map(plainItem);
    } catch (error) {
      nodeErrors[name] = error instanceof Error ? error.message : String(error);
    }
  }
  const workflow = context.getWorkflow();
  return {
    code,
    mode,
    items: context.getInputData().map(plainItem),
    nodeOutputs,
    nodeErrors,
    workflow: { id: String(workflow.id ?? ''), name: workflow.name ?? '', active: workflow.active },
    executionId: context.getExecutionId(),
    continueOnFail: context.continueOnFail(),
  };
}

function failure(context: IExecuteFunctions, run: SandboxRun): Error {
  return new NodeOperationError(context.getNode(), run.error!.message, { itemIndex: run.index });
}

function allItemsOutput(context: IExecuteFunctions, run: SandboxRun): INodeExecutionData[] {
  if (run.error) {
    if (context.continueOnFail() && !run.error.limit) return [{ json: { error: run.error.message } }];
    throw failure(context, run);
  }
  return itemsFromAllItemsRun(parse(run));
}

function eachItemOutput(context: IExecuteFunctions, runs: SandboxRun[]): INodeExecutionData[] {
  const output: INodeExecutionData[] = [];
  for (const run of runs) {
    if (run.error) {
      if (!context.continueOnFail() || run.error.limit) throw failure(context, run);
      output.push({ json: { error: run.error.message }, pairedItem: { item: run.index } });
      continue;
    }
    const item = itemFromEachItemRun(parse(run), run.index);
    if (item) output.push(item);
  }
  return output;
}

const parse = (run: SandboxRun): unknown => (run.value === undefined ? undefined : JSON.parse(run.value));
