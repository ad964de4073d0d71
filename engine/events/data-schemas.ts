/**
 * JSON Schemas (draft-07) of the `data` of each catalog event, in the seeds' shapes: what the engine
 * emits (workflow/lifecycle-events.ts, workflow/sync.ts, delivery/settle.ts …) and what the seeds
 * document for the types publishers send (seed 000's `function.executed`, seed 004's
 * `user.created`, seed 001's `integration.*`). Objects stay open (`additionalProperties` is left
 * true): receivers read the fields named here and new ones may be added. A field the engine fills
 * only sometimes (an agent's `user_id`, a workflow's `custom_data`) is a property, not `required`.
 * test/integration/event-schemas.test.ts runs the example workflows and checks every emitted
 * event against these, so the catalog and the engine stay in step.
 */

type Schema = Record<string, unknown>;

const str = { type: 'string' } as const;
const int = { type: 'integer', minimum: 0 } as const;
const time = { type: 'string', format: 'date-time' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
/** Optional figures a workflow sets (credits, scores): absent, null or a number. */
const numOrNull = { type: ['number', 'null'] } as const;
/** Whatever a caller sent or a workflow produced: any JSON value. */
const anyValue = {} as const;

const object = (properties: Record<string, unknown>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
});

/** Both spellings the seeds use for the ids (seed 002's `workflow_id`, seed 003's `workflowId`). */
const executionIds = {
  workflow_id: str,
  workflowId: str,
  execution_id: str,
  executionId: str,
};
const EXECUTION_REQUIRED = ['workflow_id', 'workflowId', 'execution_id', 'executionId'];
const timing = { started_at: time, completed_at: time, duration_seconds: { type: 'number', minimum: 0 } };
const agentIds = { agent_id: str, agentId: str, execution_id: str, executionId: str, conversation_id: anyValue };
const step = object(
  {
    id: str,
    name: str,
    type: str,
    status: { enum: ['completed', 'failed'] },
    duration: { type: 'number', minimum: 0 },
    items: int,
    error: anyValue,
  },
  ['id', 'name', 'status'],
);

/** `workflow.created|updated|deleted`: seed 001's `workflow` object and the ids. */
const workflowChange = object(
  {
    workflow: object({ id: str, name: str, active: { type: 'boolean' } }, ['id']),
    workflow_id: str,
    workflowId: str,
    name: str,
    active: { type: 'boolean' },
  },
  ['workflow', 'workflow_id', 'workflowId'],
);

const agentChange = object({ agent_id: str, agentId: str, workflow_id: str }, ['agent_id', 'agentId']);

const workflowRun = object(
  {
    ...executionIds,
    workflow: object({ id: str, name: str, status: str, executed_at: time }, ['id', 'name', 'status']),
    status: { const: 'running' },
  },
  [...EXECUTION_REQUIRED, 'workflow', 'status'],
);

const agentRun = object({ ...agentIds, user_id: anyValue, status: { const: 'running' }, started_at: time }, [
  'executionId',
  'status',
  'started_at',
]);

/** Seed 001's `workflow.completed`, seed 003's `result`, and the steps. */
const workflowCompleted = object(
  {
    ...executionIds,
    workflow: object(
      {
        id: str,
        name: str,
        status: { const: 'completed' },
        execution_time: { type: 'number', minimum: 0 },
        executed_at: time,
      },
      ['id', 'name', 'status'],
    ),
    steps: { type: 'array', items: step },
    status: { const: 'completed' },
    result: anyValue,
    custom_data: { type: ['object', 'null'] },
  },
  [...EXECUTION_REQUIRED, 'workflow', 'steps', 'status'],
);

/** Seed 002's `workflow.execution.completed`. */
const executionCompleted = object(
  {
    ...executionIds,
    ...timing,
    status: { const: 'success' },
    input_data: anyValue,
    output_data: anyValue,
    steps_completed: int,
    credits_used: numOrNull,
  },
  [...EXECUTION_REQUIRED, 'status', 'started_at', 'completed_at', 'duration_seconds', 'steps_completed'],
);

/** Seed 001's `workflow.failed` with its `error_details`, and seed 003's `error`. */
const workflowFailed = object(
  {
    ...executionIds,
    workflow: object({ id: str, name: str, status: { const: 'failed' }, error_message: str, failed_at: time }, [
      'id',
      'name',
      'status',
      'error_message',
    ]),
    error_details: object({ step: str, integration: strOrNull, error_code: str, retry_count: int }, [
      'step',
      'error_code',
    ]),
    status: { const: 'failed' },
    error: str,
  },
  [...EXECUTION_REQUIRED, 'workflow', 'error_details', 'status', 'error'],
);

const executionFailed = object(
  {
    ...executionIds,
    ...timing,
    status: { const: 'failed' },
    input_data: anyValue,
    error: object({ node: str, message: str }, ['message']),
  },
  [...EXECUTION_REQUIRED, 'status', 'error'],
);

const agentCompleted = object({ ...agentIds, ...timing, status: str, result: anyValue }, [
  'executionId',
  'status',
  'started_at',
  'completed_at',
]);

