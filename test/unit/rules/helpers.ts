import type { RuleEvent } from '../../../engine/rules/index.js';

/** An envelope as the engine builds it, with only `type` and `data` varying per test. */
export function makeEvent(type: string, data: unknown, metadata?: Record<string, unknown>): RuleEvent {
  return { id: 'evt_01HTEST', type, timestamp: '2024-01-15T10:30:00Z', data, ...(metadata ? { metadata } : {}) };
}

/** The seed's agent.conversation.completed payload (seed 002), with overrides. */
export function conversation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    conversation_id: 'conv_123',
    agent_id: 'agent_456',
    user_id: 'user_789',
    started_at: '2024-01-15T10:20:00Z',
    completed_at: '2024-01-15T10:30:00Z',
    message_count: 8,
    satisfaction_score: 4.5,
    credits_used: 12.0,
    resolution: { type: 'solved', category: 'technical_support', tags: ['password_reset', 'account_access'] },
    ...overrides,
  };
}

/** The seed's function.executed payload (seed 000): the function is `data` itself. */
export function functionExecuted(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'func-123',
    name: 'My Function',
    execution: {
      id: 'exec-123',
      status: 'success',
      startTime: '2023-06-15T12:34:50Z',
      endTime: '2023-06-15T12:34:56Z',
      input: { name: 'John' },
      output: { greeting: 'Hello, John!' },
    },
    ...overrides,
  };
}
