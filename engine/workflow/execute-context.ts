/**
 * The part of n8n's `IExecuteFunctions` that nodes use, implemented by the engine: parameters
 * (with defaults and expressions), input items, credentials, the `returnJsonArray` helpers, and
 * `helpers.hookline` for engine services. The object is a stand-in at the node boundary; calls a
 * node makes outside this subset fail loudly rather than silently doing nothing.
 */
import type {
  ICredentialDataDecryptedObject,
  IDataObject,
  IExecuteFunctions,
  INodeExecutionData,
  IRunExecutionData,
  Workflow as N8nWorkflow,
} from 'n8n-workflow';
import type { HooklineNodeHelpers } from '../events/node-helpers.js';
import { createError } from '../errors.js';
import { evaluateParameter } from './expressions.js';
import { NodeOperationError } from './n8n-runtime.js';
import { parameterOrDefault } from './node-types.js';
import type { LoadedWorkflow, WorkflowNodeDefinition } from './types.js';
import type { INodeType } from 'n8n-workflow';

/** Looks a credential up by type and the node's reference (id, then name). */
export type CredentialResolver = (
  type: string,
  reference: { id?: string; name: string },
) => Promise<Record<string, unknown> | null>;

export interface NodeContextOptions {
  workflow: LoadedWorkflow;
  n8nWorkflow: N8nWorkflow;
  node: WorkflowNodeDefinition;
  nodeType: INodeType;
  items: INodeExecutionData[];
  runExecutionData: IRunExecutionData;
  executionId: string;
  resolveCredential: CredentialResolver;
  hookline: HooklineNodeHelpers;
  log: { debug(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

export function createExecuteContext(options: NodeContextOptions): IExecuteFunctions {
  const { node, nodeType, items, workflow } = options;
  const context = {
    getNodeParameter(name: string, itemIndex = 0, fallback?: unknown) {
      const raw = parameterOrDefault(nodeType.description, node.parameters, name);
      if (raw === undefined) {
        if (arguments.length >= 3) return fallback;
        throw new NodeOperationError(node as never, `Could not get parameter '${name}'`);
      }
      return evaluateParameter(raw, { ...options, nodeName: node.name, itemIndex, items });
    },
    getInputData: (inputIndex = 0) => (inputIndex === 0 ? items : []),
    getNode: () => ({ ...node }),
    getWorkflow: () => ({ id: workflow.id, name: workflow.name, active: workflow.active }),
    getMode: () => 'webhook',
    getExecutionId: () => options.executionId,
    getTimezone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    continueOnFail: () =>
      node.continueOnFail === true ||
      node.onError === 'continueRegularOutput' ||
      node.onError === 'continueErrorOutput',
    evaluateExpression: (expression: string, itemIndex: number) =>
      evaluateParameter(expression, { ...options, nodeName: node.name, itemIndex, items }),
    async getCredentials(type: string): Promise<ICredentialDataDecryptedObject> {
      const reference = node.credentials?.[type];
      if (!reference)
        throw new NodeOperationError(node as never, `Node '${node.name}' has no credential of type '${type}'`);
      const data = await options.resolveCredential(type, reference);
      if (!data) throw createError('CREDENTIAL_NOT_FOUND', [reference.name, type]);
      return data as ICredentialDataDecryptedObject;
    },
    logger: {
      debug: (message: string, meta?: object) => options.log.debug({ node: node.name, ...meta }, message),
      info: (message: string, meta?: object) => options.log.debug({ node: node.name, ...meta }, message),
      warn: (message: string, meta?: object) => options.log.warn({ node: node.name, ...meta }, message),
      error: (message: string, meta?: object) => options.log.warn({ node: node.name, ...meta }, message),
    },
    helpers: {
      returnJsonArray: (data: IDataObject | IDataObject[]): INodeExecutionData[] =>
        (Array.isArray(data) ? data : [data]).map((json) => ({ json })),
      constructExecutionMetaData: (
        data: INodeExecutionData[],
        meta: { itemData: { item: number } | Array<{ item: number }> },
      ) => data.map((item) => ({ ...item, pairedItem: meta.itemData })),
      hookline: options.hookline,
    },
  };
  return new Proxy(context, {
    get(target, property, receiver) {
      if (property in target || typeof property === 'symbol' || property === 'then')
        return Reflect.get(target, property, receiver);
      throw new NodeOperationError(
        node as never,
        `The engine does not provide this.${String(property)}() to nodes yet`,
      );
    },
  }) as unknown as IExecuteFunctions;
}
