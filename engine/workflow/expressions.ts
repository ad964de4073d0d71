/**
 * n8n-style expressions (`={{ $json.name }}`) evaluated by n8n-workflow itself, so a workflow
 * behaves the same here as in n8n. One n8n `Workflow` object per loaded workflow, made lazily.
 */
import type {
  IExecuteData,
  INodeExecutionData,
  INodeTypes,
  IRunExecutionData,
  NodeParameterValueType,
  Workflow as N8nWorkflow,
} from 'n8n-workflow';
import { Workflow } from '../node-contract/n8n-runtime.js';
import { NOT_PLAIN, resolvePlainReads } from './simple-expressions.js';
import { workflowTimezone } from './timezone.js';
import type { LoadedWorkflow, NodeTypeRegistry } from './types.js';

const cache = new WeakMap<LoadedWorkflow, N8nWorkflow>();

export function n8nWorkflowFor(workflow: LoadedWorkflow, registry: NodeTypeRegistry): N8nWorkflow {
  let instance = cache.get(workflow);
  if (!instance) {
    const nodeTypes = {
      getByName: (type: string) => registry.get(type),
      getByNameAndVersion: (type: string) => registry.get(type),
      getKnownTypes: () => ({}),
    } as unknown as INodeTypes;
    instance = new Workflow({
      id: workflow.id,
      name: workflow.name,
      nodes: workflow.definition.nodes as never,
      connections: workflow.definition.connections as never,
      active: workflow.active,
      nodeTypes,
      // n8n's expressions make their dates ($now, $today, DateTime) in the workflow's zone, else in
      // n8n's default (America/New_York): the zone the nodes' getTimezone() gives is named here.
      settings: { timezone: workflowTimezone(workflow.definition) },
    });
    cache.set(workflow, instance);
  }
  return instance;
}

/** True when a parameter holds an expression anywhere inside it. */
export function hasExpression(value: unknown): boolean {
  if (typeof value === 'string') return value.startsWith('=');
  if (Array.isArray(value)) return value.some(hasExpression);
  if (value && typeof value === 'object') return Object.values(value).some(hasExpression);
  return false;
}

export interface ExpressionScope {
  n8nWorkflow: N8nWorkflow;
  runExecutionData: IRunExecutionData;
  nodeName: string;
  items: INodeExecutionData[];
  itemIndex: number;
  executionId: string;
  /** The running node's inputs and their sources: without it `$('Node').item` cannot find its item. */
  executeData?: IExecuteData;
}

export function evaluateParameter(value: unknown, scope: ExpressionScope): unknown {
  if (!hasExpression(value)) return value;
  const plain = resolvePlainReads(value, scope.items[scope.itemIndex]?.json);
  if (plain !== NOT_PLAIN) return plain;
  return scope.n8nWorkflow.expression.getParameterValue(
    value as NodeParameterValueType,
    scope.runExecutionData,
    0,
    scope.itemIndex,
    scope.nodeName,
    scope.items,
    'webhook',
    { $executionId: scope.executionId },
    scope.executeData,
  );
}
