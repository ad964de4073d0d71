/**
 * The outgoing side, assembled: matcher (the planner the store calls inside each commit),
 * subscriptions, the outbox worker and its pool.
 */
import { availableParallelism } from 'node:os';
import type { HooklineConfig } from '../config.js';
import type { CommitResult, DeliveryPlanner, Store } from '../store/types.js';
import { TUNING } from '../tuning.js';
import { createPacer } from './pacer.js';
import { createMatcher, type Matcher } from './matcher.js';
import type { Dispatcher } from '../pool/types.js';
import { createOutboxWorker, type OutboxWorker } from './outbox-worker.js';
import { createSubscriptions, type Subscriptions } from './subscriptions.js';
import { createNodeSender, type NodeSender } from './node-sends.js';
import type { GroupCommitter } from '../store/group-commit.js';
import type { Logger } from '../logger.js';
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
  afterCommit(result: CommitResult): void;
  /** A request arrived: delivery keeps to its share of the main thread for a while. */
  noteForeground(): void;
  /**
   * With `maxBacklog` set: the seconds a trigger caller should wait while more deliveries are open
   * than that (the request is counted as shed and logged, at most once a second), else 0.
   */
  shedSeconds(): number;
  /** Trigger requests shed since start. */
  readonly shedCount: number;
  /** Open deliveries (pending, retrying, in flight), as this process counts them. */
  readonly backlog: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface DeliveryOptions {
  store: Store;
  config: HooklineConfig;
  dispatcher: Dispatcher;
  /** Writes operational events and sender-node deliveries; the delivery system plans through it too. */
  committer: GroupCommitter;
  log: Logger;
  owner: string;
}

export function createDeliverySystem(options: DeliveryOptions): DeliverySystem {
  const { store, config } = options;
  const matcher = createMatcher({ retentionMs: config.retentionSec * 1000 });
  const subscriptions = createSubscriptions(store, matcher, config);
  const touched = new Set<string>();
  const pacer = createPacer({
    busyShare: config.deliveryBusyShare,
    busyForMs: TUNING.pacing.busyForMs,
    burstMs: TUNING.pacing.burstMs,
  });
  // Counted at start, then kept by commits (+) and final settlements (−). Only one process's view:
  // with several engines on one store, each sheds on what it wrote and settled.
  let backlog = 0;
  let shedCount = 0;
  let shedLoggedAtMs = 0;
  const worker = createOutboxWorker({
    outbox: store.outbox,
    matcher,
    dispatcher: options.dispatcher,
    pacer,
    onClosed: (count) => (backlog = Math.max(0, backlog - count)),
    settings: {
      scheduleSec: config.retryScheduleSec,
      jitter: config.retryJitter,
      failureThreshold: config.failureThreshold,
      disableAfterMs: config.disableAfterSec * 1000,
    },
    publish: async (events) => void (await options.committer.submit({ events })),
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
    maxTasksInFlight: Math.max(
      4,
      (config.poolThreads || availableParallelism()) * TUNING.outbox.tasksInFlightPerThread,
    ),
    log: options.log,
  });
  const sendFromNode = createNodeSender({
    subscriptions,
    matcher,
    committer: () => options.committer,
    deliveryTimeoutMs: config.deliveryTimeoutMs,
    retentionMs: config.retentionSec * 1000,
    allowPrivateTargets: config.allowPrivateTargets,
    wake: (id) => worker.wake([id]),
  });
  const replay = createReplay({
    store,
    matcher,
    committer: () => options.committer,
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
    afterCommit(result) {
      backlog += result.deliveries ?? 0;
      if (touched.size === 0) return;
      const ids = [...touched];
      touched.clear();
      worker.wake(ids);
    },
    noteForeground: () => pacer.noteForeground(),
    shedSeconds() {
      if (config.maxBacklog === 0 || backlog <= config.maxBacklog) return 0;
      shedCount++;
      if (Date.now() - shedLoggedAtMs >= 1000) {
        shedLoggedAtMs = Date.now();
        options.log.warn({ backlog, maxBacklog: config.maxBacklog, shed: shedCount }, 'shedding trigger load');
      }
      return TUNING.backlogRetryAfterSec;
    },
    get backlog() {
      return backlog;
    },
    get shedCount() {
      return shedCount;
    },
    async start() {
      matcher.load(await store.listSubscriptions());
      backlog = await store.outbox.countOpen();
      await worker.start();
    },
    async stop() {
      await worker.stop();
      await options.dispatcher.close();
    },
  };
}