/** Seed 002's `agent.conversation.completed`. */
const conversationCompleted = object(
  {
    ...agentIds,
    ...timing,
    user_id: anyValue,
    status: str,
    result: anyValue,
    message_count: int,
    satisfaction_score: numOrNull,
    credits_used: numOrNull,
    resolution: {
      ...object({ type: str, category: str, tags: { type: 'array', items: str } }),
      type: ['object', 'null'],
    },
  },
  ['executionId', 'status', 'message_count', 'started_at', 'completed_at'],
);

const agentFailed = object({ ...agentIds, status: { const: 'failed' }, error: str }, [
  'executionId',
  'status',
  'error',
]);

/** Stopped executions and agent replies: the ids and a status, as the other lifecycle events carry. */
const stopped = object({
  workflow_id: str,
  workflowId: str,
  execution_id: str,
  executionId: str,
  agent_id: strOrNull,
  agentId: strOrNull,
  status: str,
  stopped_at: time,
});
const messageSent = object({
  ...agentIds,
  ...executionIds,
  agent_id: strOrNull,
  agentId: strOrNull,
  message: anyValue,
  user_id: anyValue,
});

const executionStarted = object(
  { ...executionIds, status: { const: 'queued' }, input_data: anyValue, trigger_source: anyValue },
  [...EXECUTION_REQUIRED, 'status'],
);

/** Seed 002's agent request, passed on as received. */
const messageReceived = object(
  {
    ...executionIds,
    agent_id: str,
    agentId: str,
    message: anyValue,
    user_id: anyValue,
    metadata: anyValue,
    context: anyValue,
  },
  EXECUTION_REQUIRED,
);

const webhookRef = { webhook_id: str, url: str };
const deliveryProblem = object(
  {
    ...webhookRef,
    delivery_id: str,
    event_id: str,
    event_type: str,
    attempts: int,
    last_status_code: { type: ['integer', 'null'] },
    last_error: strOrNull,
  },
  ['webhook_id', 'url', 'delivery_id', 'event_id', 'event_type', 'attempts'],
);

/** The data schemas of the engine's own events, which the engine emits and nobody may replace. */
export const ENGINE_DATA_SCHEMAS: Readonly<Record<string, Schema>> = {
  'workflow.created': workflowChange,
  'workflow.updated': workflowChange,
  'workflow.deleted': workflowChange,
  'workflow.started': workflowRun,
  'workflow.executed': workflowRun,
  'workflow.completed': workflowCompleted,
  'workflow.failed': workflowFailed,
  'workflow.stopped': stopped,
  'workflow.execution.started': executionStarted,
  'workflow.execution.completed': executionCompleted,
  'workflow.execution.failed': executionFailed,
  'workflow.step.completed': object({ workflow_id: str, execution_id: str, step }, [
    'workflow_id',
    'execution_id',
    'step',
  ]),
  'agent.created': agentChange,
  'agent.updated': agentChange,
  'agent.deleted': agentChange,
  'agent.started': agentRun,
  'agent.completed': agentCompleted,
  'agent.failed': agentFailed,
  'agent.stopped': stopped,
  'agent.message.received': messageReceived,
  'agent.message.sent': messageSent,
  'agent.conversation.started': agentRun,
  'agent.conversation.completed': conversationCompleted,
  // Seed 003: whatever the external service posted.
  'webhook.received': { type: 'object' },
  // Seed 004's test event; the sender chooses its data.
  'webhook.configured': { type: 'object' },
  'webhook.test': { type: 'object' },
  'webhook.disabled': object({ ...webhookRef, reason: str, field: str, consecutive_failures: int }, [
    'webhook_id',
    'url',
    'reason',
  ]),
  'webhook.rule_budget_exceeded': object(
    { ...webhookRef, event_id: str, event_type: str, steps: int, exceeded_total: int },
    ['webhook_id', 'url', 'event_id', 'event_type', 'steps'],
  ),
  'delivery.failing': deliveryProblem,
  'delivery.exhausted': deliveryProblem,
  'delivery.recovered': object({ ...webhookRef, failures_before: int }, ['webhook_id', 'url']),
};

/**
 * What the seeds show for the types publishers send: documented fields, none required, so any
 * publisher's data that is an object passes until it registers a schema of its own.
 */
export const PUBLISHER_DATA_SCHEMAS: Readonly<Record<string, Schema>> = {
  // Seed 000's payload example.
  'function.executed': object({
    id: str,
    name: str,
    execution: object({ id: str, status: str, startTime: time, endTime: time, input: anyValue, output: anyValue }),
  }),
  // Seed 004's payload example.
  'user.created': object({ user_id: str, email: str, role: str, created_via: str }),
  // Seed 001's handler reads `data.integration.id` and `.name`.
  'integration.connected': object({ integration: object({ id: str, name: str }) }),
  'integration.disconnected': object({ integration: object({ id: str, name: str }) }),
  'integration.error': object({ integration: object({ id: str, name: str }), error: anyValue }),
};

/** The data schema of a catalog type: its own, else any object. */
export function catalogDataSchema(type: string): Schema {
  return ENGINE_DATA_SCHEMAS[type] ?? PUBLISHER_DATA_SCHEMAS[type] ?? { type: 'object' };
}
