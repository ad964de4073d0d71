/** The API's JSON for deliveries, logs, stats, events, workflows and executions (see `types.ts`). */
import type { DateInput } from './types.js';

/** Delivery states; `success` is accepted as a filter alias of `succeeded`. */
export type DeliveryStatus = 'pending' | 'in_flight' | 'succeeded' | 'retrying' | 'failed' | 'expired';

/** One HTTP attempt of a delivery. */
export interface DeliveryAttempt {
  id: string;
  attempt: number;
  timestamp: string;
  response_code: number | null;
  response_time_ms: number;
  response_body: string | null;
  error_code: string | null;
  error: string | null;
  /** The headers sent; signature values, `Authorization` and custom header values read `••••`. Null on older attempts. */
  request_headers: Record<string, string> | null;
  /** The receiver's response headers (at most 50, values cut at 512 characters); null when none came. */
  response_headers: Record<string, string> | null;
}

/** One event (or batch member) for one webhook, and where it stands. */
export interface Delivery {
  id: string;
  webhook_id: string;
  event_id: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  payload_size: number;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  expires_at: string | null;
  /** Its event's content was erased: no payload, and it is never sent again. */
  erased: boolean;
}

/** A delivery read on its own: its payload and every attempt. */
export interface DeliveryDetail extends Delivery {
  /** The JSON sent to the receiver; null once erased. */
  payload: unknown;
  attempt_log: DeliveryAttempt[];
}

/** A time window; either end may be left open. */
export interface TimeRange {
  start?: DateInput;
  end?: DateInput;
}

/**
 * A `status` filter word: a state, `success` (= succeeded), or `undelivered`: every state but
 * succeeded (pending, in flight, retrying, failed, expired).
 */
export type DeliveryStatusFilter = DeliveryStatus | 'success' | 'undelivered';

/** Filters of `webhooks.getDeliveries` and `deliveries.list`; pages are newest first. */
export interface ListDeliveriesOptions {
  /** On the delivery's creation time. */
  timeRange?: TimeRange;
  /** One word, or several (any of them matches). */
  status?: DeliveryStatusFilter | DeliveryStatusFilter[];
  /** An exact event type, e.g. `workflow.failed`. */
  eventType?: string;
  /** One event's deliveries. */
  eventId?: string;
  /** `deliveries.list` only: one webhook's deliveries. */
  webhookId?: string;
  /** The `next_cursor` of the previous page. */
  cursor?: string;
  /** @defaultValue 50 */
  limit?: number;
  /** @defaultValue 0 */
  offset?: number;
}

