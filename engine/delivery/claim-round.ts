/**
 * One claim round of the delivery loop and the hand-off of what it claimed to the pool: which
 * endpoints get a claim (those woken, in turn, with room in the pool), how much each takes (an
 * ordered run, a batch, a half-open probe, a pool's share, or its rate limit's share), and the
 * send tasks built from the claimed rows.
 *
 * Pool slots are shared fairly: an endpoint holds at most `maxTasksPerEndpoint` tasks at once, so
 * receivers that hang until their timeout cannot take every slot, and a healthy endpoint still
 * gets its claims while they wait.
 */
import type { Dispatcher, SendTask, SendTaskResult } from '../pool/types.js';
import type { ClaimSpec, OutboxStore } from '../store/types.js';
import type { DeliveryRecord, Subscription } from '../store/records.js';
import type { TargetPolicy } from '../message/target-guard.js';
import type { Logger } from '../logger.js';
import { failedTask } from '../pool/outcome.js';
import { TUNING } from '../tuning.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { Matcher } from './matcher.js';
import type { Pacer } from './pacer.js';
import type { RecoveryProbes } from './recovery-probe.js';
import { buildRequest } from './request-builder.js';
import type { SendPacing } from './send-pacing.js';

/** A finished pool task, waiting to be settled with others in one transaction. */
export interface FinishedTask {
  subscriptionId: string;
  byId: Map<string, DeliveryRecord>;
  /** The headers each request was sent with before signing, by its first delivery id (for the attempt log). */
  sentHeaders: Map<string, Record<string, string>>;
  outcome: SendTaskResult;
}

export interface ClaimRoundOptions {
  outbox: OutboxStore;
  matcher: Matcher;
  dispatcher: Dispatcher;
  pacer: Pacer;
  targets: TargetPolicy;
  leases: LeaseKeeper;
  probes: RecoveryProbes;
  pacing: SendPacing;
  /** Endpoints that may have work; an empty claim with nothing open drops one until it is woken. */
  active: Set<string>;
  /** Consecutive failures from which an endpoint's circuit is half-open (one probe at a time). */
  failureThreshold: number;
  owner: string;
  leaseMs: number;
  claimBatchSize: number;
  /** Tasks in the pool at once. */
  maxTasksInFlight: number;
  /** Tasks one endpoint may have in the pool at once. */
  maxTasksPerEndpoint: number;
  /** A task came back: its results wait to be settled. */
  onFinished(task: FinishedTask): void;
  /** A task left the pool (after `onFinished`): there is room for another claim. */
  onTaskDone(): void;
  log: Logger;
}

export interface ClaimRound {
  /** One transaction claims for as many endpoints as the pool has room for; true when anything was claimed. */
  run(maxRows: number): Promise<boolean>;
  /** Tasks in the pool now. */
  readonly inFlight: number;
}

