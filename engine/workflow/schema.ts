/**
 * JSON Schema of a workflow file (n8n's shape), compiled once with ajv. Structural checks only;
 * the graph checks (node types, connections, cycles, parameters) are in validate.ts.
 *
 * Everything n8n's editor exports is accepted (`pinData`, `meta`, `staticData`, `versionId`,
 * `tags`, `triggerCount`, node `webhookId`, `notes`, `notesInFlow`, `executeOnce`, `alwaysOutputData`,
 * `retryOnFail`, …): fields the schema does not name pass as they are; the ones it names are checked.
 */
import { compileReportingSchema } from '../validation.js';

const connectionTarget = {
  type: 'object',
  required: ['node', 'type', 'index'],
  properties: {
    node: { type: 'string', minLength: 1 },
    // n8n's AI connection types (`ai_tool`, …) too: validate.ts refuses them by name.
    type: { type: 'string', minLength: 1 },
    index: { type: 'integer', minimum: 0 },
  },
};

export const WORKFLOW_SCHEMA = {
  $id: 'https://hookline.dev/schemas/workflow.json',
  type: 'object',
  required: ['name', 'nodes', 'connections'],
  properties: {
    // Older n8n versions export numeric ids.
    id: { type: ['string', 'integer'], pattern: '^[A-Za-z0-9_-]{1,128}$', minimum: 0 },
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
              properties: { id: { type: ['string', 'null'] }, name: { type: 'string', minLength: 1 } },
            },
          },
          disabled: { type: 'boolean' },
          onError: { enum: ['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput'] },
          continueOnFail: { type: 'boolean' },
          retryOnFail: { type: 'boolean' },
          maxTries: { type: 'integer', minimum: 1 },
          waitBetweenTries: { type: 'integer', minimum: 0 },
          executeOnce: { type: 'boolean' },
          alwaysOutputData: { type: 'boolean' },
          notes: { type: 'string' },
          notesInFlow: { type: 'boolean' },
          webhookId: { type: 'string' },
        },
      },
    },
    connections: {
      type: 'object',
      // By connection type (`main`, n8n's `ai_*`), then output index.
      additionalProperties: {
        type: 'object',
        additionalProperties: {
          type: 'array',
          items: { anyOf: [{ type: 'null' }, { type: 'array', items: connectionTarget }] },
        },
      },
    },
    settings: {
      type: 'object',
      properties: {
        respond: { enum: ['immediately', 'when_finished'] },
        inputSchema: { type: 'object' },
        organization: { type: 'string', minLength: 1, maxLength: 200 },
        executionOrder: { type: 'string' },
      },
    },
  },
} as const;

export const validateWorkflowSchema = compileReportingSchema(WORKFLOW_SCHEMA);
