/**
 * The delivery loop: claims due deliveries per endpoint (FIFO heads for ordered endpoints, any
 * due rows for unordered ones, full or timed-out batches), hands them to the pool in tasks of
 * many requests, and settles the results in large transactions. Woken by new deliveries,
 * otherwise it polls for due retries. Nothing here assumes it is the only worker: claims take
 * leases, and an expired lease puts a row back in line.
 *
 * It also fans written events out: ingress writes events only, and a fan-out step turns a bounded
 * page of them into deliveries (one per matching endpoint) after the commit, moving a durable
 * cursor in the same transaction. A request thus costs its events, not events × endpoints.
 *
 * The main thread only fans out, claims and settles; signing and sending happen in the pool. Every
 * step (a fan-out page, a claim round, a settle batch, a maintenance pass) is bounded and paced
 * (see pacer.ts), so requests, `/healthz` and the API are answered between steps however large the
 * backlog.
 */
import type { EventEnvelope } from '../events/envelope.js';
import type { Dispatcher, SendTask, SendTaskResult } from '../pool/types.js';
import type { ClaimSpec, DeliveryPlanner, FanOutResult, OutboxStore, SyncRules } from '../store/types.js';
import { failedTask } from '../pool/outcome.js';
import { TUNING } from '../tuning.js';
import type { Matcher } from './matcher.js';
import type { Pacer } from './pacer.js';
import { createLeaseKeeper } from './lease-keeper.js';
import { buildRequest } from './request-builder.js';
import { settleResult, type HealthSettings, type Settlement } from './settle.js';
import type { TargetPolicy } from '../message/target-guard.js';
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryTransition,
  Subscription,
  SubscriptionHealth,
} from '../store/records.js';
import type { Logger } from '../logger.js';
import type { DeliveryRecorder } from '../metrics/index.js';

export interface OutboxWorkerOptions {
  outbox: OutboxStore;
  matcher: Matcher;
  dispatcher: Dispatcher;
  pacer: Pacer;
  settings: HealthSettings;
  /** The SSRF policy every send task carries into the pool (`allowPrivateTargets`, `httpsOnly`). */
  targets: TargetPolicy;
  /** Publishes operational events (delivery.failing, webhook.disabled …). */
  publish(events: EventEnvelope[]): Promise<void>;
  /** Keeps the in-memory subscription in step with its stored health. */
  onHealth(subscription: Subscription, health: SubscriptionHealth): void;
  /** Deliveries reached a final state (succeeded, failed, expired). */
  onClosed(count: number): void;
  /** Told about attempts and state changes once they are written (the metrics). */
  recorder?: DeliveryRecorder;
  /** Turns written events into deliveries, `maxEvents` per step. */
  fanOut: {
    plan: DeliveryPlanner;
    maxEvents: number;
    maxDeliveries: number;
    /** Brings the rules up to the store's version before a page is planned (a store shared by processes). */
    sync?: SyncRules;
    onFannedOut(result: FanOutResult): void;
  };
  owner: string;
  leaseMs: number;
  pollIntervalMs: number;
  claimBatchSize: number;
  /** Tasks in the pool at once. */
  maxTasksInFlight: number;
  log: Logger;
}

export interface OutboxWorker {
  start(): Promise<void>;
  /** Stops claiming, waits for tasks in flight and settles their results. */
  stop(): Promise<void>;
  /** New deliveries for these endpoints: look now instead of at the next poll. */
  wake(subscriptionIds?: Iterable<string>): void;
  /** New events were written: fan them out now. */
  wakeFanOut(): void;
}

