/**
 * The events an execution emits, with data in the seeds' shapes. Where seeds disagree the data
 * carries both spellings (seed 001's `workflow: {…}` and seed 003's `workflowId`; seed 002's
 * `workflow_id`), so every documented receiver finds the fields it expects.
 */
import { createEvent, type EventEnvelope } from '../events/envelope.js';
import type { ExecutionRecord } from '../store/types.js';
import type { RunResult, StepResult } from './runner.js';
import type { LoadedWorkflow } from './types.js';
import { agentFailedEvent, agentStoppedEvent, agentSucceededEvents, type AgentEnding } from './agent-events.js';
import { conversationId, creditsUsed, customData, inputData, integrationOf, triggerBody } from './run-data.js';

export interface ExecutionSubject {
  workflow: LoadedWorkflow;
  execution: ExecutionRecord;
  /** The agent id when an agent trigger started the execution. */
  agentId?: string;
  /**
   * Whether anything would take an event of this type (`GroupCommitter.wants`): a workflow event no
   * webhook takes is not even built. @defaultValue every type
   */
  wants?: (type: string) => boolean;
}

/** `[event]` when the subject wants its type, else `[]`: its data is built only when wanted. */
function wanted(
  subject: ExecutionSubject,
  type: string,
  data: () => unknown,
  metadata?: Record<string, unknown>,
): EventEnvelope[] {
  return subject.wants && !subject.wants(type) ? [] : [createEvent(type, data(), metadata)];
}

const metadataOf = (subject: ExecutionSubject): Record<string, unknown> | undefined => {
  const source = subject.execution.metadata?.trigger_source;
  return source ? { source } : undefined;
};

/** Emitted when a trigger accepts a request (before the run). */
export function acceptedEvents(subject: ExecutionSubject): EventEnvelope[] {
  const { workflow, execution, agentId } = subject;
  const base = {
    workflow_id: workflow.id,
    workflowId: workflow.id,
    execution_id: execution.id,
    executionId: execution.id,
  };
  if (execution.kind === 'agent') {
    const input = (triggerBody(execution) ?? {}) as Record<string, unknown>;
    return [
      createEvent(
        'agent.message.received',
        {
          ...base,
          agent_id: agentId,
          agentId,
          conversation_id: conversationId(execution),
          message: input.message,
          user_id: input.user_id,
          metadata: input.metadata,
          context: input.context,
        },
        metadataOf(subject),
      ),
    ];
  }
  return wanted(
    subject,
    'workflow.execution.started',
    () => ({
      ...base,
      status: 'queued',
      input_data: inputData(execution),
      trigger_source: execution.metadata?.trigger_source,
    }),
    metadataOf(subject),
  );
}

/** Emitted when the run starts. */
export function startedEvents(subject: ExecutionSubject, startedAt: Date): EventEnvelope[] {
  const { workflow, execution, agentId } = subject;
  const data = () => ({
    workflow: { id: workflow.id, name: workflow.name, status: 'running', executed_at: startedAt.toISOString() },
    workflowId: workflow.id,
    workflow_id: workflow.id,
    executionId: execution.id,
    execution_id: execution.id,
    status: 'running',
  });
  const events = [...wanted(subject, 'workflow.started', data), ...wanted(subject, 'workflow.executed', data)];
  if (execution.kind === 'agent') {
    const agentData = {
      agentId,
      agent_id: agentId,
      executionId: execution.id,
      conversation_id: conversationId(execution),
      user_id: (triggerBody(execution) as Record<string, unknown> | null)?.user_id,
      status: 'running',
      started_at: startedAt.toISOString(),
    };
    events.push(createEvent('agent.started', agentData), createEvent('agent.conversation.started', agentData));
  }
  return events;
}

/** The step's event, or none when nothing wants it. */
export function stepEvents(subject: ExecutionSubject, step: StepResult): EventEnvelope[] {
  return wanted(subject, 'workflow.step.completed', () => ({
    workflow_id: subject.workflow.id,
    execution_id: subject.execution.id,
    step: {
      id: step.node,
      name: step.node,
      type: step.type,
      status: step.status === 'succeeded' ? 'completed' : 'failed',
      duration: step.durationMs,
      items: step.itemsOut,
      error: step.error,
    },
  }));
}

