/**
 * The outgoing side, assembled: matcher (the planner the store calls inside each commit),
 * subscriptions, the outbox worker and its pool.
 */
import type { HooklineConfig } from '../config.js';
import type { EventEnvelope } from '../events/envelope.js';
import type { DeliveryPlanner, Store } from '../store/types.js';
import { createMatcher, type Matcher } from './matcher.js';
import type { Dispatcher } from '../pool/types.js';
import { createOutboxWorker, type OutboxWorker } from './outbox-worker.js';
import { createSubscriptions, type Subscriptions } from './subscriptions.js';
import { createNodeSender, type NodeSender } from './node-sends.js';
import type { GroupCommitter } from '../store/group-commit.js';
import { createManualRetry, type RetryDelivery } from './manual-retry.js';
import { createReplay, type ReplayEvents } from './replay.js';
import { createTestSender, type SendTestEvent } from './test-send.js';

export interface DeliverySystem {
  matcher: Matcher;
  subscriptions: Subscriptions;
  worker: OutboxWorker;
  /** Give this to the group committer: fans events out inside the writing transaction. */
  planDeliveries: DeliveryPlanner;
  /** Sender nodes' URL posts, through the outbox. */
  sendFromNode: NodeSender;
  /** Puts one delivery back in line now (the API's manual retry). */
  retryDelivery: RetryDelivery;
  /** Queues again, for one subscription, every stored event of a range it wants. */
  replay: ReplayEvents;
  /** Sends one test event to a subscription now and returns the receiver's answer. */
  sendTest: SendTestEvent;
  /** Call after each commit: wakes the worker for the endpoints that just got deliveries. */
  afterCommit(): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface DeliveryOptions {
  store: Store;
  config: HooklineConfig;
  dispatcher: Dispatcher;
  publish(events: EventEnvelope[]): Promise<void>;
  committer: () => GroupCommitter;
  log: {
    warn(obj: object, msg?: string): void;
    error(obj: object, msg?: string): void;
    info(obj: object, msg?: string): void;
  };
  owner: string;
}

export function createDeliverySystem(options: DeliveryOptions): DeliverySystem {
  const { store, config } = options;
  const matcher = createMatcher({ retentionMs: config.retentionSec * 1000 });
  const subscriptions = createSubscriptions(store, matcher, config);
  const touched = new Set<string>();
  const worker = createOutboxWorker({
    outbox: store.outbox,
    deliveryLog: store.deliveryLog,
    matcher,
    dispatcher: options.dispatcher,
    settings: {
      scheduleSec: config.retryScheduleSec,
      jitter: config.retryJitter,
      failureThreshold: config.failureThreshold,
      disableAfterMs: config.disableAfterSec * 1000,
    },
    publish: options.publish,
    onHealth: (subscription, health) => {
      const current = matcher.get(subscription.id)?.subscription;
      if (!current) return;
      matcher.patch(current.id, health);
      if (current.enabled && !health.enabled)
        options.log.warn({ subscriptionId: current.id, reason: health.disabledReason }, 'webhook disabled');
    },
    owner: options.owner,
    leaseMs: config.leaseMs,
    pollIntervalMs: config.pollIntervalMs,
    claimBatchSize: config.claimBatchSize,
    maxTasksInFlight: Math.max(4, (config.poolThreads || 2) * 4),
    log: options.log,
  });
  const sendFromNode = createNodeSender({
    subscriptions,
    matcher,
    committer: options.committer,
    deliveryTimeoutMs: config.deliveryTimeoutMs,
    retentionMs: config.retentionSec * 1000,
    allowPrivateTargets: config.allowPrivateTargets,
    wake: (id) => worker.wake([id]),
  });
  const replay = createReplay({
    store,
    matcher,
    committer: options.committer,
    wake: (id) => worker.wake([id]),
  });
  return {
    matcher,
    subscriptions,
    worker,
    sendFromNode,
    replay,
    retryDelivery: createManualRetry({
      deliveryLog: store.deliveryLog,
      retentionMs: config.retentionSec * 1000,
      wake: (id) => worker.wake([id]),
    }),
    sendTest: createTestSender(options.dispatcher),
    planDeliveries(event) {
      const planned = matcher.plan(event);
      for (const delivery of planned) touched.add(delivery.subscriptionId);
      return planned;
    },
    afterCommit() {
      if (touched.size === 0) return;
      const ids = [...touched];
      touched.clear();
      worker.wake(ids);
    },
    async start() {
      matcher.load(await store.listSubscriptions());
      await worker.start();
    },
    async stop() {
      await worker.stop();
      await options.dispatcher.close();
    },
  };
}
