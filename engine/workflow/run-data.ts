/**
 * What the lifecycle events read from a run: the request the trigger received, the conversation it
 * belongs to, and the fields the workflow's output sets for the seeds' event data.
 *
 * A workflow sets event fields through its output: the first item the last node produces (a Set
 * node at the end, say) may carry `custom_data` (→ `workflow.completed`), `credits_used`
 * (→ `workflow.execution.completed` and the conversation's total), and for agents `reply`,
 * `satisfaction_score`, `resolution` and `user_id` (→ `agent.message.sent` and
 * `agent.conversation.completed`). A field the output leaves out is taken from the request body
 * when it has one there (`user_id` of seed 002's agent request), else it is null.
 */
import type { ExecutionRecord, ConversationKey } from '../store/types.js';
import type { RunResult } from './runner.js';
import type { LoadedWorkflow } from './types.js';

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The request body a trigger received. A webhook execution's input is the trigger's items
 * (`[{ body, headers, query, params }]`); a manual run's input is its items as given.
 */
export function triggerBody(execution: ExecutionRecord): unknown {
  const input = execution.input;
  const first = Array.isArray(input) ? input[0] : input;
  if (execution.kind !== 'manual' && first && typeof first === 'object' && 'body' in first)
    return (first as { body: unknown }).body;
  return Array.isArray(input) && input.length === 1 ? input[0] : input;
}

/** Seed 002's `input_data` when the body has it, else the whole body. */
export function inputData(execution: ExecutionRecord): unknown {
  const body = triggerBody(execution);
  return isObject(body) && 'input_data' in body ? body.input_data : body;
}

/** The conversation id the caller gave: `context.conversation_id`, else `metadata.conversation_id`. */
export function callerConversationId(execution: ExecutionRecord): string | null {
  const body = triggerBody(execution);
  if (!isObject(body)) return null;
  const given = (isObject(body.context) && body.context.conversation_id) ?? null;
  const fromMetadata = isObject(body.metadata) ? body.metadata.conversation_id : null;
  const id = given || fromMetadata;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}

/** The conversation of an agent execution: the caller's id, or the execution's own when none was given. */
export function conversationId(execution: ExecutionRecord): string {
  return callerConversationId(execution) ?? execution.id;
}

/** The conversation counter's key, when the caller named the conversation (else each run is its own). */
export function conversationKey(execution: ExecutionRecord, agentId: string | undefined): ConversationKey | null {
  const id = callerConversationId(execution);
  return id && agentId ? { agentId, conversationId: id } : null;
}

/** The fields the workflow's output sets: the first output item. */
export function outputFields(result: RunResult): Fields {
  const first = result.output[0];
  return isObject(first) ? first : {};
}

/** A field of the output, else of the request body, else null. */
export function eventField(result: RunResult, execution: ExecutionRecord, name: string): unknown {
  const output = outputFields(result);
  if (output[name] !== undefined) return output[name];
  const body = triggerBody(execution);
  return isObject(body) && body[name] !== undefined ? body[name] : null;
}

/**
 * Credits a run used: the output's `credits_used` when the workflow sets a number, else one credit
 * per node run (the engine's own measure of work).
 */
export function creditsUsed(result: RunResult): number {
  const set = outputFields(result).credits_used;
  return typeof set === 'number' && Number.isFinite(set) && set >= 0 ? set : result.steps.length;
}

/** `custom_data` of seed 001's `workflow.completed`: the object the output sets, else `{}`. */
export function customData(result: RunResult): Fields {
  const set = outputFields(result).custom_data;
  return isObject(set) ? set : {};
}

/** The agent's reply: the output's `reply`, else the body a Respond node sent, else the output. */
export function agentReply(result: RunResult, responseBody: unknown): unknown {
  const reply = outputFields(result).reply;
  if (reply !== undefined) return reply;
  if (responseBody !== undefined) return responseBody;
  return result.output.length === 1 ? result.output[0] : result.output;
}

/** Seed 001's `integration` of a failed step: the node type's own name (`n8n-nodes-base.salesforce` → `salesforce`). */
export function integrationOf(nodeType: string | undefined): string | null {
  if (!nodeType) return null;
  return nodeType.slice(nodeType.lastIndexOf('.') + 1) || nodeType;
}

/** The agent an execution belongs to: its trigger node's `agentId` (for runs resumed or stopped without the request). */
export function agentIdOf(workflow: LoadedWorkflow, execution: ExecutionRecord): string | undefined {
  if (execution.kind !== 'agent' || !execution.triggerNode) return undefined;
  const id = workflow.nodesByName.get(execution.triggerNode)?.parameters.agentId;
  return typeof id === 'string' ? id : undefined;
}
