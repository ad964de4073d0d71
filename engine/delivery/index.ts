/**
 * The outgoing side, assembled: matcher, subscriptions, the outbox worker (which also fans each
 * written event out to its deliveries, after the commit) and its pool.
 */
import { availableParallelism } from 'node:os';
import type { HooklineConfig } from '../config.js';
import { createEvent, type EventEnvelope } from '../events/envelope.js';
import { withOrganization, workspaceOrganization } from '../events/organization.js';
import type { CommitResult, Store, StoreSignal } from '../store/types.js';
import { createRulesSync } from './rules-sync.js';
import { TUNING } from '../tuning.js';
import { createBacklog } from './backlog.js';
import { createPacer } from './pacer.js';
import { createMatcher, type LoadFailure, type Matcher } from './matcher.js';
import type { Dispatcher } from '../pool/types.js';
import { createOutboxWorker, type OutboxWorker } from './outbox-worker.js';
import { createSubscriptions, type Subscriptions } from './subscriptions.js';
import { createNodeSender, type NodeSender } from './node-sends.js';
import type { GroupCommitter } from '../store/group-commit.js';
import type { Logger } from '../logger.js';
import type { DeliveryRecorder } from '../metrics/index.js';
import { createManualRetry, type RetryDelivery } from './manual-retry.js';
import { createReplay, type ReplayEvents } from './replay.js';
import { createTestSender, type SendTestEvent } from './test-send.js';
import { createEventErasure, type EraseEvent } from './erasure.js';

export interface DeliverySystem {
  matcher: Matcher;
  subscriptions: Subscriptions;
  worker: OutboxWorker;
  /** How many subscriptions an event goes to, as they are now (the fan-out writes them just after). */
  countMatches(event: EventEnvelope): number;
  /** Sender nodes' URL posts, through the outbox. */
  sendFromNode: NodeSender;
  /** Puts one delivery back in line now (the API's manual retry). */
  retryDelivery: RetryDelivery;
  /** Queues again, for one subscription, every stored event of a range it wants. */
  replay: ReplayEvents;
  /** Sends one test event to a subscription now and returns the receiver's answer. */
  sendTest: SendTestEvent;
  /** Erases one event's content everywhere it is stored; its open deliveries are closed. */
  eraseEvent: EraseEvent;
  /** Call after each commit: wakes the fan-out for new events. */
  afterCommit(result: CommitResult): void;
  /** A request arrived: delivery keeps to its share for a while. */
  noteForeground(): void;
  /**
   * With `maxBacklog` set: the seconds a trigger caller should wait while more deliveries are open
   * (or events wait for their fan-out) than that; the request is counted as shed and logged, at
   * most once a second. Else 0.
   */
  shedSeconds(): number;
  /** Trigger requests shed since start. */
  readonly shedCount: number;
  /**
   * Open deliveries plus events waiting for their fan-out, recounted from the store when the last
   * count is older than `TUNING.backlogRecountEveryMs`: the running count misses some changes (a
   * deleted webhook's rows, a manual retry, and on PostgreSQL the other processes' work).
   */
  outboxPending(): Promise<number>;
  /** Ids of the enabled endpoints whose circuit is open at `nowMs`, as this process knows their health. */
  openCircuits(nowMs: number): string[];
  /** Open deliveries (pending, retrying, in flight) plus events not fanned out yet, as this process counts them. */
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
  /** Told about attempts and final states (the metrics). */
  recorder?: DeliveryRecorder;
  /**
   * Told when deliveries were written: by this process's fan-out (ids unknown: null), or by another
   * process that announced them through the store (PostgreSQL). The live stream listens here.
   */
  onDeliveriesWritten?: (subscriptionIds: string[] | null) => void;
}

