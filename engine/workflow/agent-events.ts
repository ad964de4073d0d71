/**
 * The events of an agent execution (seeds 002 and 003) when it ends: the reply it sent, the task,
 * and the conversation with its totals (message count and credits, counted by the store across
 * runs and processes; see `run-data.ts` for the fields an agent workflow sets).
 */
import { createEvent, type EventEnvelope } from '../events/envelope.js';
import type { ConversationTotals } from '../store/types.js';
import type { ExecutionSubject } from './lifecycle-events.js';
import type { RunResult } from './runner.js';
import { agentReply, conversationId, creditsUsed, eventField } from './run-data.js';

/** What the end of an agent run adds to its events. */
export interface AgentEnding {
  /** The conversation's totals including this run, or null when the caller named no conversation. */
  conversation: ConversationTotals | null;
  /** The body a Respond node sent, if any. */
  responseBody?: unknown;
}

/** Messages one agent run adds to its conversation: the one received, and the reply if it succeeded. */
export const messagesOfRun = (result: RunResult): number => (result.status === 'succeeded' ? 2 : 1);

function agentBase(subject: ExecutionSubject) {
  const { execution, agentId } = subject;
  return {
    agentId,
    agent_id: agentId,
    executionId: execution.id,
    execution_id: execution.id,
    conversation_id: conversationId(execution),
  };
}

export function agentSucceededEvents(
  subject: ExecutionSubject,
  result: RunResult,
  ending: AgentEnding,
  timing: { started_at: string; completed_at: string; duration_seconds: number },
): EventEnvelope[] {
  const { execution } = subject;
  const base = agentBase(subject);
  const userId = eventField(result, execution, 'user_id');
  const output = result.output.length === 1 ? result.output[0] : result.output;
  const runCredits = creditsUsed(result);
  const conversation = ending.conversation ?? {
    messageCount: messagesOfRun(result),
    creditsUsed: runCredits,
    startedAt: timing.started_at,
  };
  return [
    createEvent('agent.message.sent', {
      ...base,
      user_id: userId,
      message: agentReply(result, ending.responseBody),
      sent_at: timing.completed_at,
    }),
    createEvent('agent.completed', {
      ...base,
      status: 'completed',
      ...timing,
      credits_used: runCredits,
      result: output,
    }),
    createEvent('agent.conversation.completed', {
      ...base,
      user_id: userId,
      status: 'resolved',
      started_at: conversation.startedAt,
      completed_at: timing.completed_at,
      message_count: conversation.messageCount,
      satisfaction_score: eventField(result, execution, 'satisfaction_score'),
      credits_used: conversation.creditsUsed,
      resolution: eventField(result, execution, 'resolution'),
      result: output,
    }),
  ];
}

export function agentFailedEvent(subject: ExecutionSubject, message: string): EventEnvelope {
  return createEvent('agent.failed', { ...agentBase(subject), status: 'failed', error: message });
}

export function agentStoppedEvent(subject: ExecutionSubject, stoppedAt: Date): EventEnvelope {
  return createEvent('agent.stopped', {
    ...agentBase(subject),
    status: 'stopped',
    stopped_at: stoppedAt.toISOString(),
  });
}
