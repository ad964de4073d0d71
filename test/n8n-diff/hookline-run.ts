/**
 * Runs a differential case in Hookline the way the engine runs a workflow: the case's workflow
 * (scripts/n8n-diff-cases.mjs, the graph n8n ran) validated by the loader against the engine's
 * registry and run by the graph runner from its Manual Trigger. Two test-only node types stand in
 * for the harness: a feed emits a feed's items where n8n had a Code node, and a capture, wired to
 * every output of every case node, keeps what each output carried (the runner follows an output only
 * when it has items, so an output never captured was empty, as in n8n).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType } from 'n8n-workflow';
import { pino } from 'pino';
import { loadWorkflowTexts } from '../../engine/workflow/loader.js';
import { createNodeTypeRegistry } from '../../engine/workflow/node-types.js';
import { runGraph } from '../../engine/workflow/runner.js';
import type { NodeTypeRegistry, WorkflowConnections } from '../../engine/workflow/types.js';
import type { HooklineNodeHelpers } from '../../engine/node-contract/helpers.js';
import {
  caseWorkflow,
  TRIGGER_NAME,
  type CaseNode,
  type Golden,
  type LoadedCase,
} from '../../scripts/n8n-diff-cases.mjs';
import { testNodeType } from '../fixtures/node-types.js';
import { DEFAULTS } from '../../engine/config.js';
import { createCoreNodeServices } from '../../engine/workflow/core-nodes/services.js';
import { startHttpFixture } from './http-fixture.mjs';

const FEED_TYPE = 'hooklineTest.diffFeed';
const CAPTURE_TYPE = 'hooklineTest.diffCapture';
const CAPTURE_PREFIX = '⟨capture⟩ ';

/** What a run of a case gave: each case node's outputs as JSON, and the error that stopped it. */
export interface HooklineOutcome {
  outputs: Record<string, IDataObject[][]>;
  error?: { node: string; message: string };
}

/** Captured items per execution id, node and output index. */
const captured = new Map<string, Map<string, IDataObject[][]>>();

/** Declared parameters: n8n's Workflow (built for expressions) keeps only a node's declared parameters. */
function harnessProperties(...properties: Array<Pick<INodeProperties, 'name' | 'type' | 'default'>>) {
  return { properties: properties.map((property) => ({ displayName: property.name, ...property })) };
}

const feedType = testNodeType(
  'diffFeed',
  async function (this: IExecuteFunctions) {
    // Read raw, not through getNodeParameter: a fed string starting with '=' is data, not an expression.
    const items = this.getNode().parameters.items as unknown as INodeExecutionData[];
    return [structuredClone(items).map((item) => ({ json: item.json }))];
  },
  harnessProperties({ name: 'items', type: 'json', default: [] }),
);

const captureType = testNodeType(
  'diffCapture',
  async function (this: IExecuteFunctions) {
    const { source, output } = this.getNode().parameters as { source: string; output: number };
    const byNode = captured.get(this.getExecutionId()) ?? new Map<string, IDataObject[][]>();
    captured.set(this.getExecutionId(), byNode);
    const outputs = byNode.get(source) ?? [];
    // JSON round trip: what n8n's run data holds (dates as ISO strings, no undefined members).
    const items = this.getInputData().map((item) => JSON.parse(JSON.stringify(item.json)) as IDataObject);
    outputs[output] = [...(outputs[output] ?? []), ...items];
    byNode.set(source, outputs);
    return [];
  },
  harnessProperties({ name: 'source', type: 'string', default: '' }, { name: 'output', type: 'number', default: 0 }),
);

/** The engine's registry (built-ins and core nodes) plus the two harness types. */
export function diffRegistry(): NodeTypeRegistry {
  return createNodeTypeRegistry({ [FEED_TYPE]: feedType, [CAPTURE_TYPE]: captureType });
}

/** Why Hookline cannot run a case yet (a node type or version it does not implement), or null. */
export function unsupportedReason(loaded: LoadedCase, registry: NodeTypeRegistry): string | null {
  for (const node of loaded.spec.nodes) {
    const nodeType = registry.get(node.type);
    if (!nodeType) return `${node.type} is not implemented`;
    const versions = [nodeType.description.version].flat();
    if (!versions.includes(node.typeVersion))
      return `${node.type} v${node.typeVersion} is not implemented (has v${versions.join(', v')})`;
  }
  return null;
}

