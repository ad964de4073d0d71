/**
 * Checks a workflow definition and names every problem by JSON pointer: the schema, then the
 * graph (unsupported node types and versions, duplicate names, dangling connections, connection
 * types other than `main`, cycles, missing required parameters), then, across a set of workflows,
 * two triggers on one method and path. `workflowWarnings` lists what loads but behaves differently
 * from what the file asks (n8n's legacy execution order, pinned data).
 */
import { validateWorkflowSchema } from './schema.js';
import { checkNodes, escapePointer, unsupportedType } from './validate-nodes.js';
import { WEBHOOK_NODE_TYPE } from './core-nodes/webhook/webhook-params.js';
import { triggerRoutes } from './routes.js';
import type { NodeTypeRegistry, WorkflowDefinition, WorkflowNodeDefinition } from './types.js';

export interface WorkflowProblem {
  /** The file, when the workflow came from one. */
  file?: string;
  /** JSON pointer into the workflow (`/nodes/2/type`). */
  pointer: string;
  message: string;
}

export function validateWorkflow(input: unknown, registry: NodeTypeRegistry): WorkflowProblem[] {
  if (!validateWorkflowSchema(input)) {
    return (validateWorkflowSchema.errors ?? []).map((error) => ({
      pointer: error.instancePath || '/',
      message:
        error.keyword === 'required'
          ? `missing required property '${String(error.params.missingProperty)}'`
          : (error.message ?? 'is invalid'),
    }));
  }
  const workflow = input as unknown as WorkflowDefinition;
  return [
    ...checkNodes(workflow, registry),
    ...checkConnections(workflow, registry),
    ...checkCycles(workflow),
    ...checkWebhookPaths(workflow, registry),
  ];
}

/** An n8n Webhook node Hookline cannot serve: a `:name` path without `webhookId`, or a path or method given as an expression. */
function checkWebhookPaths(workflow: WorkflowDefinition, registry: NodeTypeRegistry): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  workflow.nodes.forEach((node, index) => {
    if (node.type !== WEBHOOK_NODE_TYPE || node.disabled || !registry.has(node.type)) return;
    if (triggerRoutes(node, String(workflow.id ?? ''), registry).length > 0) return;
    problems.push({
      pointer: `/nodes/${index}/parameters/path`,
      message: `webhook node '${node.name}' cannot be served: its path and method must be static text, and a path with ':name' segments needs the node's webhookId`,
    });
  });
  return problems;
}

function checkConnections(workflow: WorkflowDefinition, registry: NodeTypeRegistry): WorkflowProblem[] {
  const nodes = new Map(workflow.nodes.map((node) => [node.name, node]));
  const problems: WorkflowProblem[] = [];
  for (const [source, types] of Object.entries(workflow.connections)) {
    const base = `/connections/${escapePointer(source)}`;
    if (!nodes.has(source)) problems.push({ pointer: base, message: `connection from unknown node '${source}'` });
    for (const [type, outputs] of Object.entries(types)) {
      if (type !== 'main' && outputs.some((targets) => targets && targets.length > 0)) {
        problems.push({
          pointer: `${base}/${escapePointer(type)}`,
          message: `connection type '${type}' from '${source}' is not supported: the engine runs 'main' connections only (n8n's AI sub-nodes use the others)`,
        });
        continue;
      }
      outputs.forEach((targets, outputIndex) => {
        (targets ?? []).forEach((target, targetIndex) => {
          const pointer = `${base}/${escapePointer(type)}/${outputIndex}/${targetIndex}/node`;
          const problem = connectionProblem(source, target.node, nodes, registry);
          if (problem) problems.push({ pointer, message: problem });
        });
      });
    }
  }
  return problems;
}

/** A target that does not exist, or an end that takes no connections (a trigger's input, a sticky note). */
function connectionProblem(
  source: string,
  target: string,
  nodes: ReadonlyMap<string, WorkflowNodeDefinition>,
  registry: NodeTypeRegistry,
): string | null {
  if (!nodes.has(target)) return `connection from '${source}' to unknown node '${target}'`;
  const ends = [
    { name: source, side: 'outputs' as const },
    { name: target, side: 'inputs' as const },
  ];
  for (const { name, side } of ends) {
    const node = nodes.get(name);
    const declared = node && registry.get(node.type)?.description[side];
    if (Array.isArray(declared) && declared.length === 0)
      return `connection from '${source}' to '${target}': node '${name}' (${node!.type}) has no ${side}`;
  }
  return null;
}

function checkCycles(workflow: WorkflowDefinition): WorkflowProblem[] {
  const state = new Map<string, 'visiting' | 'done'>();
  const children = (name: string): string[] =>
    (workflow.connections[name]?.main ?? []).flatMap((targets) => (targets ?? []).map((t) => t.node));
  const visit = (name: string, path: string[]): string[] | null => {
    if (state.get(name) === 'done') return null;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    for (const child of children(name)) {
      const cycle = visit(child, [...path, name]);
      if (cycle) return cycle;
    }
    state.set(name, 'done');
    return null;
  };
  for (const node of workflow.nodes) {
    const cycle = visit(node.name, []);
    if (cycle)
      return [
        {
          pointer: `/connections/${escapePointer(cycle[0])}`,
          message: `connections form a cycle: ${cycle.join(' -> ')}`,
        },
      ];
  }
  return [];
}

/**
 * What a valid workflow asks for that the engine does differently, said once at load: n8n's legacy
 * (`v0`) execution order (the engine runs v1 only), pinned data (n8n uses it in manual test runs
 * only, as the engine never does), a disabled node of a type the engine lacks (passed through).
 */
export function workflowWarnings(workflow: WorkflowDefinition, registry: NodeTypeRegistry): WorkflowProblem[] {
  const warnings: WorkflowProblem[] = [];
  const order = workflow.settings?.executionOrder;
  if (order !== undefined && order !== 'v1')
    warnings.push({
      pointer: '/settings/executionOrder',
      message: `execution order '${String(order)}' is not supported; the workflow runs in n8n's v1 order (branches one after another, top to bottom)`,
    });
  const pinned = workflow.pinData;
  if (pinned && typeof pinned === 'object' && Object.keys(pinned).length > 0)
    warnings.push({
      pointer: '/pinData',
      message: 'pinned data is ignored: as in n8n, only test runs in its editor use it',
    });
  workflow.nodes.forEach((node, index) => {
    if (node.disabled && unsupportedType(node, registry))
      warnings.push({
        pointer: `/nodes/${index}/type`,
        message: `disabled node '${node.name}' has type '${node.type}' version ${node.typeVersion ?? 1}, which the engine does not support; while disabled it passes its items on`,
      });
  });
  return warnings;
}

export interface NamedWorkflow {
  file?: string;
  id: string;
  definition: WorkflowDefinition;
}

/** Two trigger nodes listening on the same method and path, in one workflow or across several. */
export function checkTriggerClashes(
  workflows: readonly NamedWorkflow[],
  registry: NodeTypeRegistry,
): WorkflowProblem[] {
  const owners = new Map<string, string>();
  const problems: WorkflowProblem[] = [];
  for (const { file, id, definition } of workflows) {
    definition.nodes.forEach((node, index) => {
      for (const route of triggerRoutes(node, id, registry)) {
        const key = `${route.method} ${route.path}`;
        const owner = owners.get(key);
        const here = `${file ?? id}#/nodes/${index}`;
        if (owner)
          problems.push({
            file,
            pointer: `/nodes/${index}`,
            message: `two triggers on ${key}: this node and ${owner}`,
          });
        else owners.set(key, here);
      }
    });
  }
  return problems;
}
