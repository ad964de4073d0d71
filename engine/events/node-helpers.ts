/**
 * What the engine offers a node through `this.helpers.hookline`. Inside n8n this helper is absent
 * and nodes fall back to inline behaviour; nodes import only this type, never the engine.
 */
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
  payloadFormat?: 'envelope' | 'event' | 'webhook';
  signatureScheme: 'standard-webhooks' | 'ed25519' | 'hex' | 'sha256' | 'timestamped' | 'stripe' | 'none';
  secret?: string;
  signatureHeader?: string;
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
}

export function getHooklineHelpers(helpers: unknown): HooklineNodeHelpers | undefined {
  return (helpers as { hookline?: HooklineNodeHelpers } | undefined)?.hookline;
}
