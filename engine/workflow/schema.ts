/**
 * JSON Schema of a workflow file (n8n's shape), compiled once with ajv. Structural checks only;
 * the graph checks (node types, connections, cycles, parameters) are in validate.ts.
 */
import { compileReportingSchema } from '../validation.js';

const connectionTarget = {
  type: 'object',
  required: ['node', 'type', 'index'],
  properties: {
    node: { type: 'string', minLength: 1 },
    type: { const: 'main' },
    index: { type: 'integer', minimum: 0 },
  },
};

export const WORKFLOW_SCHEMA = {
  $id: 'https://hookline.dev/schemas/workflow.json',
  type: 'object',
  required: ['name', 'nodes', 'connections'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    active: { type: 'boolean' },
    nodes: {
      type: 'array',
      minItems: 1,
      maxItems: 500,
      items: {
        type: 'object',
        required: ['name', 'type', 'parameters'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string', minLength: 1, maxLength: 200 },
          type: { type: 'string', minLength: 1 },
          typeVersion: { type: 'number', minimum: 1 },
          position: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
          parameters: { type: 'object' },
          credentials: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              required: ['name'],
              properties: { id: { type: 'string' }, name: { type: 'string', minLength: 1 } },
              additionalProperties: false,
            },
          },
          disabled: { type: 'boolean' },
          onError: { enum: ['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput'] },
          continueOnFail: { type: 'boolean' },
          retryOnFail: { type: 'boolean' },
          maxTries: { type: 'integer', minimum: 1 },
          waitBetweenTries: { type: 'integer', minimum: 0 },
        },
      },
    },
    connections: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['main'],
        properties: {
          main: { type: 'array', items: { anyOf: [{ type: 'null' }, { type: 'array', items: connectionTarget }] } },
        },
      },
    },
    settings: {
      type: 'object',
      properties: {
        respond: { enum: ['immediately', 'when_finished'] },
        inputSchema: { type: 'object' },
        organization: { type: 'string', minLength: 1, maxLength: 200 },
      },
    },
  },
} as const;

export const validateWorkflowSchema = compileReportingSchema(WORKFLOW_SCHEMA);