export function createDeliverySystem(options: DeliveryOptions): DeliverySystem {
  const { store, config } = options;
  // Fire and forget: matching must not wait on a write; a failed write is logged.
  const publish = (events: EventEnvelope[]): void =>
    void options.committer
      .submit({ events })
      .catch((error: unknown) => options.log.error({ err: error }, 'operational event not written'));
  const matcher = createMatcher({
    retentionMs: config.retentionSec * 1000,
    onBudgetExceeded({ subscription, event, steps }) {
      options.log.warn(
        { subscriptionId: subscription.id, eventId: event.id, eventType: event.type, steps },
        'webhook rule ran over its work budget; counted as no match',
      );
      const organization = workspaceOrganization(subscription.workspace);
      publish(
        withOrganization(
          [
            createEvent('webhook.rule_budget_exceeded', {
              webhook_id: subscription.id,
              url: subscription.url,
              event_id: event.id,
              event_type: event.type,
              steps,
              exceeded_total: matcher.budgetExceeded,
            }),
          ],
          organization,
        ),
      );
    },
  });
  const rules = createRulesSync({
    store,
    matcher,
    // Still matches nothing if this write fails: logged, and the load goes on.
    onLoadFailure: (failure) =>
      disableUnloadable(failure).catch((error: unknown) =>
        options.log.error({ err: error, subscriptionId: failure.subscription.id }, 'could not disable webhook'),
      ),
    onReload: () => wakeAll(),
    checkEveryMs: TUNING.outbox.rulesCheckEveryMs,
    log: options.log,
  });
  const subscriptions = createSubscriptions(store, matcher, config, rules.ownChange);
  // Plain data for every send task: the worker threads apply it at connect time.
  const targets = { allowPrivateTargets: config.allowPrivateTargets, httpsOnly: config.httpsOnly };
  const pacer = createPacer({
    busyShare: config.deliveryBusyShare,
    busyForMs: TUNING.pacing.busyForMs,
    burstMs: TUNING.pacing.burstMs,
    offThreadMs: () => options.dispatcher.busyMs?.() ?? 0,
    mainActiveMs: () => performance.eventLoopUtilization().active,
  });
  /**
   * A stored subscription whose rules no longer compile is disabled with the reason, logged and
   * announced (`webhook.disabled`); it never stops the start. One already disabled keeps its state.
   */
  async function disableUnloadable(failure: LoadFailure): Promise<void> {
    const { subscription, reason, field } = failure;
    const disabledReason = `Rules failed to load: ${reason}`;
    options.log.warn(
      { subscriptionId: subscription.id, field, reason, enabled: subscription.enabled },
      'webhook rules failed to load; it matches nothing until they are fixed',
    );
    if (!subscription.enabled) return;
    const health = {
      id: subscription.id,
      consecutiveFailures: subscription.consecutiveFailures,
      failingSinceMs: subscription.failingSinceMs,
      circuitOpenUntilMs: subscription.circuitOpenUntilMs,
      lastDeliveryAtMs: subscription.lastDeliveryAtMs,
      enabled: false,
      disabledReason,
    };
    // Health columns only: the stored rules stay exactly as found, for the user to fix.
    await store.outbox.settle([], [], [health]);
    matcher.patch(subscription.id, health);
    await options.committer.submit({
      events: withOrganization(
        [
          createEvent('webhook.disabled', {
            webhook_id: subscription.id,
            url: subscription.url,
            reason: disabledReason,
            field,
          }),
        ],
        workspaceOrganization(subscription.workspace),
      ),
    });
  }

  const backlog = createBacklog({ outbox: store.outbox, maxBacklog: config.maxBacklog, log: options.log });
  const worker = createOutboxWorker({
    outbox: store.outbox,
    matcher,
    dispatcher: options.dispatcher,
    pacer,
    onClosed: backlog.closed,
    recorder: options.recorder,
    fanOut: {
      plan: (event) => {
        // One event that cannot be planned must not hold up every event behind the cursor.
        try {
          return matcher.plan(event);
        } catch (error) {
          options.log.error({ err: error, eventId: event.id, type: event.type }, 'event not fanned out');
          return [];
        }
      },
      maxEvents: TUNING.outbox.fanOutEvents,
      maxDeliveries: TUNING.outbox.fanOutDeliveries,
      sync: rules.syncTo,
      onFannedOut(result) {
        backlog.opened(result.deliveries);
        backlog.eventsFannedOut(result.events);
        if (result.deliveries > 0) options.onDeliveriesWritten?.(null);
      },
    },
    targets,
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
      // Health may only switch a webhook off: one the API disabled meanwhile stays disabled.
      matcher.patch(current.id, { ...health, enabled: current.enabled && health.enabled });
      if (current.enabled && !health.enabled)
        options.log.warn({ subscriptionId: current.id, reason: health.disabledReason }, 'webhook disabled');
    },
    owner: options.owner,
    leaseMs: config.leaseMs,
    pollIntervalMs: config.pollIntervalMs,
    claimBatchSize: config.claimBatchSize,
    recoveryProbeMs: config.recoveryProbeSec * 1000,
    maxTasksInFlight: Math.max(
      4,
      (config.poolThreads || availableParallelism()) * TUNING.outbox.tasksInFlightPerThread,
    ),
    maxTasksPerEndpoint: config.maxTasksPerEndpoint,
    reserveSlots: (key, count, intervalMs, nowMs) => store.counters.reserveSlots(key, count, intervalMs, nowMs),
    log: options.log,
  });
  const sendFromNode = createNodeSender({
    subscriptions,
    matcher,
    committer: () => options.committer,
    deliveryTimeoutMs: config.deliveryTimeoutMs,
    retentionMs: config.retentionSec * 1000,
    allowPrivateTargets: config.allowPrivateTargets,
    httpsOnly: config.httpsOnly,
    wake: (id) => worker.wake([id]),
  });
  const replay = createReplay({
    store,
    matcher,
    committer: () => options.committer,
    wake: (id) => worker.wake([id]),
  });
  /** Looks at every endpoint once (those with nothing open drop out at their first claim). */
  function wakeAll(): void {
    worker.wake([...matcher.entries()].map(({ subscription }) => subscription.id));
  }
  /** Another process's wake-up (PostgreSQL NOTIFY); polling covers any that are lost. */
  function onSignal(signal: StoreSignal): void {
    if (signal.kind === 'events') worker.wakeFanOut();
    else if (signal.kind === 'subscriptions')
      rules.check().catch((error: unknown) => options.log.error({ err: error }, 'subscriptions reload failed'));
    else if (signal.subscriptionIds) worker.wake(signal.subscriptionIds);
    else wakeAll();
    if (signal.kind === 'deliveries') options.onDeliveriesWritten?.(signal.subscriptionIds);
  }
  let stopListening: () => Promise<void> = async () => {};
  /** When `outboxPending` last recounted the backlog. */
  let countedAtMs = 0;

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
    sendTest: createTestSender(options.dispatcher, targets, matcher),
    eraseEvent: createEventErasure({ store, onClosed: backlog.closed, log: options.log }),
    countMatches: (event) => matcher.count(event),
    afterCommit(result) {
      backlog.opened(result.deliveries);
      if (result.events === 0) return;
      backlog.eventsWritten(result.events);
      worker.wakeFanOut();
    },
    noteForeground: () => pacer.noteForeground(),
    shedSeconds: backlog.shedSeconds,
    get backlog() {
      return backlog.size;
    },
    get shedCount() {
      return backlog.shedCount;
    },
    async outboxPending() {
      if (Date.now() - countedAtMs >= TUNING.backlogRecountEveryMs) {
        countedAtMs = Date.now();
        await backlog.recount();
      }
      return backlog.size;
    },
    openCircuits(nowMs) {
      const open: string[] = [];
      for (const { subscription } of matcher.entries())
        if (subscription.enabled && (subscription.circuitOpenUntilMs ?? 0) > nowMs) open.push(subscription.id);
      return open;
    },
    async start() {
      await rules.start();
      await backlog.start();
      stopListening = await store.listen(onSignal);
      await worker.start();
    },
    async stop() {
      rules.stop();
      await stopListening();
      backlog.stop();
      await worker.stop();
      await options.dispatcher.close();
    },
  };
}
