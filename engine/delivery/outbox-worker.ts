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
 * The main thread only fans out, claims (claim-round.ts) and settles (settle-batch.ts); signing and
 * sending happen in the pool. Every
 * step (a fan-out page, a claim round, a settle batch, a maintenance pass) is bounded and paced
 * (see pacer.ts), so requests, `/healthz` and the API are answered between steps however large the
 * backlog.
 */
import type { EventEnvelope } from '../events/envelope.js';
import type { Dispatcher } from '../pool/types.js';
import type { DeliveryPlanner, FanOutResult, LimitCounters, OutboxStore, SyncRules } from '../store/types.js';
import { TUNING } from '../tuning.js';
import type { Matcher } from './matcher.js';
import type { Pacer } from './pacer.js';
import { createLeaseKeeper } from './lease-keeper.js';
import type { HealthSettings } from './settle.js';
import { createRecoveryProbes } from './recovery-probe.js';
import { createClaimRound } from './claim-round.js';
import { createSettleBatch } from './settle-batch.js';
import { createSendPacing } from './send-pacing.js';
import type { TargetPolicy } from '../message/target-guard.js';
import type { Subscription, SubscriptionHealth } from '../store/records.js';
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
  /** A failing ordered endpoint's head is tried at least this often (recovery-probe.ts). */
  recoveryProbeMs: number;
  /** Tasks in the pool at once. */
  maxTasksInFlight: number;
  /** Tasks one endpoint may have in the pool at once, so hanging receivers cannot take every slot. */
  maxTasksPerEndpoint: number;
  /** Where rate-limited endpoints reserve their send times (the store's counters). */
  reserveSlots: LimitCounters['reserveSlots'];
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

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { outbox, matcher, pacer } = options;
  const { claimRoundRows, settleBatch, maintenanceEveryMs, maintenanceRows, rateHorizonMs } = TUNING.outbox;
  /** Endpoints that may have work; an empty claim with nothing open drops one until it is woken. */
  const active = new Set<string>();
  let running = false;
  let pumping = false;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let lastMaintenanceMs = 0;
  /** Events may wait for their fan-out (set by commits, and at start for a crash's leftovers). */
  let fanOutPending = false;
  const leases = createLeaseKeeper({ outbox, owner: options.owner, leaseMs: options.leaseMs, log: options.log });
  const probes = createRecoveryProbes({ probeEveryMs: options.recoveryProbeMs, lookEveryMs: maintenanceEveryMs });
  const pacing = createSendPacing({ reserveSlots: options.reserveSlots, horizonMs: rateHorizonMs });
  const settler = createSettleBatch({ ...options, leases, active });
  const claims = createClaimRound({
    ...options,
    leases,
    probes,
    pacing,
    active,
    failureThreshold: options.settings.failureThreshold,
    onFinished: settler.add,
    onTaskDone: () => void pump(),
  });

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
        if (settler.pending > 0 && (await step(() => settler.settle(stepSize(settleBatch))))) again = true;
        if (fanOutPending && (await step(fanOutStep))) again = true;
        if (Date.now() - lastMaintenanceMs >= maintenanceEveryMs) await step(maintain);
        if (await step(() => claims.run(stepSize(claimRoundRows)))) again = true;
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

  function schedulePoll(): void {
    if (!running || timer) return;
    // A rate-limited endpoint may be claimed again before the next poll: look then.
    const pacedInMs = pacing.nextClaimInMs(Date.now());
    const waitMs = pacedInMs === null ? options.pollIntervalMs : Math.min(options.pollIntervalMs, pacedInMs);
    timer = setTimeout(() => {
      timer = null;
      fanOutPending = true; // a backstop: one cheap cursor query finds events a failed step left behind
      void pump();
    }, waitMs);
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
      while (claims.inFlight > 0 || pumping) await new Promise((resolve) => setTimeout(resolve, 5));
      try {
        while (settler.pending > 0) await settler.settle(settleBatch);
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
