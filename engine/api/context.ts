/** What the management API needs from the engine, passed in by `createEngine`. */
import type { HooklineConfig } from '../config.js';
import type { DeliverySystem } from '../delivery/index.js';
import type { EventEnvelope } from '../events/envelope.js';
import type { Store } from '../store/types.js';
import type { LoadedWorkflow, NodeTypeRegistry } from '../workflow/types.js';
import type { StopResult } from '../workflow/stopping.js';
import type { WorkflowProblem } from '../workflow/validate.js';
import type { ApiKeyCheck } from './api-keys.js';
import type { EventTypeRegistry } from './event-type-registry.js';
import type { LiveFeed } from './live-feed.js';

/** `Idempotency-Key` of a publish, with the hash that tells a repeat from another request. */
export interface PublishIdempotency {
  idempotencyKey: string;
  requestHash: string;
}

/** A published event (for a repeat: the first one) and how many deliveries match it now. */
export interface PublishedEvent {
  event: EventEnvelope;
  deliveries: number;
  duplicate: boolean;
}

export interface ApiContext {
  config: HooklineConfig;
  store: Store;
  delivery: DeliverySystem;
  apiKeys: ApiKeyCheck;
  /** New deliveries, attempts and executions, for `/api/v1/stream`. */
  feed: LiveFeed;
  /** The node types: where a workflow's triggers listen and how they authenticate. */
  registry: NodeTypeRegistry;
  workflows: ReadonlyMap<string, LoadedWorkflow>;
  /** Workflow files refused by the last load (`--watch` reloads), by file and JSON pointer. */
  problems: readonly WorkflowProblem[];
  setWorkflowActive(id: string, active: boolean): Promise<LoadedWorkflow>;
  /** Publishers' event type schemas: `/event-types`, the catalog, and the check of `POST /events`. */
  eventTypes: EventTypeRegistry;
  publishEvent(
    type: string,
    data: unknown,
    metadata?: Record<string, unknown>,
    idempotency?: PublishIdempotency,
  ): Promise<PublishedEvent>;
  /** Stops a queued or running execution. */
  stopExecution(executionId: string): Promise<StopResult>;
}
