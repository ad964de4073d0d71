/**
 * The delivery loop: claims due deliveries per endpoint (FIFO heads for ordered endpoints, any
 * due rows for unordered ones, full or timed-out batches), hands them to the pool in tasks of
 * many requests, and writes each task's results back in one transaction. Woken by new
 * deliveries, otherwise it polls for due retries. Nothing here assumes it is the only worker:
 * claims take leases, and an expired lease puts a row back in line.
 */
import type { EventEnvelope } from '../events/envelope.js';
import type { Dispatcher, SendTask, SendTaskResult } from '../pool/types.js';
import type { DeliveryLog, OutboxStore } from '../store/types.js';
import type { Matcher } from './matcher.js';
import { buildRequest } from './request-builder.js';
import { settleResult, type HealthSettings } from './settle.js';
import type { DeliveryRecord, Subscription, SubscriptionHealth } from '../store/records.js';

export interface OutboxWorkerOptions {
  outbox: OutboxStore;
  /** Tells whether an endpoint still has open deliveries once a claim came back empty. */
  deliveryLog: Pick<DeliveryLog, 'listDeliveries'>;
  matcher: Matcher;
  dispatcher: Dispatcher;
  settings: HealthSettings;
  /** Publishes operational events (delivery.failing, webhook.disabled …). */
  publish(events: EventEnvelope[]): Promise<void>;
  /** Keeps the in-memory subscription in step with its stored health. */
  onHealth(subscription: Subscription, health: SubscriptionHealth): void;
  owner: string;
  leaseMs: number;
  pollIntervalMs: number;
  claimBatchSize: number;
  /** Tasks in the pool at once. */
  maxTasksInFlight: number;
  log: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

export interface OutboxWorker {
  start(): Promise<void>;
  /** Stops claiming and waits for tasks in flight to be settled. */
  stop(): Promise<void>;
  /** New deliveries for these endpoints: look now instead of at the next poll. */
  wake(subscriptionIds?: Iterable<string>): void;
}

/** An ordered endpoint sends at most this many from its head per task, one after another. */
const ORDERED_RUN = 32;
/** Unordered requests per pool task: enough to amortise the hand-off, small enough to spread. */
const PARALLEL_CHUNK = 64;
const MAINTENANCE_EVERY_MS = 1000;

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { outbox, matcher } = options;
  const active = new Set<string>();
  const busy = new Set<string>();
  const tasks = new Set<Promise<void>>();
  let running = false;
  let pumping = false;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let lastMaintenanceMs = 0;

