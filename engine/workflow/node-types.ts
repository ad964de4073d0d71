/**
 * The node types the engine runs: its built-ins plus the n8n-style nodes of this package, by
 * the type name a workflow file uses (n8n's `<package>.<name>`).
 */
import type { INodeType, INodeTypeDescription } from 'n8n-workflow';
import { builtinNodeTypes } from './builtins/index.js';
import type { NodeTypeRegistry } from './types.js';

export function createNodeTypeRegistry(extra: Record<string, INodeType> = {}): NodeTypeRegistry {
  const types = new Map<string, INodeType>(Object.entries({ ...builtinNodeTypes(), ...extra }));
  return {
    get: (type) => types.get(type),
    has: (type) => types.has(type),
    names: () => [...types.keys()].sort(),
  };
}

/** The `typeVersion`s a node type implements (`description.version`, a number or a list). */
export function typeVersions(nodeType: INodeType): number[] {
  const { version } = nodeType.description;
  return Array.isArray(version) ? version : [version ?? 1];
}

/** True when the type implements the version (n8n's default version is 1). */
export function supportsVersion(nodeType: INodeType, typeVersion: number | undefined): boolean {
  return typeVersions(nodeType).includes(typeVersion ?? 1);
}

/** Every type the registry runs with its versions, for refusal messages: `n8n-nodes-base.merge (3, 3.1, 3.2)`. */
export function describeSupportedTypes(registry: NodeTypeRegistry): string {
  return registry
    .names()
    .map((name) => `${name} (${typeVersions(registry.get(name)!).join(', ')})`)
    .join(', ');
}

export function isTriggerType(nodeType: INodeType): boolean {
  const { description } = nodeType;
  // A type with no outputs (n8n's Sticky Note) starts nothing, though it takes no inputs either.
  if (Array.isArray(description.outputs) && description.outputs.length === 0) return false;
  return (
    description.group.includes('trigger') ||
    Boolean(description.webhooks?.length) ||
    (Array.isArray(description.inputs) && description.inputs.length === 0)
  );
}

/**
 * The parameter's value, or its declared default when the workflow leaves it out. A nested name
 * (`rules.values[0].conditions`, as n8n's `getNodeParameter` takes it) is read along its path.
 */
export function parameterOrDefault(
  description: INodeTypeDescription,
  parameters: Record<string, unknown>,
  name: string,
): unknown {
  if (name in parameters) return parameters[name];
  const [root, ...path] = name.split(/[.[\]]+/).filter(Boolean);
  const value = root in parameters ? parameters[root] : description.properties.find((p) => p.name === root)?.default;
  return path.length === 0 ? value : readParameterPath(value, path);
}

function readParameterPath(start: unknown, path: string[]): unknown {
  let value = start;
  for (const step of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, step)) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

/** n8n's `getNodeParameter(name, fallback)` without expressions: the value, else its declared default, else `fallback`. */
export function nodeParameter(
  description: INodeTypeDescription,
  parameters: Record<string, unknown>,
  name: string,
  fallback?: unknown,
): unknown {
  const value = parameterOrDefault(description, parameters, name);
  return value === undefined ? fallback : value;
}
