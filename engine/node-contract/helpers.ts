/**
 * The host↔node contract: what the engine offers a node on `this.helpers`. Inside n8n these
 * helpers are absent and nodes fall back to inline behaviour. Pure (types and two readers), so
 * nodes import it and the n8n package bundles it; nodes never import the engine behind it.
 */
import type { TriggerCheck } from '../trigger-checks/index.js';

export interface HooklineResponse {
  statusCode: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A POST a sender node asks the engine to deliver through the durable outbox. */
export interface NodeWebhookRequest {
  url: string;
  eventType: string;
  /** Event data; the engine wraps it in the envelope of `payloadFormat`. */
  data: unknown;
  payloadFormat?: 'envelope' | 'event' | 'webhook' | 'organization';
  signatureScheme: 'standard-webhooks' | 'ed25519' | 'hex' | 'sha256' | 'timestamped' | 'stripe' | 'none';
  secret?: string;
  signatureHeader?: string;
  /** Timestamp header of the `timestamped` scheme. @defaultValue `x-webhook-timestamp` */
  timestampHeader?: string;
  /** Unit of the `timestamped` scheme's timestamp. @defaultValue `s` */
  timestampUnit?: 's' | 'ms';
  headers?: Record<string, string>;
  authentication?: { type: 'none' | 'bearer' | 'basic'; token?: string; username?: string; password?: string };
  timeoutMs?: number;
  maxRetries?: number;
  ordered?: boolean;
  batch?: { max_events: number; max_wait_seconds: number };
}

export interface HooklineNodeHelpers {
  /** Queues a signed POST in the durable outbox (retries, ordering, attempts on record). */
  sendWebhook(request: NodeWebhookRequest): Promise<{ eventId: string; deliveryId: string }>;
  /** Publishes an event; matching subscriptions get it through the durable outbox. */
  emitEvent(
    type: string,
    data: unknown,
    metadata?: Record<string, unknown>,
  ): Promise<{ eventId: string; deliveries: number }>;
  /** Sets the answer of a trigger that responds when the workflow finishes. */
  setResponse(response: HooklineResponse): void;
  readonly executionId: string;
  readonly workflowId: string;
  /**
   * Engine services of n8n's core nodes (Code node threads, guarded HTTP): engine only, and opaque
   * here, because this module is bundled into the n8n package (`core-nodes/services.ts` owns the type).
   */
  readonly core?: unknown;
}

/** What the engine tells a trigger node through `this.helpers.hooklineTrigger` in a webhook call. */
export interface HooklineTriggerHelpers {
  /**
   * The checks the engine already ran for this request, all passed (it runs the caller checks
   * before it reads the body); the node runs only the others, so each runs once per request.
   */
  readonly checksPassed: readonly TriggerCheck[];
  /** The verified token's claims when the engine ran a JWT check (n8n's Webhook node puts them on the item). */
  readonly jwtPayload?: Record<string, unknown>;
}

/** `this.helpers.hookline` of an execute context, or undefined outside the engine. */
export function getHooklineHelpers(helpers: unknown): HooklineNodeHelpers | undefined {
  return (helpers as { hookline?: HooklineNodeHelpers } | undefined)?.hookline;
}

/** `this.helpers.hooklineTrigger` of a webhook context, or undefined outside the engine. */
export function getHooklineTriggerHelpers(helpers: unknown): HooklineTriggerHelpers | undefined {
  return (helpers as { hooklineTrigger?: HooklineTriggerHelpers } | undefined)?.hooklineTrigger;
}
