/**
 * Per-endpoint outgoing rate limit (`rate_limit`, deliveries per second, as Svix's `rateLimit`).
 * Claims are paced, never dropped: an endpoint is claimed for at most `horizonMs` of send times
 * ahead, each request of a claim gets its own send time `1000 / rate_limit` ms after the one
 * before, and the pool worker waits for it before sending (`SendRequest.notBeforeMs`). An ordered
 * endpoint's run is sent in order anyway; its send times only space it out.
 *
 * The send times come from the store's counters (`LimitCounters.reserveSlots`): in memory for the
 * embedded store's one process, a row per endpoint on PostgreSQL, so every process reserves from
 * the same line and together they keep the rate.
 */
import type { SendRequest } from '../pool/types.js';
import type { Subscription } from '../store/records.js';
import type { LimitCounters } from '../store/types.js';

export interface SendPacing {
  /**
   * How many requests the endpoint may be claimed for now: unlimited (Infinity) without a rate
   * limit, 0 while its reserved send times already reach `horizonMs` ahead.
   */
  claimLimit(subscription: Subscription, nowMs: number): number;
  /** Gives each request its send time, in order; resolves once they are reserved. */
  schedule(subscription: Subscription, requests: SendRequest[], nowMs: number): Promise<void>;
  /** Ms until a paced endpoint may be claimed again (null when none waits): when to look next. */
  nextClaimInMs(nowMs: number): number | null;
}

export interface SendPacingOptions {
  reserveSlots: LimitCounters['reserveSlots'];
  /** How far ahead an endpoint's send times may be reserved; the longest a claimed row waits for its time. */
  horizonMs: number;
}

/** The key of an endpoint's line in the counters. */
const slotKey = (subscriptionId: string): string => `send:${subscriptionId}`;

export function createSendPacing(options: SendPacingOptions): SendPacing {
  const { horizonMs } = options;
  /** Where each paced endpoint's reserved send times end, as this process knows. */
  const reservedUntilMs = new Map<string, number>();

  return {
    claimLimit(subscription, nowMs) {
      if (!subscription.rateLimit) return Number.POSITIVE_INFINITY;
      const intervalMs = 1000 / subscription.rateLimit;
      const aheadMs = Math.max(0, (reservedUntilMs.get(subscription.id) ?? 0) - nowMs);
      if (aheadMs >= horizonMs) return 0;
      return Math.max(1, Math.floor((horizonMs - aheadMs) / intervalMs));
    },
    async schedule(subscription, requests, nowMs) {
      if (!subscription.rateLimit || requests.length === 0) return;
      const intervalMs = 1000 / subscription.rateLimit;
      const id = subscription.id;
      // Counted before the store answers, so a claim round meanwhile sees these times as taken.
      const localFirstMs = Math.max(reservedUntilMs.get(id) ?? 0, nowMs);
      reservedUntilMs.set(id, localFirstMs + requests.length * intervalMs);
      const firstMs = await options.reserveSlots(slotKey(id), requests.length, intervalMs, nowMs);
      const untilMs = firstMs + requests.length * intervalMs;
      reservedUntilMs.set(id, Math.max(reservedUntilMs.get(id) ?? 0, untilMs));
      requests.forEach((request, i) => (request.notBeforeMs = Math.round(firstMs + i * intervalMs)));
    },
    nextClaimInMs(nowMs) {
      let soonest: number | null = null;
      for (const [id, untilMs] of reservedUntilMs) {
        const inMs = untilMs - horizonMs - nowMs;
        // Long past: the endpoint is idle, and claimable at once whenever it has work.
        if (untilMs < nowMs) reservedUntilMs.delete(id);
        else if (inMs > 0 && (soonest === null || inMs < soonest)) soonest = inMs;
      }
      return soonest;
    },
  };
}
