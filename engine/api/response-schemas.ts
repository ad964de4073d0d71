/**
 * What the management API answers, field by field in the order `serialize.ts` writes them: fastify
 * serialises responses with these schemas and @fastify/swagger publishes them. Each keeps
 * `additionalProperties: true` so a field added to the serializer is never dropped on the wire;
 * `test/unit/sdk/schemas.test.ts` checks them against the SDK's types. Numbers that can carry a
 * fraction (response times, rates) are `number`, never `integer`, which would round them.
 */
const text = { type: 'string' } as const;
const textOrNull = { type: ['string', 'null'] } as const;
const count = { type: 'integer' } as const;
const codeOrNull = { type: ['integer', 'null'] } as const;
const msOrNull = { type: ['number', 'null'] } as const;
const anyValue = {} as const;
const openObject = { type: 'object', additionalProperties: true } as const;
const openObjectOrNull = { type: ['object', 'null'], additionalProperties: true } as const;

const headersOrNull = (description: string) =>
  ({ type: ['object', 'null'], additionalProperties: { type: 'string' }, description }) as const;

const record = <P extends Record<string, unknown>>(description: string, properties: P) =>
  ({ type: 'object', description, additionalProperties: true, properties }) as const;

const webhookProperties = {
  id: text,
  name: text,
  description: textOrNull,
  url: text,
  events: { type: 'array', items: text },
  headers: {
    type: 'object',
    additionalProperties: text,
    description: 'Custom header names; each value reads •••• except in the create response',
  },
  enabled: { type: 'boolean' },
  status: { enum: ['active', 'disabled'] },
  disabled_reason: textOrNull,
  organization: text,
  authentication: openObject,
  profile: textOrNull,
  signature_scheme: text,
  signature_header: textOrNull,
  timestamp_header: textOrNull,
  timestamp_unit: { enum: ['s', 'ms'] },
  payload_format: text,
  ordering: { enum: ['ordered', 'unordered'] },
  timeout_ms: count,
  rate_limit: { type: ['integer', 'null'], description: 'Deliveries per second at most; null: no limit' },
  retry_policy: openObjectOrNull,
  batch_settings: openObjectOrNull,
  conditions: anyValue,
  filters: anyValue,
  include_fields: { type: ['array', 'null'], items: text },
  metadata: openObjectOrNull,
  secret_rotation: openObjectOrNull,
  health: openObject,
  created_at: text,
  updated_at: text,
  last_delivery: textOrNull,
  delivery_stats: openObject,
} as const;

export const webhookSchema = record(
  'A webhook subscription in canonical form (secret only on create and rotate)',
  webhookProperties,
);

export const webhookWithSecretSchema = record('A webhook as created or rotated: the only times its secret is shown', {
  ...webhookProperties,
  secret: text,
  public_key: text,
});

const deliveryProperties = {
  id: text,
  webhook_id: text,
  event_id: text,
  event: text,
  status: text,
  attempts: count,
  next_attempt_at: textOrNull,
  last_status_code: codeOrNull,
  last_error: textOrNull,
  payload_size: count,
  created_at: text,
  updated_at: text,
  completed_at: textOrNull,
  expires_at: textOrNull,
  erased: { type: 'boolean', description: 'Its event’s content was erased: no payload, and it is never sent again' },
} as const;

export const deliverySchema = record(
  'A delivery: one event (or batch member) for one webhook, with its state',
  deliveryProperties,
);

export const attemptSchema = record('One HTTP attempt of a delivery', {
  id: text,
  attempt: count,
  timestamp: text,
  response_code: codeOrNull,
  response_time_ms: { type: 'number' },
  response_body: textOrNull,
  error_code: textOrNull,
  error: textOrNull,
  request_headers: headersOrNull('The headers sent; signatures, Authorization and custom header values read ••••'),
  response_headers: headersOrNull('The headers the receiver answered with (at most 50, values cut at 512 characters)'),
});

export const deliveryDetailSchema = record('A delivery with its payload and every attempt', {
  ...deliveryProperties,
  payload: anyValue,
  attempt_log: { type: 'array', items: attemptSchema },
});

export const logRowSchema = record("A delivery log row in the seed's format", {
  id: text,
  timestamp: text,
  event: text,
  status: { enum: ['success', 'failed', 'pending'] },
  response_code: codeOrNull,
  response_time_ms: msOrNull,
  attempts: count,
  payload_size: count,
  request_headers: headersOrNull('The latest attempt’s request headers, masked as in the attempt log'),
  response_headers: headersOrNull('The latest attempt’s response headers'),
});

export const statsSchema = record('Counts, success rate and response times of a webhook over a window', {
  webhook_id: text,
  window: { type: 'object', properties: { start: text, end: text } },
  attempts: count,
  successful_attempts: count,
  failed_attempts: count,
  success_rate: msOrNull,
  response_time_ms: { type: 'object', properties: { p50: msOrNull, p95: msOrNull, max: msOrNull } },
  deliveries: {
    type: 'object',
    properties: { total: count, successful: count, failed: count, pending: count },
  },
});

export const testResultSchema = record('What the receiver answered to a test event', {
  success: { type: 'boolean' },
  event_id: text,
  event: text,
  status_code: codeOrNull,
  response_time_ms: { type: 'number' },
  response_body: textOrNull,
  error: textOrNull,
  error_code: textOrNull,
});

export const storedEventSchema = record('A stored event; once its content is erased, data is null and metadata gone', {
  id: text,
  type: text,
  timestamp: text,
  data: anyValue,
  metadata: openObjectOrNull,
  erased: { type: 'boolean' },
  erased_at: textOrNull,
});

export const erasureResultSchema = record('What erasing an event’s content changed', {
  success: { type: 'boolean' },
  event_id: text,
  erased_at: text,
  deliveries: { type: 'integer', description: 'Deliveries of the event, now without payload and marked erased' },
  closed_deliveries: {
    type: 'integer',
    description: "Of those, the ones still waiting to be sent: closed as failed with 'content erased'",
  },
  attempts: { type: 'integer', description: 'Attempts of those deliveries, now without response excerpt' },
});

const open = (description: string) => ({ type: 'object', description, additionalProperties: true }) as const;

export const executionSchema = open('A workflow execution: status, input, output, error and timings');
export const workflowSchema = open('A loaded workflow definition');
