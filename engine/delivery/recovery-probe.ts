/**
 * Fast recovery for ordered endpoints (HOOKLINE_RECOVERY_PROBE_SEC). While an ordered endpoint
 * fails, its head waits for its next retry (an hour or more late in the schedule), its circuit
 * stays open about as long, and every message behind the head waits with it. So a claim of a
 * failing ordered endpoint may send the head before its retry is due once its last attempt is
 * `probeEveryMs` old (the claim rule checks that on the stored row: claim-rules.ts), and such a
 * probe passes the open circuit (a half-open claim takes one message). The first 2xx wakes the
 * endpoint's retries and the queue goes at full speed: seed 004's replay after downtime, minutes
 * after the receiver is back instead of hours. A probe that fails uses up none of the message's
 * retries (settle.ts).
 *
 * The endpoints probed are those this process saw failing (its matcher's health, which its own
 * settlements keep). With several processes on PostgreSQL, the one whose attempt failed knows;
 * one that never tried the endpoint does not, and sends no probe (should the one that knew die,
 * the head's own retry, when it fails, teaches the next). A probe never breaks the order: it is
 * the head, and the claim takes it under the endpoint's lock.
 *
 * Unordered endpoints have no head: each message keeps its own backoff. Their open circuit lets one
 * due message by every `probeEveryMs` all the same (a burst of parallel failures can open it for
 * the schedule's longest step, 24 h), so new messages probe the endpoint, and the first 2xx wakes
 * the retries.
 */
import type { Subscription } from '../store/records.js';

export interface RecoveryProbes {
  /**
   * For a claim of this endpoint now: the time an ordered head's last attempt must be older than to
   * go as a probe, or undefined when no probe may go (the endpoint is not failing; or an open
   * circuit was passed lately: a waiting endpoint costs one read per look). Behind an open circuit,
   * a value also means the claim may pass it.
   */
  probeTriedBeforeMs(subscription: Subscription, circuitOpen: boolean, nowMs: number): number | undefined;
}

export function createRecoveryProbes(options: { probeEveryMs: number; lookEveryMs: number }): RecoveryProbes {
  /** Failing endpoints behind an open circuit: when a claim may next pass it. */
  const nextLookAtMs = new Map<string, number>();
  return {
    probeTriedBeforeMs(subscription, circuitOpen, nowMs) {
      if (subscription.consecutiveFailures === 0) {
        nextLookAtMs.delete(subscription.id);
        return undefined;
      }
      if (!circuitOpen) return subscription.ordered ? nowMs - options.probeEveryMs : undefined;
      // An ordered head's last attempt decides (the claim rule reads it), so look often. An unordered
      // endpoint lets one message by per interval, the first an interval after its circuit opened.
      const lookInMs = subscription.ordered
        ? Math.min(options.lookEveryMs, options.probeEveryMs)
        : options.probeEveryMs;
      const lookAtMs = nextLookAtMs.get(subscription.id) ?? (subscription.ordered ? nowMs : nowMs + lookInMs);
      nextLookAtMs.set(subscription.id, nowMs < lookAtMs ? lookAtMs : nowMs + lookInMs);
      return nowMs < lookAtMs ? undefined : nowMs - options.probeEveryMs;
    },
  };
}
