/**
 * What an attempt's result does: the delivery's next state, the attempt row, the endpoint's
 * health (circuit breaker, auto-disable) and the operational events Svix users know
 * (`delivery.failing` after the 4th failed attempt, `delivery.exhausted`, `delivery.recovered`,
 * `webhook.disabled`). Pure: the worker writes the outcome in one transaction.
 */
import { ERROR_CODES } from '../errors.js';
import { isSuccessStatus, maskedRequestHeaders } from '../message/index.js';
import { createEvent, type EventEnvelope } from '../events/envelope.js';
import { createId } from '../events/ids.js';
import type { SendResult } from '../pool/types.js';
import { nextRetryDelayMs, type RetrySettings } from './retry-policy.js';
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryTransition,
  Subscription,
  SubscriptionHealth,
} from '../store/records.js';

export interface HealthSettings extends RetrySettings {
  failureThreshold: number;
  disableAfterMs: number;
}

export interface Settlement {
  transitions: DeliveryTransition[];
  attempts: AttemptRecord[];
  health: SubscriptionHealth;
  events: EventEnvelope[];
  /** The endpoint succeeded after failures: wake its waiting retries. */
  recovered: boolean;
}

const FAILING_AFTER_ATTEMPTS = 4;
const EXCERPT_LIMIT = 1024;

export function settleResult(
  result: SendResult,
  deliveries: DeliveryRecord[],
  subscription: Subscription,
  settings: HealthSettings,
  nowMs: number,
  /** The headers the request was built with, before signing (request-builder.ts): the attempt log keeps them masked. */
  sentHeaders?: Readonly<Record<string, string>>,
): Settlement {
  const ok = result.errorCode === null && isSuccessStatus(result.statusCode);
  const health = nextHealth(subscription, ok, result, settings, nowMs);
  const settlement: Settlement = {
    transitions: [],
    attempts: [],
    health,
    events: [],
    recovered: ok && subscription.consecutiveFailures > 0,
  };
  const errorText = ok ? null : (result.error ?? `HTTP ${result.statusCode}`);
  const requestHeaders = sentHeaders
    ? maskedRequestHeaders(sentHeaders, Object.keys(subscription.headers), result.signedHeaders)
    : null;
  for (const delivery of deliveries) {
    const attemptNo = delivery.attemptCount + 1;
    settlement.attempts.push({
      id: createId('att', result.startedAtMs),
      deliveryId: delivery.id,
      attemptNo,
      startedAtMs: result.startedAtMs,
      statusCode: result.statusCode,
      responseTimeMs: Math.round(result.responseTimeMs),
      responseExcerpt: result.responseExcerpt?.slice(0, EXCERPT_LIMIT) ?? null,
      errorCode: result.errorCode,
      error: errorText,
      requestHeaders,
      responseHeaders: result.responseHeaders ?? null,
    });
    const base = {
      deliveryId: delivery.id,
      attemptCount: attemptNo,
      lastStatusCode: result.statusCode,
      lastError: errorText,
    };
    if (ok) {
      settlement.transitions.push({
        ...base,
        status: 'succeeded',
        nextAttemptAtMs: delivery.nextAttemptAtMs,
        completedAtMs: nowMs,
      });
      continue;
    }
    const final = result.errorCode !== null && !ERROR_CODES[result.errorCode].retryable;
    // Only a recovery probe sends a message before its retry is due (recovery-probe.ts). Failing, it
    // uses up none of the message's retries: its count and its scheduled retry stay as they were.
    if (!final && delivery.nextAttemptAtMs > result.startedAtMs) {
      settlement.attempts[settlement.attempts.length - 1].error = `recovery probe: ${errorText}`;
      settlement.transitions.push({
        ...base,
        status: 'retrying',
        attemptCount: delivery.attemptCount,
        nextAttemptAtMs: delivery.nextAttemptAtMs,
        completedAtMs: null,
      });
      continue;
    }
    const delayMs = final
      ? null
      : nextRetryDelayMs(attemptNo, subscription.retryPolicy, settings, result.retryAfterSec);
    const nextAt = delayMs === null ? null : nowMs + delayMs;
    if (nextAt === null || nextAt > delivery.expiresAtMs) {
      const status = nextAt !== null ? 'expired' : 'failed';
      settlement.transitions.push({ ...base, status, nextAttemptAtMs: delivery.nextAttemptAtMs, completedAtMs: nowMs });
      if (!final) settlement.events.push(deliveryEvent('delivery.exhausted', delivery, subscription, base));
      continue;
    }
    settlement.transitions.push({ ...base, status: 'retrying', nextAttemptAtMs: nextAt, completedAtMs: null });
    if (attemptNo === FAILING_AFTER_ATTEMPTS)
      settlement.events.push(deliveryEvent('delivery.failing', delivery, subscription, base));
  }
  if (settlement.recovered)
    settlement.events.push(
      createEvent('delivery.recovered', {
        webhook_id: subscription.id,
        url: subscription.url,
        failures_before: subscription.consecutiveFailures,
      }),
    );
  if (subscription.enabled && !health.enabled) {
    settlement.events.push(
      createEvent('webhook.disabled', {
        webhook_id: subscription.id,
        url: subscription.url,
        reason: health.disabledReason,
        consecutive_failures: health.consecutiveFailures,
      }),
    );
  }
  return settlement;
}

function nextHealth(
  subscription: Subscription,
  ok: boolean,
  result: SendResult,
  settings: HealthSettings,
  nowMs: number,
): SubscriptionHealth {
  if (ok)
    return {
      id: subscription.id,
      consecutiveFailures: 0,
      failingSinceMs: null,
      circuitOpenUntilMs: null,
      lastDeliveryAtMs: nowMs,
      enabled: subscription.enabled,
      disabledReason: subscription.disabledReason,
    };
  const failures = subscription.consecutiveFailures + 1;
  const failingSinceMs = subscription.failingSinceMs ?? nowMs;
  let disabledReason: string | null = subscription.disabledReason;
  if (result.errorCode === 'DELIVERY_GONE') disabledReason = 'The endpoint answered 410 Gone';
  else if (nowMs - failingSinceMs >= settings.disableAfterMs)
    disabledReason = `The endpoint failed every attempt for ${Math.round((nowMs - failingSinceMs) / 3_600_000)} h`;
  // Open the circuit for as long as the next scheduled retry would wait: no hammering meanwhile.
  const openForMs =
    failures >= settings.failureThreshold
      ? (nextRetryDelayMs(Math.min(failures - settings.failureThreshold + 1, settings.scheduleSec.length), null, {
          ...settings,
          jitter: 0,
        }) ?? 60_000)
      : 0;
  return {
    id: subscription.id,
    consecutiveFailures: failures,
    failingSinceMs,
    circuitOpenUntilMs: openForMs > 0 ? nowMs + openForMs : null,
    lastDeliveryAtMs: subscription.lastDeliveryAtMs,
    enabled: disabledReason === null ? subscription.enabled : false,
    disabledReason,
  };
}

function deliveryEvent(
  type: 'delivery.failing' | 'delivery.exhausted',
  delivery: DeliveryRecord,
  subscription: Subscription,
  base: { attemptCount: number; lastStatusCode: number | null; lastError: string | null },
): EventEnvelope {
  return createEvent(type, {
    webhook_id: subscription.id,
    url: subscription.url,
    delivery_id: delivery.id,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    attempts: base.attemptCount,
    last_status_code: base.lastStatusCode,
    last_error: base.lastError,
  });
}
