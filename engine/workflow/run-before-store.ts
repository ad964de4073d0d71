/**
 * Which workflows may run before their execution is stored. A run whose nodes only read their input
 * and parameters and act on nothing outside the run (no request, no wait, no code, no state kept
 * between runs) can run first and be written once, finished, in the same durable write as its
 * acceptance: one row written instead of a queued row later rewritten. A sender node that publishes
 * an event (`mode: event`) acts only through that write: its events are written with the run
 * (executor.ts). The promise stays: nothing is answered before it is durable, and a crash before
 * the write leaves no trace anywhere, since the run touched nothing else.
 */
import type { LoadedWorkflow, NodeTypeRegistry, WorkflowNodeDefinition } from './types.js';

/** Node types that compute their output from their input and parameters alone. */
const SIDE_EFFECT_FREE_TYPES: ReadonlySet<string> = new Set([
  'hookline.noOp',
  'hookline.set',
  'hookline.if',
  'n8n-nodes-base.noOp',
  'n8n-nodes-base.set',
  'n8n-nodes-base.if',
  'n8n-nodes-base.filter',
  'n8n-nodes-base.switch',
  'n8n-nodes-base.merge',
  'n8n-nodes-base.stickyNote',
  'n8n-nodes-base.aggregate',
  'n8n-nodes-base.limit',
  'n8n-nodes-base.sort',
  'n8n-nodes-base.splitOut',
]);

/** Hookline's sender publishing an event: its only effect is the event row, written with the run. */
const publishesOnly = (node: WorkflowNodeDefinition): boolean =>
  node.type === 'n8n-nodes-hookline.webhookSender' && node.parameters.mode === 'event';

const decided = new WeakMap<LoadedWorkflow, boolean>();

/**
 * True when every node a run of `workflow` can reach is side-effect free. Triggers (no inputs) never
 * run as a child; a retried node is left out (it would sleep between its tries before the reply).
 */
export function runsBeforeStore(workflow: LoadedWorkflow, registry: NodeTypeRegistry): boolean {
  let answer = decided.get(workflow);
  if (answer === undefined) {
    answer = [...workflow.nodesByName.values()].every((node) => {
      if (node.disabled) return true;
      const inputs = registry.get(node.type)?.description.inputs;
      if (Array.isArray(inputs) && inputs.length === 0) return true;
      if (node.retryOnFail) return false;
      return SIDE_EFFECT_FREE_TYPES.has(node.type) || publishesOnly(node);
    });
    decided.set(workflow, answer);
  }
  return answer;
}