/** A finished pool task, waiting to be settled with others in one transaction. */
interface Finished {
  subscriptionId: string;
  byId: Map<string, DeliveryRecord>;
  outcome: SendTaskResult;
}

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { outbox, matcher, pacer, targets } = options;
  const { orderedRun, parallelChunk, claimRoundRows, settleBatch, maintenanceEveryMs, maintenanceRows } = TUNING.outbox;
  /** Endpoints that may have work; an empty claim with nothing open drops one until it is woken. */
  const active = new Set<string>();
  /** Endpoints with their one task in flight (ordered, or probing a half-open circuit). */
  const busy = new Set<string>();
  const finished: Finished[] = [];
  let inFlight = 0;
  let running = false;
  let pumping = false;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let lastMaintenanceMs = 0;
  /** Events may wait for their fan-out (set by commits, and at start for a crash's leftovers). */
  let fanOutPending = false;
  const leases = createLeaseKeeper({ outbox, owner: options.owner, leaseMs: options.leaseMs, log: options.log });

  async function pump(): Promise<void> {
    if (!running) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      // Each pass gives every kind of work one bounded step, so a steady stream of one kind
      // (commits to fan out, results to settle) never starves the others.
      do {
        again = false;
        if (finished.length > 0 && (await step(settleFinished))) again = true;
        if (fanOutPending && (await step(fanOutStep))) again = true;
        if (Date.now() - lastMaintenanceMs >= maintenanceEveryMs) await step(maintain);
        if (await step(claimRound)) again = true;
      } while (again && running);
    } catch (error) {
      options.log.error({ err: error }, 'outbox round failed');
    } finally {
      pumping = false;
      schedulePoll();
    }
  }

  /**
   * A step's size: full when the engine is quiet, a fraction while requests arrive, since a step
   * cannot be interrupted and the longest one is the event-loop lag a request may see.
   */
  function stepSize(full: number): number {
    return pacer.busy ? Math.max(1, Math.ceil(full * TUNING.pacing.busyStepScale)) : full;
  }

  /** Waits for the pacer's turn, then runs one step; true when the step says more work waits. */
  async function step(run: () => Promise<boolean | void>): Promise<boolean> {
    await pacer.turn();
    if (!running) return false;
    return (await run()) === true;
  }

  /** Plans one bounded page of written events into deliveries; the endpoints that got some look next. */
  async function fanOutStep(): Promise<boolean> {
    fanOutPending = false;
    let result: FanOutResult;
    try {
      const { plan, maxEvents, maxDeliveries, sync } = options.fanOut;
      const events = stepSize(maxEvents);
      result = await pacer.charge(() => outbox.fanOut(plan, events, stepSize(maxDeliveries), sync));
    } catch (error) {
      fanOutPending = true; // the cursor did not move: the next pass or poll tries the page again
      throw error;
    }
    options.fanOut.onFannedOut(result);
    for (const id of result.subscriptionIds) active.add(id);
    fanOutPending = result.more;
    return result.more;
  }

  async function maintain(): Promise<void> {
    const nowMs = Date.now();
    if (nowMs - lastMaintenanceMs < maintenanceEveryMs) return;
    lastMaintenanceMs = nowMs;
    const reclaimed = await pacer.charge(() => outbox.reclaimExpiredLeases(nowMs, maintenanceRows));
    // A reclaimed row may belong to any endpoint: look at each once; empty ones drop out at their claim.
    if (reclaimed > 0) for (const { subscription } of matcher.entries()) active.add(subscription.id);
    await pacer.turn();
    const expired = await pacer.charge(() => outbox.expireDue(nowMs, maintenanceRows));
    if (expired.length > 0) {
      options.onClosed(expired.length);
      options.recorder?.expired(expired);
      options.log.warn({ count: expired.length }, 'deliveries expired after the retention window');
    }
    // A full pass means there may be more: come back at the next step instead of in a second.
    if (reclaimed === maintenanceRows || expired.length === maintenanceRows) lastMaintenanceMs = 0;
  }

  /** One transaction claims for as many endpoints as the pool has room for; returns whether anything was claimed. */
  async function claimRound(): Promise<boolean> {
    const nowMs = Date.now();
    const picked: { subscription: Subscription; spec: ClaimSpec }[] = [];
    let rows = 0;
    let tasksLeft = options.maxTasksInFlight - inFlight;
    for (const id of active) {
      if (tasksLeft <= 0 || rows >= stepSize(claimRoundRows)) break;
      if (busy.has(id)) continue;
      const subscription = matcher.get(id)?.subscription;
      if (!subscription) {
        active.delete(id);
        continue;
      }
      if (!subscription.enabled || (subscription.circuitOpenUntilMs ?? 0) > nowMs) continue;
      const spec = claimSpec(subscription, tasksLeft);
      picked.push({ subscription, spec });
      rows += spec.limit;
      tasksLeft -= subscription.ordered || spec.batch ? 1 : Math.ceil(spec.limit / parallelChunk);
    }
    if (picked.length === 0) return false;
    const results = await pacer.charge(() =>
      outbox.claimMany(
        picked.map((p) => p.spec),
        nowMs,
        options.owner,
        options.leaseMs,
      ),
    );
    let claimedAny = false;
    results.forEach(({ claimed, open }, i) => {
      const { subscription } = picked[i];
      // Re-adding moves the endpoint to the back of the line: endpoints take turns.
      active.delete(subscription.id);
      if (open) active.add(subscription.id);
      if (claimed.length === 0) return;
      claimedAny = true;
      pacer.charge(() => dispatch(subscription, claimed));
    });
    return claimedAny;
  }

  function claimSpec(subscription: Subscription, tasksLeft: number): ClaimSpec {
    const batch = subscription.batchSettings
      ? {
          maxEvents: subscription.batchSettings.max_events,
          maxWaitMs: subscription.batchSettings.max_wait_seconds * 1000,
        }
      : undefined;
    const halfOpen = isHalfOpen(subscription);
    // A half-open circuit lets one probe through; a closed one takes a full share.
    const unorderedLimit = Math.min(options.claimBatchSize, tasksLeft * parallelChunk);
    const limit = halfOpen ? 1 : batch ? batch.maxEvents : subscription.ordered ? orderedRun : unorderedLimit;
    return {
      subscriptionId: subscription.id,
      ordered: subscription.ordered,
      limit,
      batch: halfOpen ? undefined : batch,
    };
  }

  function isHalfOpen(subscription: Subscription): boolean {
    return subscription.consecutiveFailures >= options.settings.failureThreshold;
  }

  function dispatch(subscription: Subscription, claimed: DeliveryRecord[]): void {
    const nowMs = Date.now();
    const byId = new Map(claimed.map((d) => [d.id, d]));
    leases.hold(byId.keys());
    const groups: SendTask[] = subscription.batchSettings
      ? [{ mode: 'sequential', requests: [buildRequest(subscription, claimed, nowMs)], targets }]
      : subscription.ordered
        ? [{ mode: 'sequential', requests: claimed.map((d) => buildRequest(subscription, [d], nowMs)), targets }]
        : chunk(claimed, parallelChunk).map((part) => ({
            mode: 'parallel' as const,
            requests: part.map((d) => buildRequest(subscription, [d], nowMs)),
            targets,
          }));
    // One task at a time for an ordered endpoint (FIFO), and for a half-open circuit (one probe).
    const oneAtATime = subscription.ordered || isHalfOpen(subscription);
    if (oneAtATime) busy.add(subscription.id);
    for (const task of groups) {
      inFlight++;
      options.dispatcher
        .send(task)
        .then((outcome) => void finished.push({ subscriptionId: subscription.id, byId, outcome }))
        .catch((error) => {
          // The pool itself failed (a thread died): each request counts as a failed attempt, so it
          // is retried with backoff instead of coming back unchanged whenever its lease runs out.
          options.log.error({ err: error, subscriptionId: subscription.id }, 'delivery task failed in the pool');
          finished.push({ subscriptionId: subscription.id, byId, outcome: failedTask(task, error) });
        })
        .finally(() => {
          inFlight--;
          if (oneAtATime) busy.delete(subscription.id);
          void pump();
        });
    }
  }

  /** Settles up to `settleBatch` finished results in one transaction, in the order they finished. */
  async function settleFinished(): Promise<boolean> {
    const taken: Finished[] = [];
    for (let rows = 0, most = stepSize(settleBatch); finished.length > 0 && rows < most;) {
      const next = finished.shift()!;
      taken.push(next);
      rows += next.outcome.results.length;
    }
    const transitions: DeliveryTransition[] = [];
    const attempts: AttemptRecord[] = [];
    const events: EventEnvelope[] = [];
    const toRelease: string[] = [];
    /** Each endpoint's health as this batch leaves it: a later result builds on an earlier one. */
    const current = new Map<string, Subscription>();
    const health = new Map<string, SubscriptionHealth>();
    const recovered = new Set<string>();
    const settled: { subscriptionId: string; settlement: Settlement }[] = [];
    pacer.charge(() => {
      for (const { subscriptionId, byId, outcome } of taken) {
        let subscription = current.get(subscriptionId) ?? matcher.get(subscriptionId)?.subscription;
        if (!subscription) {
          toRelease.push(...byId.keys());
          continue;
        }
        for (const result of outcome.results) {
          const deliveries = result.deliveryIds.map((id) => byId.get(id)!);
          const settlement = settleResult(result, deliveries, subscription, options.settings, Date.now());
          // Only while this worker still holds the lease: a late result never overwrites a newer one.
          for (const t of settlement.transitions) transitions.push({ ...t, leaseOwner: options.owner });
          attempts.push(...settlement.attempts);
          events.push(...settlement.events);
          if (settlement.recovered) recovered.add(subscriptionId);
          settled.push({ subscriptionId, settlement });
          health.set(subscriptionId, settlement.health);
          subscription = { ...subscription, ...settlement.health };
        }
        current.set(subscriptionId, subscription);
        toRelease.push(...outcome.skipped.flat());
      }
    });
    let closed: number;
    try {
      closed = await pacer.charge(() => outbox.settle(transitions, attempts, [...health.values()]));
    } catch (error) {
      finished.unshift(...taken); // nothing was written: settle these again at the next pass
      throw error;
    }
    // Not renewed from here on, even if the release fails: then the lease runs out and puts them back.
    leases.drop(toRelease);
    for (const { outcome } of taken) for (const result of outcome.results) leases.drop(result.deliveryIds);
    if (toRelease.length > 0) await pacer.charge(() => outbox.release(toRelease, options.owner));
    for (const [id, h] of health) options.onHealth(current.get(id)!, h);
    for (const { subscriptionId, settlement } of settled)
      options.recorder?.settled(subscriptionId, settlement.transitions, settlement.attempts);
    for (const id of recovered) {
      await outbox.wakeRetrying(id, Date.now());
      active.add(id);
    }
    options.onClosed(closed);
    if (events.length > 0)
      options.publish(events).catch((error) => options.log.error({ err: error }, 'operational events not written'));
    return finished.length > 0;
  }

  function schedulePoll(): void {
    if (!running || timer) return;
    timer = setTimeout(() => {
      timer = null;
      fanOutPending = true; // a backstop: one cheap cursor query finds events a failed step left behind
      void pump();
    }, options.pollIntervalMs);
    timer.unref();
  }

  return {
    async start() {
      running = true;
      // Every endpoint is looked at once; those with nothing open drop out at their first claim.
      for (const { subscription } of matcher.entries()) active.add(subscription.id);
      lastMaintenanceMs = 0;
      fanOutPending = true;
      leases.start();
      void pump();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      while (inFlight > 0 || pumping) await new Promise((resolve) => setTimeout(resolve, 5));
      try {
        while (finished.length > 0) await settleFinished();
      } catch (error) {
        // Leases expire and the rows are sent again: at-least-once, and stop() still completes.
        options.log.error({ err: error }, 'results not settled at stop');
      }
      leases.stop();
    },
    wake(subscriptionIds) {
      for (const id of subscriptionIds ?? []) active.add(id);
      void pump();
    },
    wakeFanOut() {
      fanOutPending = true;
      void pump();
    },
  };
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
