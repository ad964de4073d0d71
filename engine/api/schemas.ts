/**
 * JSON schemas of the management API, declared on every route: fastify validates requests with
 * them (unknown fields rejected) and @fastify/swagger publishes them as OpenAPI.
 */
import { SUBSCRIPTION_INPUT_SCHEMA } from '../delivery/subscription-input.js';

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

const open = (description: string) => ({ type: 'object', description, additionalProperties: true }) as const;

export const webhookSchema = open('A webhook subscription in canonical form (secret only on create and rotate)');
export const deliverySchema = open('A delivery: one event (or batch member) for one webhook, with its state');
export const executionSchema = open('A workflow execution: status, input, output, error and timings');
export const workflowSchema = open('A loaded workflow definition');

export const webhookInputSchema = SUBSCRIPTION_INPUT_SCHEMA;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;
export const deliveryParams = {
  type: 'object',
  required: ['id', 'delivery_id'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 100 },
    delivery_id: { type: 'string', minLength: 1, maxLength: 100 },
  },
} as const;

export const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  offset: { type: 'integer', minimum: 0, default: 0 },
} as const;

export const deliveryStatus = {
  enum: ['pending', 'in_flight', 'succeeded', 'retrying', 'failed', 'expired', 'success'],
} as const;

export const errorResponses = {
  400: { $ref: 'Error#' },
  401: { $ref: 'Error#' },
  404: { $ref: 'Error#' },
} as const;
