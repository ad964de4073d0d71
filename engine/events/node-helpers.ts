/**
 * What the engine offers a node through `this.helpers.hookline`. Inside n8n this helper is absent
 * and nodes fall back to inline behaviour; nodes import only this type, never the engine.
 */
export interface HooklineResponse {
  statusCode: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface HooklineNodeHelpers {
  /** Publishes an event; matching subscriptions get it through the durable outbox. */
  emitEvent(type: string, data: unknown, metadata?: Record<string, unknown>): Promise<{ eventId: string; deliveries: number }>;
  /** Sets the answer of a trigger that responds when the workflow finishes. */
  setResponse(response: HooklineResponse): void;
  readonly executionId: string;
  readonly workflowId: string;
}

export function getHooklineHelpers(helpers: unknown): HooklineNodeHelpers | undefined {
  return (helpers as { hookline?: HooklineNodeHelpers } | undefined)?.hookline;
}
