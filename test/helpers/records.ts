/** Plain records for unit tests of the delivery core: every field set, overridable per test. */
import { blankSubscription } from '../../engine/delivery/subscriptions.js';
import type { SendResult } from '../../engine/pool/types.js';
import type { DeliveryRecord, Subscription } from '../../engine/store/records.js';
import type { NewDelivery } from '../../engine/store/types.js';

export const T0 = Date.UTC(2026, 0, 1);

/** The engine's own blank subscription, made at T0, with fixed ids and secret; fields override. */
export function makeSubscription(fields: Partial<Subscription> = {}): Subscription {
  return {
    ...blankSubscription(T0, { deliveryTimeoutMs: 10_000 }),
    id: 'sub_1',
    workspace: 'default',
    name: 'test',
    url: 'https://receiver.example/hook',
    events: ['order.completed'],
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    ...fields,
  };
}

export function makeDelivery(fields: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    seq: 1,
    id: 'del_1',
    subscriptionId: 'sub_1',
    eventId: 'evt_1',
    eventType: 'order.completed',
    payload: '{}',
    status: 'in_flight',
    attemptCount: 0,
    nextAttemptAtMs: T0,
    leaseOwner: 'worker',
    leaseExpiresAtMs: T0 + 30_000,
    lastStatusCode: null,
    lastError: null,
    createdAtMs: T0,
    updatedAtMs: T0,
    completedAtMs: null,
    expiresAtMs: T0 + 86_400_000,
    erased: false,
    ...fields,
  };
}

export function makeResult(fields: Partial<SendResult> = {}): SendResult {
  return {
    deliveryIds: ['del_1'],
    startedAtMs: T0,
    statusCode: 200,
    responseTimeMs: 12.4,
    responseExcerpt: 'ok',
    retryAfterSec: null,
    abort: false,
    errorCode: null,
    error: null,
    ...fields,
  };
}

/** A delivery row as the matcher or a test would insert it. */
export function makeNewDelivery(id: string, fields: Partial<NewDelivery> = {}): NewDelivery {
  return {
    id,
    subscriptionId: 'sub_1',
    eventId: `evt_${id}`,
    eventType: 'order.completed',
    payload: JSON.stringify({ id }),
    nextAttemptAtMs: T0,
    expiresAtMs: T0 + 86_400_000,
    ...fields,
  };
}
