/** What the management API needs from the engine, passed in by `createEngine`. */
import type { HooklineConfig } from '../config.js';
import type { DeliverySystem } from '../delivery/index.js';
import type { EventEnvelope } from '../events/envelope.js';
import type { Store } from '../store/types.js';
import type { LoadedWorkflow, NodeTypeRegistry } from '../workflow/types.js';
import type { ApiKeyCheck } from './api-keys.js';
import type { LiveFeed } from './live-feed.js';

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
  setWorkflowActive(id: string, active: boolean): Promise<LoadedWorkflow>;
  publishEvent(
    type: string,
    data: unknown,
    metadata?: Record<string, unknown>,
  ): Promise<{ event: EventEnvelope; deliveries: number }>;
}
