/**
 * Runs one node of a workflow in n8n's JSON shape through the engine's real loader and graph
 * runner, fed by a Manual Trigger with the given items, and returns what each output carried.
 * Outputs are caught by test-only capture nodes wired to every output, as the runner only
 * follows an output that has items.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { pino } from 'pino';
import { loadWorkflowTexts } from '../../../../engine/workflow/loader.js';
import { createNodeTypeRegistry } from '../../../../engine/workflow/node-types.js';
import { runGraph, type RunResult } from '../../../../engine/workflow/runner.js';
import type { WorkflowDefinition, WorkflowNodeDefinition } from '../../../../engine/workflow/types.js';
import { testNodeType } from '../../../fixtures/node-types.js';
import { node } from '../../../fixtures/workflows.js';

const CAPTURE = 'hooklineTest.capture';
const captured = new Map<string, IDataObject[]>();
const captureType = testNodeType(CAPTURE, async function (this: IExecuteFunctions) {
  const items = this.getInputData();
  captured.set(this.getNode().name, [...(captured.get(this.getNode().name) ?? []), ...items.map((i) => i.json)]);
  return [items];
});
const registry = createNodeTypeRegistry({ [CAPTURE]: captureType });

export interface NodeRun {
  result: RunResult;
  /** Items per output of the node under test (an output nothing reached is empty). */
  outputs: IDataObject[][];
}

/** Runs `tested` (a node in n8n's JSON shape, without id or position) on `items`, capturing `outputCount` outputs. */
export async function runNode(
  tested: Pick<WorkflowNodeDefinition, 'name' | 'type' | 'typeVersion' | 'parameters'> &
    Partial<WorkflowNodeDefinition>,
  items: IDataObject[],
  outputCount = 2,
): Promise<NodeRun> {
  const captures = Array.from({ length: outputCount }, (_, i) => node(`out ${i} ${Math.random()}`, CAPTURE));
  const definition: WorkflowDefinition = {
    name: 'condition test',
    nodes: [node('Start', 'n8n-nodes-base.manualTrigger'), { id: 'tested', position: [0, 0], ...tested }, ...captures],
    connections: {
      Start: { main: [[{ node: tested.name, type: 'main', index: 0 }]] },
      [tested.name]: { main: captures.map((capture) => [{ node: capture.name, type: 'main', index: 0 }]) },
    },
  };
  const { workflows, problems } = loadWorkflowTexts([{ file: 'w.json', text: JSON.stringify(definition) }], registry);
  if (problems.length > 0) throw new Error(problems.map((p) => `${p.pointer}: ${p.message}`).join('; '));
  const result = await runGraph({
    workflow: workflows[0],
    registry,
    executionId: 'exec_test',
    startNode: 'Start',
    startOutput: [items.map((json): INodeExecutionData => ({ json }))],
    resolveCredential: async () => null,
    hookline: {
      executionId: 'exec_test',
      workflowId: 'w',
      sendWebhook: async () => Promise.reject(new Error('no services')),
      emitEvent: async () => Promise.reject(new Error('no services')),
      setResponse: () => undefined,
    },
    log: pino({ level: 'silent' }),
  });
  const outputs = captures.map((capture) => captured.get(capture.name) ?? []);
  for (const capture of captures) captured.delete(capture.name);
  return { result, outputs };
}
