import { describe, expect, it } from 'vitest';
import { settleResult, type HealthSettings } from '../../../engine/delivery/settle.js';
import { makeDelivery, makeResult, makeSubscription, T0 } from '../../helpers/records.js';

const SETTINGS: HealthSettings = {
  scheduleSec: [60, 300, 900, 3600, 21_600, 86_400],
  jitter: 0,
  failureThreshold: 5,
  disableAfterMs: 5 * 86_400_000,
};
const NOW = T0 + 1_000;
const failed500 = makeResult({ statusCode: 500, errorCode: 'DELIVERY_REJECTED', responseExcerpt: 'down' });

describe('settleResult', () => {
  it('marks a 2xx as succeeded with its attempt row and resets the endpoint health', () => {
    const delivery = makeDelivery({ attemptCount: 2, nextAttemptAtMs: T0 + 500 });
    const subscription = makeSubscription({ lastDeliveryAtMs: T0 - 5 });
    const settled = settleResult(
      makeResult({ statusCode: 204, responseTimeMs: 12.6 }),
      [delivery],
      subscription,
      SETTINGS,
      NOW,
    );
    expect(settled.transitions).toEqual([
      {
        deliveryId: delivery.id,
        status: 'succeeded',
        attemptCount: 3,
        lastStatusCode: 204,
        lastError: null,
        nextAttemptAtMs: T0 + 500,
        completedAtMs: NOW,
      },
    ]);
    expect(settled.attempts).toMatchObject([
      { deliveryId: delivery.id, attemptNo: 3, statusCode: 204, responseTimeMs: 13, errorCode: null, error: null },
    ]);
    expect(settled.attempts[0].id).toMatch(/^att_/);
    expect(settled.health).toEqual({
      id: subscription.id,
      consecutiveFailures: 0,
      failingSinceMs: null,
      circuitOpenUntilMs: null,
      lastDeliveryAtMs: NOW,
      enabled: true,
      disabledReason: null,
    });
    expect(settled.events).toEqual([]);
    expect(settled.recovered).toBe(false);
  });

  it('counts a 2xx with an error code as a failure', () => {
    const settled = settleResult(
      makeResult({ statusCode: 200, errorCode: 'DELIVERY_TIMEOUT', error: 'slow' }),
      [makeDelivery()],
      makeSubscription(),
      SETTINGS,
      NOW,
    );
    expect(settled.transitions[0]).toMatchObject({ status: 'retrying', lastError: 'slow' });
  });

  it('schedules a retry after the first failure from the schedule', () => {
    const settled = settleResult(failed500, [makeDelivery()], makeSubscription(), SETTINGS, NOW);
    expect(settled.transitions).toEqual([
      {
        deliveryId: 'del_1',
        status: 'retrying',
        attemptCount: 1,
        lastStatusCode: 500,
        lastError: 'HTTP 500',
        nextAttemptAtMs: NOW + 60_000,
        completedAtMs: null,
      },
    ]);
    expect(settled.attempts[0]).toMatchObject({
      attemptNo: 1,
      errorCode: 'DELIVERY_REJECTED',
      responseExcerpt: 'down',
    });
    expect(settled.events).toEqual([]);
  });

  it('keeps the transport error text over the status', () => {
    const result = makeResult({ statusCode: null, errorCode: 'DELIVERY_CONNECTION', error: 'ECONNREFUSED' });
    const settled = settleResult(result, [makeDelivery()], makeSubscription(), SETTINGS, NOW);
    expect(settled.transitions[0]).toMatchObject({
      status: 'retrying',
      lastStatusCode: null,
      lastError: 'ECONNREFUSED',
    });
  });

  it('uses the subscription retry policy and the receiver Retry-After', () => {
    const subscription = makeSubscription({ retryPolicy: { max_retries: 3, backoff_multiplier: 3 } });
    const second = settleResult(failed500, [makeDelivery({ attemptCount: 1 })], subscription, SETTINGS, NOW);
    expect(second.transitions[0].nextAttemptAtMs).toBe(NOW + 180_000);
    const limited = makeResult({ statusCode: 429, errorCode: 'DELIVERY_REJECTED', retryAfterSec: 7 });
    const third = settleResult(limited, [makeDelivery({ attemptCount: 2 })], subscription, SETTINGS, NOW);
    expect(third.transitions[0].nextAttemptAtMs).toBe(NOW + 7_000);
  });

  it('truncates the response excerpt to 1 KiB', () => {
    const result = makeResult({ statusCode: 500, errorCode: 'DELIVERY_REJECTED', responseExcerpt: 'x'.repeat(5000) });
    const settled = settleResult(result, [makeDelivery()], makeSubscription(), SETTINGS, NOW);
    expect(settled.attempts[0].responseExcerpt).toHaveLength(1024);
  });

  it('fails a message for good on abort-message, without delivery.exhausted', () => {
    const result = makeResult({ statusCode: 500, errorCode: 'DELIVERY_ABORTED', abort: true });
    const delivery = makeDelivery({ nextAttemptAtMs: T0 });
    const settled = settleResult(result, [delivery], makeSubscription(), SETTINGS, NOW);
    expect(settled.transitions[0]).toMatchObject({ status: 'failed', nextAttemptAtMs: T0, completedAtMs: NOW });
    expect(settled.events).toEqual([]);
    expect(settled.health.enabled).toBe(true);
  });

  it('fails the message and disables the endpoint on 410 Gone, emitting webhook.disabled', () => {
    const result = makeResult({ statusCode: 410, errorCode: 'DELIVERY_GONE' });
    const subscription = makeSubscription();
    const settled = settleResult(result, [makeDelivery()], subscription, SETTINGS, NOW);
    expect(settled.transitions[0].status).toBe('failed');
    expect(settled.health).toMatchObject({ enabled: false, disabledReason: 'The endpoint answered 410 Gone' });
    expect(settled.events.map((e) => [e.type, e.data])).toEqual([
      [
        'webhook.disabled',
        {
          webhook_id: subscription.id,
          url: subscription.url,
          reason: 'The endpoint answered 410 Gone',
          consecutive_failures: 1,
        },
      ],
    ]);
  });

  it('puts the events about a webhook in its organization, and those about one without an organization in none', () => {
    const gone = makeResult({ statusCode: 410, errorCode: 'DELIVERY_GONE' });
    const ofOrg = settleResult(gone, [makeDelivery()], makeSubscription({ workspace: 'org-123' }), SETTINGS, NOW);
    expect(ofOrg.events.map((e) => [e.type, e.metadata])).toEqual([['webhook.disabled', { organization: 'org-123' }]]);
    const ofNone = settleResult(gone, [makeDelivery()], makeSubscription(), SETTINGS, NOW);
    expect(ofNone.events.map((e) => [e.type, e.metadata])).toEqual([['webhook.disabled', undefined]]);
  });

  it('expires a message whose next retry would fall past its retention window', () => {
    const delivery = makeDelivery({ expiresAtMs: NOW + 59_999 });
    const settled = settleResult(failed500, [delivery], makeSubscription(), SETTINGS, NOW);
    expect(settled.transitions[0]).toMatchObject({ status: 'expired', completedAtMs: NOW });
    expect(settled.events.map((e) => e.type)).toEqual(['delivery.exhausted']);
  });

  it('retries when the next attempt lands exactly at the end of the window', () => {
    const delivery = makeDelivery({ expiresAtMs: NOW + 60_000 });
    const settled = settleResult(failed500, [delivery], makeSubscription(), SETTINGS, NOW);
    expect(settled.transitions[0]).toMatchObject({ status: 'retrying', nextAttemptAtMs: NOW + 60_000 });
  });

  it('emits delivery.failing after the 4th failed attempt only', () => {
    const subscription = makeSubscription();
    const typesAfter = (attemptCount: number) =>
      settleResult(failed500, [makeDelivery({ attemptCount })], subscription, SETTINGS, NOW).events.map((e) => e.type);
    expect(typesAfter(2)).toEqual([]);
    expect(typesAfter(3)).toEqual(['delivery.failing']);
    expect(typesAfter(4)).toEqual([]);
    const [failing] = settleResult(failed500, [makeDelivery({ attemptCount: 3 })], subscription, SETTINGS, NOW).events;
    expect(failing.data).toEqual({
      webhook_id: subscription.id,
      url: subscription.url,
      delivery_id: 'del_1',
      event_id: 'evt_1',
      event_type: 'order.completed',
      attempts: 4,
      last_status_code: 500,
      last_error: 'HTTP 500',
    });
  });

  it('fails the message with delivery.exhausted once retries run out', () => {
    const subscription = makeSubscription({ retryPolicy: { max_retries: 4 } });
    const settled = settleResult(failed500, [makeDelivery({ attemptCount: 4 })], subscription, SETTINGS, NOW);
    expect(settled.transitions[0]).toMatchObject({ status: 'failed', attemptCount: 5, completedAtMs: NOW });
    expect(settled.events.map((e) => [e.type, (e.data as { attempts: number }).attempts])).toEqual([
      ['delivery.exhausted', 5],
    ]);
  });

  it('reports recovery when an endpoint with failures answers 2xx', () => {
    const subscription = makeSubscription({ consecutiveFailures: 3, failingSinceMs: T0 - 10_000 });
    const settled = settleResult(makeResult(), [makeDelivery()], subscription, SETTINGS, NOW);
    expect(settled.recovered).toBe(true);
    expect(settled.health).toMatchObject({ consecutiveFailures: 0, failingSinceMs: null, circuitOpenUntilMs: null });
    expect(settled.events.map((e) => [e.type, e.data])).toEqual([
      ['delivery.recovered', { webhook_id: subscription.id, url: subscription.url, failures_before: 3 }],
    ]);
  });

  it('uses up none of the retries on a failed recovery probe (a head sent before its retry was due)', () => {
    const delivery = makeDelivery({ attemptCount: 1, nextAttemptAtMs: NOW + 3_600_000 });
    const settled = settleResult(failed500, [delivery], makeSubscription({ consecutiveFailures: 1 }), SETTINGS, NOW);
    expect(settled.transitions).toEqual([
      {
        deliveryId: delivery.id,
        status: 'retrying',
        attemptCount: 1,
        nextAttemptAtMs: NOW + 3_600_000,
        lastStatusCode: 500,
        lastError: 'HTTP 500',
        completedAtMs: null,
      },
    ]);
    expect(settled.attempts).toMatchObject([{ attemptNo: 2, statusCode: 500, error: 'recovery probe: HTTP 500' }]);
    expect(settled.health.consecutiveFailures).toBe(2);
    // A probe answered 410 is final all the same.
    const gone = makeResult({ statusCode: 410, errorCode: 'DELIVERY_GONE' });
    expect(settleResult(gone, [delivery], makeSubscription(), SETTINGS, NOW).transitions[0].status).toBe('failed');
  });

  it('counts consecutive failures and keeps the first failure time', () => {
    const first = settleResult(failed500, [makeDelivery()], makeSubscription(), SETTINGS, NOW);
    expect(first.health).toMatchObject({ consecutiveFailures: 1, failingSinceMs: NOW, circuitOpenUntilMs: null });
    const subscription = makeSubscription({ consecutiveFailures: 1, failingSinceMs: T0, lastDeliveryAtMs: T0 - 1 });
    const second = settleResult(failed500, [makeDelivery()], subscription, SETTINGS, NOW);
    expect(second.health).toMatchObject({ consecutiveFailures: 2, failingSinceMs: T0, lastDeliveryAtMs: T0 - 1 });
  });

  it('opens the circuit at the failure threshold for as long as the matching retry delay', () => {
    const settings = { ...SETTINGS, failureThreshold: 2 };
    const openUntil = (consecutiveFailures: number) =>
      settleResult(
        failed500,
        [makeDelivery()],
        makeSubscription({ consecutiveFailures, failingSinceMs: NOW }),
        settings,
        NOW,
      ).health.circuitOpenUntilMs;
    expect(openUntil(0)).toBeNull();
    expect(openUntil(1)).toBe(NOW + 60_000);
    expect(openUntil(2)).toBe(NOW + 300_000);
    expect(openUntil(3)).toBe(NOW + 900_000);
    // Past the schedule the circuit stays open for its longest step.
    expect(openUntil(50)).toBe(NOW + 86_400_000);
  });

  it('opens the circuit without jitter even when retries are jittered', () => {
    const settings = { ...SETTINGS, failureThreshold: 1, jitter: 0.5 };
    const settled = settleResult(failed500, [makeDelivery()], makeSubscription(), settings, NOW);
    expect(settled.health.circuitOpenUntilMs).toBe(NOW + 60_000);
  });

  it('disables an endpoint that has failed for the whole disable window, once', () => {
    const failingSinceMs = NOW - SETTINGS.disableAfterMs;
    const subscription = makeSubscription({ consecutiveFailures: 9, failingSinceMs });
    const settled = settleResult(failed500, [makeDelivery()], subscription, SETTINGS, NOW);
    expect(settled.health).toMatchObject({
      enabled: false,
      disabledReason: 'The endpoint failed every attempt for 120 h',
      consecutiveFailures: 10,
    });
    expect(settled.events.map((e) => e.type)).toEqual(['webhook.disabled']);
    const already = makeSubscription({ ...settled.health, enabled: false });
    expect(settleResult(failed500, [makeDelivery()], already, SETTINGS, NOW).events).toEqual([]);
  });

  it('keeps an endpoint enabled just inside the disable window', () => {
    const subscription = makeSubscription({
      consecutiveFailures: 9,
      failingSinceMs: NOW - SETTINGS.disableAfterMs + 1,
    });
    expect(settleResult(failed500, [makeDelivery()], subscription, SETTINGS, NOW).health.enabled).toBe(true);
  });

  it('settles every member of a batch with one attempt row each', () => {
    const deliveries = [makeDelivery({ id: 'del_a' }), makeDelivery({ id: 'del_b', attemptCount: 3 })];
    const settled = settleResult(failed500, deliveries, makeSubscription(), SETTINGS, NOW);
    expect(settled.attempts.map((a) => [a.deliveryId, a.attemptNo])).toEqual([
      ['del_a', 1],
      ['del_b', 4],
    ]);
    expect(settled.transitions.map((t) => [t.deliveryId, t.status])).toEqual([
      ['del_a', 'retrying'],
      ['del_b', 'retrying'],
    ]);
    expect(settled.events.map((e) => e.type)).toEqual(['delivery.failing']);
    expect(settled.health.consecutiveFailures).toBe(1);
  });
});