/** Outputs to capture: the declared ones, wired ones, n8n's, and the error output if the node has one. */
function outputCount(node: CaseNode, nodeType: INodeType | undefined, connections: number, golden: number): number {
  const { outputs } = nodeType?.description ?? {};
  const errorOutput = node.onError === 'continueErrorOutput' ? 1 : 0;
  return Math.max((Array.isArray(outputs) ? outputs.length : 1) + errorOutput, connections, golden);
}

/** Wires a capture node in front of every output of every case node. */
function withCaptures(
  definition: ReturnType<typeof caseWorkflow>,
  loaded: LoadedCase,
  golden: Golden,
  registry: NodeTypeRegistry,
) {
  const connections = definition.connections as WorkflowConnections;
  const captures = loaded.spec.nodes.flatMap((node) => {
    const wired = connections[node.name]?.main ?? [];
    const count = outputCount(node, registry.get(node.type), wired.length, golden.outputs[node.name]?.length ?? 0);
    return Array.from({ length: count }, (_, output) => {
      const name = `${CAPTURE_PREFIX}${node.name} ${output}`;
      connections[node.name] ??= { main: [] };
      const targets = (connections[node.name].main ??= []);
      while (targets.length <= output) targets.push([]);
      targets[output] = [{ node: name, type: 'main', index: 0 }, ...(targets[output] ?? [])];
      return {
        id: name,
        name,
        type: CAPTURE_TYPE,
        typeVersion: 1,
        position: [0, 0] as [number, number],
        parameters: { source: node.name, output },
      };
    });
  });
  return { ...definition, nodes: [...definition.nodes, ...captures], connections };
}

const silent = pino({ level: 'silent' });

/** Runs one case; throws when the loader refuses the workflow (a node's parameters, say). */
export async function runCaseInHookline(
  loaded: LoadedCase,
  golden: Golden,
  registry: NodeTypeRegistry,
): Promise<HooklineOutcome> {
  const executionId = `diff-${loaded.id}-${Math.random().toString(36).slice(2)}`;
  const base = caseWorkflow(loaded, {
    id: `diff-${loaded.id.replace(/[^A-Za-z0-9_-]/g, '-')}`,
    sourceNode: (name, items, position) => ({ name, type: FEED_TYPE, typeVersion: 1, position, parameters: { items } }),
  });
  const definition = withCaptures(base, loaded, golden, registry);
  const { workflows, problems } = loadWorkflowTexts(
    [{ file: `${loaded.id}.json`, text: JSON.stringify(definition) }],
    registry,
  );
  if (problems.length > 0)
    throw new Error(`the loader refused the case: ${problems.map((p) => `${p.pointer}: ${p.message}`).join('; ')}`);
  if (loaded.id.startsWith('http/')) await (httpFixture ??= startHttpFixture());
  try {
    const result = await runGraph({
      workflow: workflows[0],
      registry,
      executionId,
      startNode: TRIGGER_NAME,
      startOutput: [[{ json: {} }]],
      resolveCredential: async (type) => {
        throw new Error(`differential cases use no credentials (asked for ${type})`);
      },
      hookline: noHookline(executionId),
      log: silent,
    });
    const outputs = Object.fromEntries(
      [...(captured.get(executionId) ?? new Map<string, IDataObject[][]>())].map(([node, items]) => [
        node,
        Array.from(items, (list) => list ?? []),
      ]),
    );
    return result.error ? { outputs, error: { node: result.error.node, message: result.error.message } } : { outputs };
  } finally {
    captured.delete(executionId);
  }
}

/** Differential cases run no Hookline nodes; a node asking for these services is a harness bug. */
function noHookline(executionId: string): HooklineNodeHelpers {
  const refuse = async (): Promise<never> => {
    throw new Error('differential cases have no Hookline services');
  };
  return {
    executionId,
    workflowId: 'diff',
    sendWebhook: refuse,
    emitEvent: refuse,
    setResponse: () => undefined,
    core: coreServices,
  };
}

/** The HTTP Request node's cases call the fixture server on 127.0.0.1, so private targets are allowed here. */
const coreServices = createCoreNodeServices({ ...DEFAULTS, allowPrivateTargets: true }, silent);
let httpFixture: Promise<unknown> | undefined;
