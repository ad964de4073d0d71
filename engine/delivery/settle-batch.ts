/**
 * Settles finished pool tasks in batches: each result becomes its attempt row (with the headers it
 * was sent with, masked), the delivery's next state and the endpoint's health (settle.ts), and a
 * batch is written in one transaction. Results are settled in the order they finished; a later
 * result of an endpoint builds on the health an earlier one left.
 */
import type { EventEnvelope } from '../events/envelope.js';
import type { Logger } from '../logger.js';
import type { DeliveryRecorder } from '../metrics/index.js';
import type { OutboxStore } from '../store/types.js';
import type { AttemptRecord, DeliveryTransition, Subscription, SubscriptionHealth } from '../store/records.js';
import type { FinishedTask } from './claim-round.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { Matcher } from './matcher.js';
import type { Pacer } from './pacer.js';
import { settleResult, type HealthSettings, type Settlement } from './settle.js';

export interface SettleBatchOptions {
  outbox: OutboxStore;
  matcher: Matcher;
  pacer: Pacer;
  leases: LeaseKeeper;
  settings: HealthSettings;
  owner: string;
  /** Endpoints that may have work: one that recovered is looked at again. */
  active: Set<string>;
  publish(events: EventEnvelope[]): Promise<void>;
  onHealth(subscription: Subscription, health: SubscriptionHealth): void;
  onClosed(count: number): void;
  recorder?: DeliveryRecorder;
  log: Logger;
}

export interface SettleBatch {
  /** A task came back from the pool. */
  add(task: FinishedTask): void;
  /** Results waiting to be settled. */
  readonly pending: number;
  /** Settles up to `maxRows` results in one transaction; true when more wait. */
  settle(maxRows: number): Promise<boolean>;
}

/** What one batch writes, gathered before the transaction. */
interface Gathered {
  transitions: DeliveryTransition[];
  attempts: AttemptRecord[];
  events: EventEnvelope[];
  toRelease: string[];
  current: Map<string, Subscription>;
  health: Map<string, SubscriptionHealth>;
  recovered: Set<string>;
  settled: { subscriptionId: string; settlement: Settlement }[];
}

export function createSettleBatch(options: SettleBatchOptions): SettleBatch {
  const { outbox, pacer, leases } = options;
  const finished: FinishedTask[] = [];

  function gather(taken: FinishedTask[]): Gathered {
    const g: Gathered = {
      transitions: [],
      attempts: [],
      events: [],
      toRelease: [],
      current: new Map(),
      health: new Map(),
      recovered: new Set(),
      settled: [],
    };
    for (const { subscriptionId, byId, sentHeaders, outcome } of taken) {
      let subscription = g.current.get(subscriptionId) ?? options.matcher.get(subscriptionId)?.subscription;
      if (!subscription) {
        g.toRelease.push(...byId.keys());
        continue;
      }
      for (const result of outcome.results) {
        const deliveries = result.deliveryIds.map((id) => byId.get(id)!);
        const sent = sentHeaders.get(result.deliveryIds[0]);
        const settlement = settleResult(result, deliveries, subscription, options.settings, Date.now(), sent);
        // Only while this worker still holds the lease: a late result never overwrites a newer one.
        for (const t of settlement.transitions) g.transitions.push({ ...t, leaseOwner: options.owner });
        g.attempts.push(...settlement.attempts);
        g.events.push(...settlement.events);
        if (settlement.recovered) g.recovered.add(subscriptionId);
        g.settled.push({ subscriptionId, settlement });
        g.health.set(subscriptionId, settlement.health);
        subscription = { ...subscription, ...settlement.health };
      }
      g.current.set(subscriptionId, subscription);
      g.toRelease.push(...outcome.skipped.flat());
    }
    return g;
  }

  async function settle(maxRows: number): Promise<boolean> {
    const taken: FinishedTask[] = [];
    for (let rows = 0; finished.length > 0 && rows < maxRows;) {
      const next = finished.shift()!;
      taken.push(next);
      rows += next.outcome.results.length;
    }
    const g = pacer.charge(() => gather(taken));
    let closed: number;
    try {
      closed = await pacer.charge(() => outbox.settle(g.transitions, g.attempts, [...g.health.values()]));
    } catch (error) {
      finished.unshift(...taken); // nothing was written: settle these again at the next pass
      throw error;
    }
    // Not renewed from here on, even if the release fails: then the lease runs out and puts them back.
    leases.drop(g.toRelease);
    for (const { outcome } of taken) for (const result of outcome.results) leases.drop(result.deliveryIds);
    if (g.toRelease.length > 0) await pacer.charge(() => outbox.release(g.toRelease, options.owner));
    // Main-thread work of delivery like the rest: uncharged, the pacer would count it as the requests'.
    pacer.charge(() => {
      for (const [id, h] of g.health) options.onHealth(g.current.get(id)!, h);
      for (const { subscriptionId, settlement } of g.settled)
        options.recorder?.settled(subscriptionId, settlement.transitions, settlement.attempts);
    });
    for (const id of g.recovered) {
      await pacer.charge(() => outbox.wakeRetrying(id, Date.now()));
      options.active.add(id);
    }
    options.onClosed(closed);
    if (g.events.length > 0)
      options.publish(g.events).catch((error) => options.log.error({ err: error }, 'operational events not written'));
    return finished.length > 0;
  }

  return {
    add: (task) => void finished.push(task),
    get pending() {
      return finished.length;
    },
    settle,
  };
}