/** Emitted when the run ends: successfully, failed, or stopped. */
export function finishedEvents(
  subject: ExecutionSubject,
  result: RunResult,
  startedAt: Date,
  finishedAt: Date,
  agent: AgentEnding = { conversation: null },
): EventEnvelope[] {
  const { workflow, execution } = subject;
  const durationMs = finishedAt.getTime() - startedAt.getTime();
  const timing = {
    started_at: startedAt.toISOString(),
    completed_at: finishedAt.toISOString(),
    duration_seconds: durationMs / 1000,
  };
  if (result.status === 'stopped') return stoppedEvents(subject, result, finishedAt);
  if (result.status === 'failed') return failedEvents(subject, result, finishedAt, timing);
  const steps = () =>
    result.steps.map((s) => ({
      id: s.node,
      name: s.node,
      status: s.status === 'succeeded' ? 'completed' : 'failed',
      duration: s.durationMs,
    }));
  const output = result.output.length === 1 ? result.output[0] : result.output;
  const events: EventEnvelope[] = [
    ...wanted(subject, 'workflow.completed', () => ({
      ...ids(subject),
      workflow: {
        id: workflow.id,
        name: workflow.name,
        status: 'completed',
        execution_time: durationMs,
        executed_at: startedAt.toISOString(),
      },
      steps: steps(),
      custom_data: customData(result),
      status: 'completed',
      result: output,
    })),
    ...wanted(subject, 'workflow.execution.completed', () => ({
      ...ids(subject),
      status: 'success',
      ...timing,
      input_data: inputData(execution),
      output_data: output,
      credits_used: creditsUsed(result),
      steps_completed: result.steps.length,
    })),
  ];
  if (execution.kind === 'agent') events.push(...agentSucceededEvents(subject, result, agent, timing));
  return events;
}

const ids = ({ workflow, execution }: ExecutionSubject) => ({
  workflowId: workflow.id,
  executionId: execution.id,
  workflow_id: workflow.id,
  execution_id: execution.id,
});

function failedEvents(
  subject: ExecutionSubject,
  result: RunResult,
  finishedAt: Date,
  timing: Record<string, unknown>,
): EventEnvelope[] {
  const { workflow, execution } = subject;
  const error = result.error ?? { node: '', message: 'unknown error' };
  const events: EventEnvelope[] = [
    createEvent('workflow.failed', {
      ...ids(subject),
      workflow: {
        id: workflow.id,
        name: workflow.name,
        status: 'failed',
        error_message: error.message,
        failed_at: finishedAt.toISOString(),
      },
      error_details: {
        step: error.node,
        integration: integrationOf(error.nodeType),
        error_code: 'NODE_EXECUTION_FAILED',
        retry_count: error.retries ?? 0,
      },
      status: 'failed',
      error: error.message,
    }),
    createEvent('workflow.execution.failed', {
      ...ids(subject),
      status: 'failed',
      ...timing,
      input_data: inputData(execution),
      error: { node: error.node, message: error.message },
    }),
  ];
  if (execution.kind === 'agent') events.push(agentFailedEvent(subject, error.message));
  return events;
}

/** Seed 003's `workflow.stopped` (and `agent.stopped` for an agent): a stop request ended the run. */
function stoppedEvents(subject: ExecutionSubject, result: RunResult, stoppedAt: Date): EventEnvelope[] {
  const { workflow, execution } = subject;
  const events: EventEnvelope[] = [
    createEvent('workflow.stopped', {
      ...ids(subject),
      workflow: { id: workflow.id, name: workflow.name, status: 'stopped', stopped_at: stoppedAt.toISOString() },
      status: 'stopped',
      stopped_at: stoppedAt.toISOString(),
      steps_completed: result.steps.length,
    }),
  ];
  if (execution.kind === 'agent') events.push(agentStoppedEvent(subject, stoppedAt));
  return events;
}
