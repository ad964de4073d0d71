/**
 * The events an execution emits, with data in the seeds' shapes. Where seeds disagree the data
 * carries both spellings (seed 001's `workflow: {…}` and seed 003's `workflowId`; seed 002's
 * `workflow_id`), so every documented receiver finds the fields it expects.
 */
import { createEvent, type EventEnvelope } from '../events/envelope.js';
import type { ExecutionRecord } from '../store/types.js';
import type { RunResult, StepResult } from './runner.js';
import type { LoadedWorkflow } from './types.js';

export interface ExecutionSubject {
  workflow: LoadedWorkflow;
  execution: ExecutionRecord;
  /** The agent id when an agent trigger started the execution. */
  agentId?: string;
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
          message: input.message,
          user_id: input.user_id,
          metadata: input.metadata,
          context: input.context,
        },
        metadataOf(subject),
      ),
    ];
  }
  return [
    createEvent(
      'workflow.execution.started',
      {
        ...base,
        status: 'queued',
        input_data: inputData(execution),
        trigger_source: execution.metadata?.trigger_source,
      },
      metadataOf(subject),
    ),
  ];
}

/** Emitted when the run starts. */
export function startedEvents(subject: ExecutionSubject, startedAt: Date): EventEnvelope[] {
  const { workflow, execution, agentId } = subject;
  const data = {
    workflow: { id: workflow.id, name: workflow.name, status: 'running', executed_at: startedAt.toISOString() },
    workflowId: workflow.id,
    workflow_id: workflow.id,
    executionId: execution.id,
    execution_id: execution.id,
    status: 'running',
  };
  const events: EventEnvelope[] = [createEvent('workflow.started', data), createEvent('workflow.executed', data)];
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

export function stepEvent(subject: ExecutionSubject, step: StepResult): EventEnvelope {
  return createEvent('workflow.step.completed', {
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
  });
}

/** Emitted when the run ends, successfully or not. */
export function finishedEvents(
  subject: ExecutionSubject,
  result: RunResult,
  startedAt: Date,
  finishedAt: Date,
): EventEnvelope[] {
  const { workflow, execution, agentId } = subject;
  const durationMs = finishedAt.getTime() - startedAt.getTime();
  const steps = result.steps.map((s) => ({
    id: s.node,
    name: s.node,
    status: s.status === 'succeeded' ? 'completed' : 'failed',
    duration: s.durationMs,
  }));
  const output = result.output.length === 1 ? result.output[0] : result.output;
  const common = {
    workflowId: workflow.id,
    executionId: execution.id,
    workflow_id: workflow.id,
    execution_id: execution.id,
  };
  const timing = {
    started_at: startedAt.toISOString(),
    completed_at: finishedAt.toISOString(),
    duration_seconds: durationMs / 1000,
  };
  if (result.status === 'succeeded') {
    const events: EventEnvelope[] = [
      createEvent('workflow.completed', {
        ...common,
        workflow: {
          id: workflow.id,
          name: workflow.name,
          status: 'completed',
          execution_time: durationMs,
          executed_at: startedAt.toISOString(),
        },
        steps,
        status: 'completed',
        result: output,
      }),
      createEvent('workflow.execution.completed', {
        ...common,
        status: 'success',
        ...timing,
        input_data: inputData(execution),
        output_data: output,
        steps_completed: steps.length,
      }),
    ];
    if (execution.kind === 'agent') {
      const agentData = {
        agentId,
        agent_id: agentId,
        executionId: execution.id,
        execution_id: execution.id,
        conversation_id: conversationId(execution),
        status: 'completed',
        ...timing,
        result: output,
      };
      events.push(
        createEvent('agent.completed', agentData),
        createEvent('agent.conversation.completed', { ...agentData, status: 'resolved', message_count: 1 }),
      );
    }
    return events;
  }
  const error = result.error ?? { node: '', message: 'unknown error' };
  const events: EventEnvelope[] = [
    createEvent('workflow.failed', {
      ...common,
      workflow: {
        id: workflow.id,
        name: workflow.name,
        status: 'failed',
        error_message: error.message,
        failed_at: finishedAt.toISOString(),
      },
      error_details: { step: error.node, error_code: 'NODE_EXECUTION_FAILED' },
      status: 'failed',
      error: error.message,
    }),
    createEvent('workflow.execution.failed', {
      ...common,
      status: 'failed',
      ...timing,
      input_data: inputData(execution),
      error: { node: error.node, message: error.message },
    }),
  ];
  if (execution.kind === 'agent')
    events.push(
      createEvent('agent.failed', {
        agentId,
        agent_id: agentId,
        executionId: execution.id,
        status: 'failed',
        error: error.message,
      }),
    );
  return events;
}

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

function inputData(execution: ExecutionRecord): unknown {
  const body = triggerBody(execution) as Record<string, unknown> | null;
  return body && typeof body === 'object' && 'input_data' in body ? body.input_data : body;
}

function conversationId(execution: ExecutionRecord): unknown {
  return (
    (triggerBody(execution) as { context?: { conversation_id?: unknown } } | null)?.context?.conversation_id ??
    execution.id
  );
}
