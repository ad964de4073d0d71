/**
 * Checks a workflow definition and names every problem by JSON pointer: the schema, then the
 * graph (unknown node types, duplicate names, dangling connections, cycles, missing required
 * parameters), then, across a set of workflows, two triggers on one method and path.
 */
import type { INodeProperties } from 'n8n-workflow';
import { validateWorkflowSchema } from './schema.js';
import { isTriggerType, parameterOrDefault } from './node-types.js';
import { WEBHOOK_NODE_TYPE } from './core-nodes/webhook/webhook-params.js';
import { nodeCheckMessages } from './node-checks.js';
import { triggerRoutes } from './routes.js';
import type { NodeTypeRegistry, WorkflowDefinition, WorkflowNodeDefinition } from './types.js';

export interface WorkflowProblem {
  /** The file, when the workflow came from one. */
  file?: string;
  /** JSON pointer into the workflow (`/nodes/2/type`). */
  pointer: string;
  message: string;
}

const escapePointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

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
    ...checkConnections(workflow),
    ...checkCycles(workflow),
    ...checkWebhookPaths(workflow, registry),
  ];
}

/** An n8n Webhook node Hookline cannot serve: a `:name` path without `webhookId`, or a path or method given as an expression. */
function checkWebhookPaths(workflow: WorkflowDefinition, registry: NodeTypeRegistry): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  workflow.nodes.forEach((node, index) => {
    if (node.type !== WEBHOOK_NODE_TYPE || node.disabled || !registry.has(node.type)) return;
    if (triggerRoutes(node, workflow.id ?? '', registry).length > 0) return;
    problems.push({
      pointer: `/nodes/${index}/parameters/path`,
      message: `webhook node '${node.name}' cannot be served: its path and method must be static text, and a path with ':name' segments needs the node's webhookId`,
    });
  });
  return problems;
}

function checkNodes(workflow: WorkflowDefinition, registry: NodeTypeRegistry): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  const seen = new Map<string, number>();
  workflow.nodes.forEach((node, index) => {
    const first = seen.get(node.name);
    if (first !== undefined)
      problems.push({
        pointer: `/nodes/${index}/name`,
        message: `duplicate node name '${node.name}' (also /nodes/${first}/name)`,
      });
    else seen.set(node.name, index);
    const nodeType = registry.get(node.type);
    if (!nodeType) {
      problems.push({ pointer: `/nodes/${index}/type`, message: `unknown node type '${node.type}'` });
      return;
    }
    for (const name of missingRequired(nodeType.description.properties, node)) {
      problems.push({
        pointer: `/nodes/${index}/parameters/${escapePointer(name)}`,
        message: `node '${node.name}' is missing required parameter '${name}'`,
      });
    }
    for (const message of nodeCheckMessages(nodeType, node, workflow))
      problems.push({ pointer: `/nodes/${index}/parameters`, message });
  });
  if (!workflow.nodes.some((node) => registry.get(node.type) && isTriggerType(registry.get(node.type)!))) {
    problems.push({ pointer: '/nodes', message: 'workflow has no trigger node, so nothing can start it' });
  }
  return problems;
}

function missingRequired(properties: INodeProperties[], node: WorkflowNodeDefinition): string[] {
  const description = { properties } as Parameters<typeof parameterOrDefault>[0];
  return properties
    .filter((property) => property.required && isShown(property, node, description))
    .filter((property) => {
      const value = parameterOrDefault(description, node.parameters, property.name);
      return value === undefined || value === null || value === '';
    })
    .map((property) => property.name);
}

/** n8n's displayOptions: a parameter hidden by the others' values is not required. */
function isShown(
  property: INodeProperties,
  node: WorkflowNodeDefinition,
  description: Parameters<typeof parameterOrDefault>[0],
): boolean {
  const valueOf = (name: string): unknown =>
    name === '@version' ? node.typeVersion : parameterOrDefault(description, node.parameters, name);
  const { show, hide } = property.displayOptions ?? {};
  for (const [name, allowed] of Object.entries(show ?? {})) {
    if (Array.isArray(allowed) && !allowed.includes(valueOf(name) as never)) return false;
  }
  for (const [name, denied] of Object.entries(hide ?? {})) {
    if (Array.isArray(denied) && denied.includes(valueOf(name) as never)) return false;
  }
  return true;
}

function checkConnections(workflow: WorkflowDefinition): WorkflowProblem[] {
  const names = new Set(workflow.nodes.map((node) => node.name));
  const problems: WorkflowProblem[] = [];
  for (const [source, outputs] of Object.entries(workflow.connections)) {
    const base = `/connections/${escapePointer(source)}`;
    if (!names.has(source)) problems.push({ pointer: base, message: `connection from unknown node '${source}'` });
    outputs.main.forEach((targets, outputIndex) => {
      (targets ?? []).forEach((target, targetIndex) => {
        if (!names.has(target.node)) {
          problems.push({
            pointer: `${base}/main/${outputIndex}/${targetIndex}/node`,
            message: `connection from '${source}' to unknown node '${target.node}'`,
          });
        }
      });
    });
  }
  return problems;
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
