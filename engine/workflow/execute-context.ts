/**
 * The part of n8n's `IExecuteFunctions` that nodes use, on the shared host context
 * (`node-context.ts`): parameters (with defaults and expressions), input items, the execution,
 * a logger, and `helpers.hookline` for engine services.
 */
import type {
  IExecuteData,
  IExecuteFunctions,
  IGetNodeParameterOptions,
  INodeExecutionData,
  INodeType,
  IRunExecutionData,
  Workflow as N8nWorkflow,
} from 'n8n-workflow';
import type { HooklineNodeHelpers } from '../node-contract/helpers.js';
import { NodeOperationError, WorkflowDataProxy } from '../node-contract/n8n-runtime.js';
import { evaluateParameter, hasExpression, type ExpressionScope } from './expressions.js';
import { extractParameterValue, validatedParameterValue } from './extract-value.js';
import { createRegExpBudget } from './filter-regexp.js';
import { BASE_HELPERS, hostContext, withBaseContext, type CredentialResolver } from './node-context.js';
import { parameterOrDefault } from './node-types.js';
import { workflowTimezone } from './timezone.js';
import type { LoadedWorkflow, WorkflowNodeDefinition } from './types.js';
import type { Logger } from '../logger.js';

export type { CredentialResolver } from './node-context.js';

export interface NodeContextOptions {
  workflow: LoadedWorkflow;
  n8nWorkflow: N8nWorkflow;
  node: WorkflowNodeDefinition;
  nodeType: INodeType;
  items: INodeExecutionData[];
  /** The items of every input, by input index (`null` where one got nothing); else `items` is input 0. */
  inputs?: ReadonlyArray<INodeExecutionData[] | null>;
  runExecutionData: IRunExecutionData;
  executionId: string;
  resolveCredential: CredentialResolver;
  hookline: HooklineNodeHelpers;
  log: Logger;
  /** Aborted when the execution is asked to stop (n8n's `getExecutionCancelSignal`). */
  signal?: AbortSignal;
  /** This run's inputs and where they came from (n8n's `IExecuteData`), for `$('Node').item`. */
  executeData?: IExecuteData;
  /** n8n's `putExecutionToWait`: the run parks after this node until the date (runner.ts). */
  putExecutionToWait: (waitTill: Date) => Promise<void>;
}

export function createExecuteContext(options: NodeContextOptions): IExecuteFunctions {
  const { node, nodeType, items } = options;
  // One node run's regex time budget (filter-regexp.ts), shared by all its items.
  const regexBudget = createRegExpBudget();
  /** What an expression of this node reads, at one item. */
  const scopeAt = (itemIndex: number): ExpressionScope => ({
    n8nWorkflow: options.n8nWorkflow,
    runExecutionData: options.runExecutionData,
    nodeName: node.name,
    items,
    itemIndex,
    executionId: options.executionId,
    executeData: options.executeData,
  });
  const context = {
    getNodeParameter(name: string, itemIndex = 0, fallback?: unknown, extra?: IGetNodeParameterOptions) {
      const raw = parameterOrDefault(nodeType.description, node.parameters, name);
      if (raw === undefined) {
        if (arguments.length >= 3) return fallback;
        throw new NodeOperationError(node as never, `Could not get parameter '${name}'`);
      }
      let value = hasExpression(raw) ? evaluateParameter(raw, scopeAt(itemIndex)) : raw;
      if (extra?.extractValue) value = extractParameterValue(nodeType.description, name, value, itemIndex, regexBudget);
      return extra?.skipValidation ? value : validatedParameterValue(nodeType.description, name, value, itemIndex);
    },
    getInputData: (inputIndex = 0) =>
      options.inputs ? (options.inputs[inputIndex] ?? []) : inputIndex === 0 ? items : [],
    getExecutionId: () => options.executionId,
    getExecutionCancelSignal: () => options.signal,
    getParentNodes: (name: string) =>
      options.n8nWorkflow.getParentNodes(name).map((parent) => {
        const found = options.workflow.nodesByName.get(parent);
        return {
          name: parent,
          type: found?.type ?? '',
          typeVersion: found?.typeVersion ?? 1,
          disabled: found?.disabled,
        };
      }),
    getTimezone: () => workflowTimezone(options.workflow.definition),
    // n8n's own data proxy (`$`, `$input`, `$json`, …) over this run's data, as the Code node reads it.
    getWorkflowDataProxy: (itemIndex: number) =>
      new WorkflowDataProxy(
        options.n8nWorkflow,
        options.runExecutionData,
        0,
        itemIndex,
        node.name,
        items,
        {},
        'webhook',
        {
          $executionId: options.executionId,
        },
        options.executeData,
      ).getDataProxy(),
    // As n8n: the text is an expression body (`{{ $json.a }}`), evaluated as `={{ $json.a }}`.
    evaluateExpression: (expression: string, itemIndex = 0) => evaluateParameter(`=${expression}`, scopeAt(itemIndex)),
    logger: {
      debug: (message: string, meta?: object) => options.log.debug({ node: node.name, ...meta }, message),
      info: (message: string, meta?: object) => options.log.debug({ node: node.name, ...meta }, message),
      warn: (message: string, meta?: object) => options.log.warn({ node: node.name, ...meta }, message),
      error: (message: string, meta?: object) => options.log.warn({ node: node.name, ...meta }, message),
    },
    helpers: Object.assign({ hookline: options.hookline }, BASE_HELPERS),
    putExecutionToWait: options.putExecutionToWait,
  };
  return hostContext<IExecuteFunctions>(node, withBaseContext(context, options));
}
