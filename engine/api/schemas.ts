/**
 * JSON schemas of the management API, declared on every route: fastify validates requests with
 * them (unknown fields rejected) and @fastify/swagger publishes them as OpenAPI. Routes name these
 * constants instead of spelling schemas inline; `test/unit/sdk-schemas.test.ts` keeps the SDK's
 * types in step with them.
 */
import { SUBSCRIPTION_INPUT_SCHEMA } from '../delivery/subscription-input.js';
import { STATUS_FILTER_WORDS } from './delivery-query.js';
import { deliverySchema, executionSchema, logRowSchema, webhookSchema } from './response-schemas.js';
import { organizationName } from './api-key-schemas.js';

export * from './response-schemas.js';

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  properties: {
    success: { type: 'boolean', const: false },
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
      required: ['code', 'message'],
    },
  },
} as const;

const dateTime = { type: 'string', format: 'date-time' } as const;
const object = <P extends Record<string, unknown>>(properties: P) => ({ type: 'object', properties }) as const;

export const webhookInputSchema = SUBSCRIPTION_INPUT_SCHEMA;

const id = { type: 'string', minLength: 1, maxLength: 100 } as const;
export const idParams = { type: 'object', required: ['id'], properties: { id } } as const;
export const deliveryParams = {
  type: 'object',
  required: ['id', 'delivery_id'],
  properties: { id, delivery_id: id },
} as const;

/**
 * The largest page offset: far past any real listing, and well inside SQLite's 64-bit integers
 * (a bigger number reaches SQLite as a float and fails there, a 500 instead of a 400).
 */
export const MAX_OFFSET = 1_000_000_000;

export const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  offset: { type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 },
} as const;

export const errorResponses = {
  400: { $ref: 'Error#' },
  401: { $ref: 'Error#' },
  /** A key scoped to an organization, off its scope (scope.ts). */
  403: { $ref: 'Error#' },
  404: { $ref: 'Error#' },
} as const;

// Webhooks.

export const listWebhooksQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...pageQuery,
    organization: { type: 'string' },
    project: { type: 'string' },
    status: { enum: ['active', 'disabled'] },
    /** The `next_cursor` of the previous page: an offset in base64url. */
    cursor: { type: 'string', maxLength: 16, pattern: '^[A-Za-z0-9_-]*$' },
  },
} as const;

export const webhookPageSchema = object({
  webhooks: { type: 'array', items: webhookSchema },
  next_cursor: { type: ['string', 'null'] },
  total: { type: 'integer' },
});

export const deletedSchema = object({ success: { type: 'boolean' }, id: { type: 'string' } });

export const rotateSecretBody = {
  type: 'object',
  additionalProperties: false,
  properties: { secret: { type: 'string', minLength: 16, maxLength: 256 } },
} as const;

export const filtersBody = { type: 'object' } as const;

export const testWebhookBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    event: { type: 'string', pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$' },
    data: {},
    /** The seed's spelling of `data`. */
    test_data: {},
  },
} as const;

// Deliveries.

const statusWord = `(${STATUS_FILTER_WORDS.join('|')})`;

/** The filters of a webhook's delivery list (api/delivery-query.ts reads them). */
const deliveryFilters = {
  ...pageQuery,
  start: dateTime,
  end: dateTime,
  /** One state, a comma list, `success` (= succeeded) or `undelivered` (every state but succeeded). */
  status: { type: 'string', maxLength: 200, pattern: `^${statusWord}(,${statusWord})*$` },
  event_type: { type: 'string', minLength: 1, maxLength: 200 },
  event_id: id,
  /** The `next_cursor` of the previous page. */
  cursor: { type: 'string', minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$' },
} as const;

export const deliveryRangeQuery = { type: 'object', additionalProperties: false, properties: deliveryFilters } as const;

/** `GET /deliveries`: the same filters across every webhook, and one more to pick a webhook. */
export const deliverySearchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...deliveryFilters, webhook_id: id },
} as const;

export const deliveryPageSchema = object({
  deliveries: { type: 'array', items: deliverySchema },
  limit: { type: 'integer' },
  offset: { type: 'integer' },
  next_cursor: { type: ['string', 'null'] },
});

export const pageOnlyQuery = { type: 'object', additionalProperties: false, properties: pageQuery } as const;

export const logPageSchema = object({ logs: { type: 'array', items: logRowSchema } });

export const statsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { start: dateTime, end: dateTime },
} as const;

/** Every field optional: by default, every event since the webhook was created. */
export const replayBody = {
  type: 'object',
  additionalProperties: false,
  properties: { since: dateTime, until: dateTime, only_failed: { type: 'boolean' } },
} as const;

export const replayResultSchema = object({
  success: { type: 'boolean' },
  replayed: { type: 'integer' },
  webhook_id: { type: 'string' },
  /** The range replayed: `since` is never before the webhook's creation. */
  since: { type: 'string' },
  until: { type: 'string' },
  only_failed: { type: 'boolean' },
});

// Events, workflows, executions.

/** Every catalog event carries an object as `data`; the envelope is fixed. */
export const publishEventBody = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'data'],
  properties: {
    type: { type: 'string', maxLength: 200 },
    data: {},
    metadata: { type: 'object' },
    /** The event's organization (also read from `metadata.organization`): only its webhooks receive it. */
    organization: organizationName,
  },
} as const;

/** Printable ASCII, as Stripe and the IETF Idempotency-Key draft use: a UUID or any caller-made key. */
export const publishEventHeaders = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7e]+$' } },
} as const;

export const publishResultSchema = object({
  success: { type: 'boolean' },
  event_id: { type: 'string' },
  type: { type: 'string' },
  deliveries: { type: 'integer' },
  /** A repeated Idempotency-Key: this is the first event, nothing new was written. */
  duplicate: { type: 'boolean' },
});

export const listExecutionsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...pageQuery,
    workflow_id: { type: 'string' },
    status: { enum: ['queued', 'running', 'waiting', 'succeeded', 'failed', 'stopped'] },
  },
} as const;

export const executionPageSchema = object({ executions: { type: 'array', items: executionSchema } });

// Event types (publishers' data schemas).

export const eventTypeParams = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$' },
  },
} as const;

export const putEventTypeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['schema'],
  properties: {
    description: { type: ['string', 'null'], maxLength: 1000 },
    // Checked by events/schema-guard.ts, which names the problem inside it.
    schema: { type: 'object' },
  },
} as const;

export const eventTypeSchema = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    description: { type: ['string', 'null'] },
    schema: { type: 'object', additionalProperties: true },
    version: { type: 'integer' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

/** The JSON schema of one catalog event's envelope, with its data's schema, as `GET /events` publishes it. */
export function eventEnvelopeSchema(type: string, dataSchema: object) {
  return {
    type: 'object',
    required: ['id', 'type', 'timestamp', 'data'],
    properties: {
      id: { type: 'string' },
      type: { const: type },
      timestamp: dateTime,
      data: dataSchema,
      metadata: { type: 'object' },
    },
  } as const;
}

export * from './api-key-schemas.js';
