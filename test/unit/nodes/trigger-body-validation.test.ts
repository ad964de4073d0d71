import { describe, expect, it } from 'vitest';
import { jsonTypeName, validateTriggerBody } from '../../../engine/trigger-checks/body-validation.js';

/** Seed 002's example requests. */
const agentExample = {
  message: 'Hello, I need help with my order #12345',
  user_id: 'user_123',
  metadata: { source: 'contact_form', priority: 'high', department: 'support' },
  context: { order_id: '12345', customer_email: 'customer@example.com' },
};
const workflowExample = {
  input_data: { name: 'John Doe', email: 'john@example.com', message: "I'm interested in your product" },
  trigger_source: 'contact_form',
  metadata: { form_id: 'contact_v2', page_url: 'https://example.com/contact' },
};

describe('validateTriggerBody: agent requests', () => {
  it("accepts the seed's example and the bare minimum", () => {
    expect(validateTriggerBody('agent', agentExample)).toBeNull();
    expect(validateTriggerBody('agent', { message: 'hi' })).toBeNull();
  });

  it("reports a missing message exactly as the seed's error example", () => {
    expect(validateTriggerBody('agent', { user_id: 'user_123' })).toEqual({
      field: 'message',
      expected: 'string',
      received: 'null',
      message: "Required field 'message' is missing",
    });
    expect(validateTriggerBody('agent', { message: null })?.message).toBe("Required field 'message' is missing");
  });

  it('rejects a message that is not a string, or is blank', () => {
    expect(validateTriggerBody('agent', { message: 42 })).toEqual({
      field: 'message',
      expected: 'string',
      received: 'number',
      message: "Field 'message' must be a string",
    });
    expect(validateTriggerBody('agent', { message: '  ' })).toEqual({
      field: 'message',
      expected: 'non-empty string',
      received: 'empty string',
      message: "Field 'message' must not be empty",
    });
  });

  it('checks the optional fields only when present, null included', () => {
    expect(validateTriggerBody('agent', { message: 'hi', user_id: 123 })).toEqual({
      field: 'user_id',
      expected: 'string',
      received: 'number',
      message: "Field 'user_id' must be a string",
    });
    expect(validateTriggerBody('agent', { message: 'hi', user_id: null })?.received).toBe('null');
    expect(validateTriggerBody('agent', { message: 'hi', metadata: ['a'] })).toEqual({
      field: 'metadata',
      expected: 'object',
      received: 'array',
      message: "Field 'metadata' must be an object",
    });
    expect(validateTriggerBody('agent', { message: 'hi', context: 'order 1' })).toEqual({
      field: 'context',
      expected: 'object',
      received: 'string',
      message: "Field 'context' must be an object",
    });
  });

  it('reports the first problem in field order and allows extra fields', () => {
    expect(validateTriggerBody('agent', { context: 1, user_id: true })?.field).toBe('message');
    expect(validateTriggerBody('agent', { message: 'hi', context: 1, user_id: true })?.field).toBe('user_id');
    expect(validateTriggerBody('agent', { message: 'hi', extra: { any: 1 } })).toBeNull();
  });
});

describe('validateTriggerBody: workflow requests', () => {
  it("accepts the seed's example and the bare minimum", () => {
    expect(validateTriggerBody('workflow', workflowExample)).toBeNull();
    expect(validateTriggerBody('workflow', { input_data: {} })).toBeNull();
  });

  it('requires input_data as an object', () => {
    expect(validateTriggerBody('workflow', {})).toEqual({
      field: 'input_data',
      expected: 'object',
      received: 'null',
      message: "Required field 'input_data' is missing",
    });
    expect(validateTriggerBody('workflow', { input_data: [1] })).toEqual({
      field: 'input_data',
      expected: 'object',
      received: 'array',
      message: "Field 'input_data' must be an object",
    });
    expect(validateTriggerBody('workflow', { input_data: 'x' })?.received).toBe('string');
  });

  it('checks trigger_source and metadata types', () => {
    expect(validateTriggerBody('workflow', { input_data: {}, trigger_source: false })).toEqual({
      field: 'trigger_source',
      expected: 'string',
      received: 'boolean',
      message: "Field 'trigger_source' must be a string",
    });
    expect(validateTriggerBody('workflow', { input_data: {}, metadata: 5 })?.message).toBe(
      "Field 'metadata' must be an object",
    );
  });

  it('does not demand the agent fields', () => {
    expect(validateTriggerBody('workflow', { input_data: {}, message: 5 })).toBeNull();
  });
});

describe('validateTriggerBody: the body itself', () => {
  it('must be a JSON object', () => {
    for (const [body, received] of [
      [[], 'array'],
      ['text', 'string'],
      [null, 'null'],
      [undefined, 'null'],
      [3, 'number'],
    ] as const) {
      expect(validateTriggerBody('workflow', body)).toEqual({
        field: 'body',
        expected: 'object',
        received,
        message: 'Request body must be a JSON object',
      });
    }
  });
});

describe('jsonTypeName', () => {
  it('names values as JSON does', () => {
    expect([{}, [], 'a', 1, true, null, undefined].map(jsonTypeName)).toEqual([
      'object',
      'array',
      'string',
      'number',
      'boolean',
      'null',
      'null',
    ]);
  });
});