export function createClaimRound(options: ClaimRoundOptions): ClaimRound {
  const { outbox, matcher, pacer, active, pacing } = options;
  const { orderedRun, parallelChunk } = TUNING.outbox;
  /** Each endpoint's tasks in the pool. */
  const tasksOf = new Map<string, number>();
  /** Endpoints with their one task in flight (ordered, or probing a half-open circuit). */
  const busy = new Set<string>();
  let inFlight = 0;

  const isHalfOpen = (s: Subscription): boolean => s.consecutiveFailures >= options.failureThreshold;

  async function run(maxRows: number): Promise<boolean> {
    const nowMs = Date.now();
    const picked: { subscription: Subscription; spec: ClaimSpec }[] = [];
    let rows = 0;
    let tasksLeft = options.maxTasksInFlight - inFlight;
    for (const id of active) {
      if (tasksLeft <= 0 || rows >= maxRows) break;
      const subscription = claimable(id);
      if (!subscription) continue;
      const endpointTasks = Math.min(tasksLeft, options.maxTasksPerEndpoint - (tasksOf.get(id) ?? 0));
      const rateLimit = pacing.claimLimit(subscription, nowMs);
      if (endpointTasks <= 0 || rateLimit <= 0) continue;
      // Asked once, and only for a claim that goes ahead: a look behind an open circuit is used up.
      const circuitOpen = (subscription.circuitOpenUntilMs ?? 0) > nowMs;
      const probeTriedBeforeMs = options.probes.probeTriedBeforeMs(subscription, circuitOpen, nowMs);
      if (circuitOpen && probeTriedBeforeMs === undefined) continue;
      const spec = { ...claimSpec(subscription, endpointTasks, rateLimit), probeTriedBeforeMs };
      picked.push({ subscription, spec });
      rows += spec.limit;
      tasksLeft -= tasksNeeded(subscription, spec);
    }
    if (picked.length === 0) return false;
    const specs = picked.map((p) => p.spec);
    const results = await pacer.charge(() => outbox.claimMany(specs, nowMs, options.owner, options.leaseMs));
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

  /** The endpoint, if it is known, enabled and has no one-at-a-time task in flight. */
  function claimable(id: string): Subscription | undefined {
    if (busy.has(id)) return undefined;
    const subscription = matcher.get(id)?.subscription;
    if (!subscription) active.delete(id);
    return subscription?.enabled ? subscription : undefined;
  }

  function tasksNeeded(subscription: Subscription, spec: ClaimSpec): number {
    return subscription.ordered || spec.batch ? 1 : Math.ceil(spec.limit / parallelChunk);
  }

  function claimSpec(subscription: Subscription, endpointTasks: number, rateLimit: number): ClaimSpec {
    const batch = subscription.batchSettings
      ? {
          maxEvents: subscription.batchSettings.max_events,
          maxWaitMs: subscription.batchSettings.max_wait_seconds * 1000,
        }
      : undefined;
    const halfOpen = isHalfOpen(subscription);
    // A half-open circuit lets one probe through; a closed one takes its share of the pool, at its rate.
    const unorderedLimit = Math.min(options.claimBatchSize, endpointTasks * parallelChunk, rateLimit);
    const orderedLimit = Math.min(orderedRun, rateLimit);
    // A batch is one request, so one send time whatever its size.
    const limit = halfOpen ? 1 : batch ? batch.maxEvents : subscription.ordered ? orderedLimit : unorderedLimit;
    return {
      subscriptionId: subscription.id,
      ordered: subscription.ordered,
      limit,
      batch: halfOpen ? undefined : batch,
    };
  }

  function buildTasks(subscription: Subscription, claimed: DeliveryRecord[], nowMs: number): SendTask[] {
    const { targets } = options;
    if (subscription.batchSettings)
      return [{ mode: 'sequential', requests: [buildRequest(subscription, claimed, nowMs)], targets }];
    const requests = claimed.map((d) => buildRequest(subscription, [d], nowMs));
    if (subscription.ordered) return [{ mode: 'sequential', requests, targets }];
    return chunk(requests, parallelChunk).map((part) => ({ mode: 'parallel' as const, requests: part, targets }));
  }

  function dispatch(subscription: Subscription, claimed: DeliveryRecord[]): void {
    const nowMs = Date.now();
    const byId = new Map(claimed.map((d) => [d.id, d]));
    options.leases.hold(byId.keys());
    const tasks = buildTasks(subscription, claimed, nowMs);
    const requests = tasks.flatMap((task) => task.requests);
    const sentHeaders = new Map(requests.map((r) => [r.deliveryIds[0], r.headers]));
    // One task at a time for an ordered endpoint (FIFO), and for a half-open circuit (one probe).
    const oneAtATime = subscription.ordered || isHalfOpen(subscription);
    if (oneAtATime) busy.add(subscription.id);
    inFlight += tasks.length;
    tasksOf.set(subscription.id, (tasksOf.get(subscription.id) ?? 0) + tasks.length);
    const done = (): void => {
      inFlight--;
      const left = (tasksOf.get(subscription.id) ?? 1) - 1;
      if (left > 0) tasksOf.set(subscription.id, left);
      else tasksOf.delete(subscription.id);
      if (oneAtATime && left === 0) busy.delete(subscription.id);
    };
    const send = (task: SendTask): void => {
      options.dispatcher
        .send(task)
        .then((outcome) => options.onFinished({ subscriptionId: subscription.id, byId, sentHeaders, outcome }))
        .catch((error) => {
          // The pool itself failed (a thread died): each request counts as a failed attempt, so it
          // is retried with backoff instead of coming back unchanged whenever its lease runs out.
          options.log.error({ err: error, subscriptionId: subscription.id }, 'delivery task failed in the pool');
          const outcome = failedTask(task, error);
          options.onFinished({ subscriptionId: subscription.id, byId, sentHeaders, outcome });
        })
        .finally(() => {
          done();
          options.onTaskDone();
        });
    };
    // Handing a task to the pool copies its requests (bodies, headers) to the thread: main-thread
    // time of delivery's, charged like its steps.
    const sendAll = (): void => pacer.charge(() => tasks.forEach(send));
    pacing.schedule(subscription, requests, nowMs).then(sendAll, (error: unknown) => {
      // No send times: send now rather than hold the rows until their lease runs out.
      options.log.error({ err: error, subscriptionId: subscription.id }, 'send times not reserved');
      sendAll();
    });
  }

  return {
    run,
    get inFlight() {
      return inFlight;
    },
  };
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
