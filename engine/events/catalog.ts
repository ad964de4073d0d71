/**
 * The event catalog: every event type Hookline knows, from the five product seeds plus the
 * delivery system's own operational events, each with the JSON Schema of its `data`
 * (data-schemas.ts). One typed module: code refers to `EventType` values, never to loose
 * strings, so a typo is a compile error. Publishers add schemas for their own types through
 * `PUT /api/v1/event-types/{type}`; those live in the store, not here.
 */
import { catalogDataSchema } from './data-schemas.js';

export interface EventSpec {
  readonly type: string;
  readonly description: string;
  /** Who emits it: the engine itself, the delivery system, or a user publishing custom events. */
  readonly source: 'engine' | 'delivery' | 'custom';
  /** JSON Schema (draft-07) of the event's `data`. */
  readonly dataSchema: Readonly<Record<string, unknown>>;
}

const spec = (type: string, description: string, source: EventSpec['source'] = 'custom'): EventSpec => ({
  type,
  description,
  source,
  dataSchema: catalogDataSchema(type),
});

export const EVENT_CATALOG = [
  // Workflow lifecycle (seeds 000, 001, 003): emitted by the engine.
  spec('workflow.created', 'A workflow was created (loaded for the first time).', 'engine'),
  spec('workflow.updated', 'A workflow definition or its active flag changed.', 'engine'),
  spec('workflow.deleted', 'A workflow was deleted (its file disappeared).', 'engine'),
  spec('workflow.started', 'A workflow execution started running.', 'engine'),
  spec('workflow.executed', 'A workflow execution was triggered (seed 001: fired when execution starts).', 'engine'),
  spec('workflow.completed', 'A workflow execution completed successfully.', 'engine'),
  spec('workflow.failed', 'A workflow execution failed.', 'engine'),
  spec(
    'workflow.stopped',
    'A workflow execution was stopped (POST /executions/{id}/stop) before it finished.',
    'engine',
  ),
  // Workflow execution events (seed 002).
  spec('workflow.execution.started', 'An incoming webhook queued a workflow execution.', 'engine'),
  spec('workflow.execution.completed', 'A workflow execution completed, with input and output data.', 'engine'),
  spec('workflow.execution.failed', 'A workflow execution failed, with the failing node and error.', 'engine'),
  spec('workflow.step.completed', 'One node of a workflow execution finished.', 'engine'),
  // Agent lifecycle (seeds 000, 002, 003).
  spec('agent.created', 'An agent was created.', 'engine'),
  spec('agent.updated', 'An agent was updated.', 'engine'),
  spec('agent.deleted', 'An agent was deleted.', 'engine'),
  spec('agent.started', 'An agent started a task.', 'engine'),
  spec('agent.completed', 'An agent completed a task.', 'engine'),
  spec('agent.failed', 'An agent failed a task.', 'engine'),
  spec('agent.stopped', 'An agent execution was stopped (POST /executions/{id}/stop) before it finished.', 'engine'),
  spec('agent.message.received', 'An agent received a message through its webhook.', 'engine'),
  spec('agent.message.sent', 'An agent replied: the reply its workflow produced, in its conversation.', 'engine'),
  spec('agent.conversation.started', 'An agent conversation started.', 'engine'),
  spec(
    'agent.conversation.completed',
    'An agent exchange completed, with the conversation’s message count and credits so far.',
    'engine',
  ),
  // Incoming webhooks from external services (seed 003 /api/v1/webhooks/receive).
  spec('webhook.received', 'An external service posted to /api/v1/webhooks/receive.', 'engine'),
  spec('webhook.configured', 'A test event sent when a webhook is configured (seed 004).', 'delivery'),
  spec('webhook.test', 'A test event sent from the API or dashboard.', 'delivery'),
  // Delivery health (Svix's operational webhooks; the seeds' failure e-mails).
  spec(
    'webhook.disabled',
    'A subscription was disabled after failing for too long, by a 410 Gone, or because its stored rules no longer load.',
    'delivery',
  ),
  spec(
    'webhook.rule_budget_exceeded',
    'A subscription rule ran over its work budget for an event and counted as no match (at most one per webhook per minute).',
    'delivery',
  ),
  spec('delivery.failing', 'A delivery failed its 4th attempt and keeps retrying.', 'delivery'),
  spec('delivery.exhausted', 'A delivery used up its retries and failed for good.', 'delivery'),
  spec('delivery.recovered', 'An endpoint succeeded again after failures.', 'delivery'),
  // Functions (seed 000).
  spec('function.created', 'A function was created.'),
  spec('function.updated', 'A function was updated.'),
  spec('function.deleted', 'A function was deleted.'),
  spec('function.executed', 'A function was executed.'),
  spec('function.failed', 'A function execution failed.'),
  // Data (seed 000).
  spec('data.created', 'A data object was created.'),
  spec('data.updated', 'A data object was updated.'),
  spec('data.deleted', 'A data object was deleted.'),
  // Users (seeds 000, 001, 004).
  spec('user.created', 'A user was created.'),
  spec('user.updated', 'A user was updated.'),
  spec('user.deleted', 'A user was deleted.'),
  spec('user.login', 'A user logged in.'),
  spec('user.logout', 'A user logged out.'),
  spec('user.invited', 'A team member was invited.'),
  spec('user.joined', 'A user joined the workspace.'),
  // Organizations and projects (seed 000).
  spec('organization.created', 'An organization was created.'),
  spec('organization.updated', 'An organization was updated.'),
  spec('organization.deleted', 'An organization was deleted.'),
  spec('project.created', 'A project was created.'),
  spec('project.updated', 'A project was updated.'),
  spec('project.deleted', 'A project was deleted.'),
  // Integrations (seeds 000, 001, 004).
  spec('integration.created', 'An integration was created.'),
  spec('integration.updated', 'An integration was updated.'),
  spec('integration.deleted', 'An integration was deleted.'),
  spec('integration.connected', 'An integration was connected.'),
  spec('integration.disconnected', 'An integration connection was lost.'),
  spec('integration.error', 'An integration encountered an error.'),
  // Billing (seeds 000, 001).
  spec('billing.updated', 'Billing information changed.'),
  spec('billing.subscription.created', 'A subscription was created.'),
  spec('billing.subscription.updated', 'A subscription was updated.'),
  spec('billing.subscription.deleted', 'A subscription was deleted.'),
  spec('billing.invoice.created', 'An invoice was created.'),
  spec('billing.invoice.paid', 'An invoice was paid.'),
  spec('billing.invoice.failed', 'An invoice payment failed.'),
  // Orders and system (seed 004).
  spec('order.completed', 'Payment confirmed and order finalized.'),
  spec('system.alert', 'Critical system notification or threshold breach.'),
] as const satisfies readonly EventSpec[];

export type EventType = (typeof EVENT_CATALOG)[number]['type'];

const BY_TYPE: ReadonlyMap<string, EventSpec> = new Map(EVENT_CATALOG.map((entry) => [entry.type, entry]));

export function isKnownEventType(type: string): type is EventType {
  return BY_TYPE.has(type);
}

export function getEventSpec(type: string): EventSpec | undefined {
  return BY_TYPE.get(type);
}

/** The groups (`workflow`, `agent`, `billing.invoice` …) a subscriber can use as `group.*`. */
export function eventGroups(): string[] {
  const groups = new Set<string>();
  for (const { type } of EVENT_CATALOG) {
    const parts = type.split('.');
    for (let i = 1; i < parts.length; i++) groups.add(parts.slice(0, i).join('.'));
  }
  return [...groups].sort();
}

/**
 * Event type names: lower-case dotted words. Custom events outside the catalog are allowed
 * (users publish their own), but must have this shape.
 */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
