/**
 * Runs n8n node JSON through the engine's real graph runner, fed from a manual trigger, the way
 * a differential case runs: `runNodes(nodes, items)` returns the last node's items or the error.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { testNodeType } from '../../../fixtures/node-types.js';
import { toLoaded } from '../../../../engine/workflow/loader.js';
import { createNodeTypeRegistry } from '../../../../engine/workflow/node-types.js';
import { runGraph } from '../../../../engine/workflow/runner.js';
import type { WorkflowDefinition, WorkflowNodeDefinition } from '../../../../engine/workflow/types.js';
import { createLogger } from '../../../../engine/logger.js';
import type { HooklineNodeHelpers } from '../../../../engine/node-contract/helpers.js';

export type CaseNode = Partial<WorkflowNodeDefinition> & Pick<WorkflowNodeDefinition, 'name' | 'type' | 'typeVersion'>;

export interface NodesResult {
  items: Array<Record<string, unknown>>;
  error?: { node: string; message: string };
}

const registry = createNodeTypeRegistry();

const noServices = new Proxy({} as HooklineNodeHelpers, {
  get(_target, property) {
    throw new Error(`these nodes use no engine service (asked for ${String(property)})`);
  },
});

/**
 * Runs `nodes` as a chain (unless `connections` are given) after a trigger that emits `input`, in a
 * workflow with `settings` (none unless given).
 */
export async function runNodes(
  nodes: CaseNode[],
  input: Array<Record<string, unknown>>,
  connections?: WorkflowDefinition['connections'],
  settings?: WorkflowDefinition['settings'],
): Promise<NodesResult> {
  return runItems(
    nodes,
    input.map((json) => ({ json }) as INodeExecutionData),
    connections,
    registry,
    settings,
  );
}

/** Items captured after the last node, whole (binary included), by a test-only capture node. */
const captured: INodeExecutionData[][] = [];
const CAPTURE = 'hooklineTest.coreNodesCapture';
const captureRegistry = createNodeTypeRegistry({
  [CAPTURE]: testNodeType('coreNodesCapture', async function (this: IExecuteFunctions) {
    captured.push(this.getInputData());
    return [[]];
  }),
});

/** Runs a chain of `nodes` on whole items (JSON and binary) and returns the last node's items. */
export async function runWholeItems(nodes: CaseNode[], input: INodeExecutionData[]): Promise<INodeExecutionData[]> {
  const capture: CaseNode = { name: 'Capture', type: CAPTURE, typeVersion: 1 };
  captured.length = 0;
  const result = await runItems([...nodes, capture], input, undefined, captureRegistry);
  if (result.error) throw new Error(`${result.error.node}: ${result.error.message}`);
  return captured.flat();
}

async function runItems(
  nodes: CaseNode[],
  input: INodeExecutionData[],
  connections?: WorkflowDefinition['connections'],
  types = registry,
  settings?: WorkflowDefinition['settings'],
): Promise<NodesResult> {
  const definition: WorkflowDefinition = {
    name: 'case',
    ...(settings && { settings }),
    nodes: [
      {
        id: 'start',
        name: 'Start',
        type: 'n8n-nodes-base.manualTrigger',
        typeVersion: 1,
        position: [0, 0],
        parameters: {},
      },
      ...nodes.map((node, index) => ({
        id: `n${index}`,
        position: [index * 200, 0] as [number, number],
        parameters: {},
        ...node,
      })),
    ],
    connections: connections ?? chainOf(['Start', ...nodes.map((node) => node.name)]),
  };
  const workflow = toLoaded(structuredClone(definition), null);
  const startOutput: INodeExecutionData[][] = [structuredClone(input)];
  const result = await runGraph({
    workflow,
    registry: types,
    executionId: 'exec_case',
    startNode: 'Start',
    startOutput,
    resolveCredential: async () => null,
    hookline: noServices,
    log: createLogger('silent'),
  });
  const last = result.ends[result.ends.length - 1];
  return {
    items: JSON.parse(JSON.stringify(last?.items ?? [])) as Array<Record<string, unknown>>,
    ...(result.error ? { error: { node: result.error.node, message: result.error.message } } : {}),
  };
}

function chainOf(names: string[]): WorkflowDefinition['connections'] {
  const connections: WorkflowDefinition['connections'] = {};
  for (let i = 0; i < names.length - 1; i++)
    connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
  return connections;
}