  async function pump(): Promise<void> {
    if (!running) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        await maintain();
        await claimRound();
      } while (again && running);
    } catch (error) {
      options.log.error({ err: error }, 'outbox round failed');
    } finally {
      pumping = false;
      schedulePoll();
    }
  }

  async function maintain(): Promise<void> {
    const nowMs = Date.now();
    if (nowMs - lastMaintenanceMs < MAINTENANCE_EVERY_MS) return;
    lastMaintenanceMs = nowMs;
    if ((await outbox.reclaimExpiredLeases(nowMs)) > 0)
      for (const id of await outbox.subscriptionsWithOpenDeliveries()) active.add(id);
    const expired = await outbox.expireDue(nowMs, 1000);
    if (expired.length > 0)
      options.log.warn({ count: expired.length }, 'deliveries expired after the retention window');
  }

  async function claimRound(): Promise<void> {
    for (const id of [...active]) {
      if (tasks.size >= options.maxTasksInFlight) return;
      if (busy.has(id)) continue;
      const entry = matcher.get(id);
      if (!entry) {
        active.delete(id);
        continue;
      }
      const { subscription } = entry;
      const nowMs = Date.now();
      if (!subscription.enabled || (subscription.circuitOpenUntilMs ?? 0) > nowMs) continue;
      const claimed = await outbox.claim(claimSpec(subscription), nowMs, options.owner, options.leaseMs);
      if (claimed.length === 0) {
        // Nothing left at all (not even waiting retries): stop looking at this endpoint until woken.
        const open = await options.deliveryLog.listDeliveries({
          subscriptionId: id,
          statuses: ['pending', 'retrying', 'in_flight'],
          limit: 1,
        });
        if (open.length === 0) active.delete(id);
        continue;
      }
      dispatch(subscription, claimed);
    }
  }

  function claimSpec(subscription: Subscription) {
    const batch = subscription.batchSettings
      ? {
          maxEvents: subscription.batchSettings.max_events,
          maxWaitMs: subscription.batchSettings.max_wait_seconds * 1000,
        }
      : undefined;
    const halfOpen = subscription.consecutiveFailures >= options.settings.failureThreshold;
    // A half-open circuit lets one probe through; a closed one takes a full share.
    const limit = halfOpen ? 1 : batch ? batch.maxEvents : subscription.ordered ? ORDERED_RUN : options.claimBatchSize;
    return {
      subscriptionId: subscription.id,
      ordered: subscription.ordered,
      limit,
      batch: halfOpen ? undefined : batch,
    };
  }

  function dispatch(subscription: Subscription, claimed: DeliveryRecord[]): void {
    const nowMs = Date.now();
    const byId = new Map(claimed.map((d) => [d.id, d]));
    const groups: SendTask[] = subscription.batchSettings
      ? [{ mode: 'sequential', requests: [buildRequest(subscription, claimed, nowMs)] }]
      : subscription.ordered
        ? [{ mode: 'sequential', requests: claimed.map((d) => buildRequest(subscription, [d], nowMs)) }]
        : chunk(claimed, PARALLEL_CHUNK).map((part) => ({
            mode: 'parallel' as const,
            requests: part.map((d) => buildRequest(subscription, [d], nowMs)),
          }));
    if (subscription.ordered) busy.add(subscription.id);
    for (const task of groups) {
      const work = options.dispatcher
        .send(task)
        .then((result) => settle(subscription.id, byId, result))
        .catch((error) =>
          options.log.error(
            { err: error, subscriptionId: subscription.id },
            'delivery task failed; leases will expire and retry',
          ),
        )
        .finally(() => {
          tasks.delete(work);
          if (subscription.ordered) busy.delete(subscription.id);
          void pump();
        });
      tasks.add(work);
    }
  }

  async function settle(
    subscriptionId: string,
    byId: Map<string, DeliveryRecord>,
    outcome: SendTaskResult,
  ): Promise<void> {
    let subscription = matcher.get(subscriptionId)?.subscription;
    if (!subscription) return outbox.release([...byId.keys()]);
    const transitions = [];
    const attempts = [];
    const events: EventEnvelope[] = [];
    let recovered = false;
    let health: SubscriptionHealth | null = null;
    for (const result of outcome.results) {
      const settlement = settleResult(
        result,
        result.deliveryIds.map((id) => byId.get(id)!),
        subscription,
        options.settings,
        Date.now(),
      );
      transitions.push(...settlement.transitions);
      attempts.push(...settlement.attempts);
      events.push(...settlement.events);
      recovered ||= settlement.recovered;
      health = settlement.health;
      subscription = { ...subscription, ...settlement.health };
    }
    await outbox.settle(transitions, attempts, health ? [health] : []);
    if (outcome.skipped.length > 0) await outbox.release(outcome.skipped.flat());
    if (health) options.onHealth(subscription, health);
    if (recovered) await outbox.wakeRetrying(subscriptionId, Date.now());
    if (events.length > 0) await options.publish(events);
  }

  function schedulePoll(): void {
    if (!running || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void pump();
    }, options.pollIntervalMs);
    timer.unref();
  }

  return {
    async start() {
      running = true;
      for (const id of await outbox.subscriptionsWithOpenDeliveries()) active.add(id);
      lastMaintenanceMs = 0;
      void pump();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      while (tasks.size > 0 || pumping) await Promise.allSettled([...tasks, new Promise((r) => setTimeout(r, 5))]);
    },
    wake(subscriptionIds) {
      for (const id of subscriptionIds ?? []) active.add(id);
      void pump();
    },
  };
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
