/**
 * The per-node checks of `validate.ts`: a type and version the engine runs (else a refusal that
 * names the node, its type and version, and what the engine supports), required parameters, the
 * type's own checks (`node-checks.ts`), and a trigger to start the workflow.
 */
import type { INodeProperties } from 'n8n-workflow';
import {
  describeSupportedTypes,
  isTriggerType,
  parameterOrDefault,
  supportsVersion,
  typeVersions,
} from './node-types.js';
import { nodeCheckMessages } from './node-checks.js';
import type { NodeTypeRegistry, WorkflowDefinition, WorkflowNodeDefinition } from './types.js';
import type { WorkflowProblem } from './validate.js';

export const escapePointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export function checkNodes(workflow: WorkflowDefinition, registry: NodeTypeRegistry): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  const seen = new Map<string, number>();
  const unsupported: WorkflowNodeDefinition[] = [];
  workflow.nodes.forEach((node, index) => {
    const first = seen.get(node.name);
    if (first !== undefined)
      problems.push({
        pointer: `/nodes/${index}/name`,
        message: `duplicate node name '${node.name}' (also /nodes/${first}/name)`,
      });
    else seen.set(node.name, index);
    const refusal = unsupportedType(node, registry);
    if (refusal) {
      unsupported.push(node);
      // n8n skips a disabled node's checks and passes its items on; so does the engine (a warning).
      if (!node.disabled) problems.push({ pointer: `/nodes/${index}/${refusal.field}`, message: refusal.message });
      return;
    }
    for (const name of missingRequired(registry.get(node.type)!.description.properties, node)) {
      problems.push({
        pointer: `/nodes/${index}/parameters/${escapePointer(name)}`,
        message: `node '${node.name}' is missing required parameter '${name}'`,
      });
    }
    // The type's own checks: a mode it does not run (Merge's SQL Query, Wait's webhook resume).
    for (const message of nodeCheckMessages(registry.get(node.type)!, node, workflow))
      problems.push({ pointer: `/nodes/${index}/parameters`, message });
  });
  if (!workflow.nodes.some((node) => !node.disabled && isRunnableTrigger(node, registry)))
    problems.push({ pointer: '/nodes', message: noTriggerMessage(workflow, unsupported) });
  return problems;
}

const isRunnableTrigger = (node: WorkflowNodeDefinition, registry: NodeTypeRegistry): boolean => {
  const nodeType = registry.get(node.type);
  return nodeType !== undefined && supportsVersion(nodeType, node.typeVersion) && isTriggerType(nodeType);
};

/** Why the engine cannot run the node's type or version, or null when it can. */
export function unsupportedType(
  node: WorkflowNodeDefinition,
  registry: NodeTypeRegistry,
): { field: 'type' | 'typeVersion'; message: string } | null {
  const nodeType = registry.get(node.type);
  const version = node.typeVersion ?? 1;
  if (nodeType && supportsVersion(nodeType, version)) return null;
  const supported = `the engine supports: ${describeSupportedTypes(registry)}`;
  if (!nodeType)
    return {
      field: 'type',
      message: `unknown node type '${node.type}' (version ${version}) of node '${node.name}'; ${supported}`,
    };
  return {
    field: 'typeVersion',
    message:
      `node '${node.name}' has type '${node.type}' version ${version}, which the engine does not support ` +
      `(it runs versions ${typeVersions(nodeType).join(', ')} of that type); ${supported}`,
  };
}

/** "No trigger", naming the start nodes the engine could not run when that is why. */
function noTriggerMessage(workflow: WorkflowDefinition, unsupported: WorkflowNodeDefinition[]): string {
  const base = 'workflow has no trigger node, so nothing can start it';
  const targets = new Set(
    Object.values(workflow.connections)
      .flatMap((types) =>
        Object.values(types ?? {}).flatMap((outputs) => (outputs ?? []).flatMap((targets) => targets ?? [])),
      )
      .map((target) => target.node),
  );
  const starts = unsupported.filter((node) => !targets.has(node.name));
  if (starts.length === 0) return base;
  const named = starts.map((node) => `'${node.name}' (${node.type} version ${node.typeVersion ?? 1})`).join(', ');
  return `${base}: its start node${starts.length > 1 ? 's' : ''} ${named} ${starts.length > 1 ? 'have' : 'has'} a type or version the engine does not support`;
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