/** One page of deliveries. */
export interface DeliveryPage {
  deliveries: Delivery[];
  limit: number;
  offset: number;
  /** Pass as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

/** The seed's log row: one per delivery, its latest state. */
export interface DeliveryLog {
  id: string;
  timestamp: string;
  event: string;
  status: 'success' | 'failed' | 'pending';
  response_code: number | null;
  response_time_ms: number | null;
  attempts: number;
  payload_size: number;
  /** The latest attempt's request headers (masked) and response headers; null before any attempt. */
  request_headers: Record<string, string> | null;
  response_headers: Record<string, string> | null;
}

/** Counts and response times of a webhook over a window. */
export interface WebhookStats {
  webhook_id: string;
  window: { start: string; end: string };
  attempts: number;
  successful_attempts: number;
  failed_attempts: number;
  /** 0..1, null when nothing was attempted. */
  success_rate: number | null;
  response_time_ms: { p50: number | null; p95: number | null; max: number | null };
  deliveries: { total: number; successful: number; failed: number; pending: number };
}

/** What `webhooks.replay` sends again: by default every event since the webhook was created. */
export interface ReplayOptions {
  /** Start of the range; a time before the webhook's creation means its creation. @defaultValue its creation */
  since?: DateInput;
  /** @defaultValue now */
  until?: DateInput;
  /** Only events whose delivery to this webhook did not succeed (Svix's "recover"). @defaultValue false */
  only_failed?: boolean;
}

/** How many deliveries a replay queued, and the range it covered. */
export interface ReplayResult {
  success: boolean;
  replayed: number;
  webhook_id: string;
  /** ISO 8601; never before the webhook's creation. */
  since: string;
  until: string;
  only_failed: boolean;
}

/** An event type of the catalog, with the JSON schema of its envelope (its `data` schema inside). */
export interface EventTypeInfo {
  type: string;
  description: string;
  source: string;
  group: string;
  schema: Record<string, unknown>;
  /** Set when a publisher registered the type's data schema (`eventTypes.register`). */
  registered?: { version: number; updated_at: string };
}

/** A publisher's data schema for one event type (`/api/v1/event-types`). */
export interface EventTypeSchema {
  type: string;
  description: string | null;
  /** JSON Schema (draft-07) of the event's `data`. */
  schema: Record<string, unknown>;
  /** Moves with every registration (never reused). */
  version: number;
  created_at: string;
  updated_at: string;
}

/** `eventTypes.register` input. */
export interface RegisterEventTypeInput {
  description?: string | null;
  schema: Record<string, unknown>;
}

/** `events.publish` options. */
export interface PublishOptions {
  /**
   * Sent as `Idempotency-Key`: a repeat within the server's window (24 h by default) answers with
   * the first event (`duplicate: true`) instead of publishing again; the same key with another
   * body is a `CONFLICT`.
   */
  idempotencyKey?: string;
}

/** `events.publish` input. */
export interface PublishEventInput {
  type: string;
  data: unknown;
  metadata?: Record<string, unknown>;
  /**
   * The event's organization (or set `metadata.organization`): only that organization's webhooks,
   * and those without one, receive it. A scoped key's events are always its organization's.
   */
  organization?: string;
}

/** The stored event and how many deliveries it fanned out to. */
export interface PublishResult {
  success: boolean;
  event_id: string;
  type: string;
  deliveries: number;
  /** The key was used before: this is the first event, nothing new was published. */
  duplicate?: boolean;
}

/** A stored event read by id (`events.get`); once its content is erased, `data` is null and `metadata` gone. */
export interface StoredEvent {
  id: string;
  type: string;
  timestamp: string;
  data: unknown;
  metadata: Record<string, unknown> | null;
  erased: boolean;
  erased_at: string | null;
}

/** What `events.eraseContent` changed. */
export interface EventErasure {
  success: boolean;
  event_id: string;
  erased_at: string;
  /** Deliveries of the event, now without payload and marked `erased`. */
  deliveries: number;
  /** Of those, the ones still waiting to be sent: closed as `failed` with `last_error` 'content erased'. */
  closed_deliveries: number;
  /** Attempts of those deliveries, now without response excerpt. */
  attempts: number;
}

/** A loaded workflow; `definition` only when read on its own. */
export interface Workflow {
  id: string;
  name: string;
  active: boolean;
  nodes?: number;
  source_path?: string;
  definition?: Record<string, unknown>;
}

/** A workflow file the engine refused (at start or, with `--watch`, on a reload). */
export interface WorkflowProblem {
  file: string | null;
  /** JSON pointer of the bad part, e.g. `/nodes/0/type`. */
  pointer: string;
  message: string;
}

/** Execution states. */
export type ExecutionStatus = 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'stopped';

/** A workflow run: poll it by the `execution_id` a trigger returned. */
export interface Execution {
  execution_id: string;
  workflow_id: string;
  kind: 'workflow' | 'agent' | 'manual';
  status: ExecutionStatus;
  input: unknown;
  output: unknown;
  error: { message: string; node?: string; code?: string } | null;
  idempotency_key: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** When a stop was asked (`executions.stop`), else null. */
  stop_requested_at?: string | null;
}

/** `executions.list` filters. */
export interface ListExecutionsOptions {
  workflowId?: string;
  status?: ExecutionStatus;
  /** @defaultValue 50 */
  limit?: number;
  /** @defaultValue 0 */
  offset?: number;
}
