/** Plain records for unit tests of the delivery core: every field set, overridable per test. */
import type { SendResult } from '../../engine/pool/types.js';
import type { DeliveryRecord, Subscription } from '../../engine/store/records.js';
import type { NewDelivery } from '../../engine/store/types.js';

export const T0 = Date.UTC(2026, 0, 1);

export function makeSubscription(fields: Partial<Subscription> = {}): Subscription {
  return {
    id: 'sub_1',
    kind: 'api',
    workspace: 'default',
    name: 'test',
    description: null,
    url: 'https://receiver.example/hook',
    events: ['order.completed'],
    headers: {},
    enabled: true,
    disabledReason: null,
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    previousSecret: null,
    previousSecretExpiresAtMs: null,
    authentication: { type: 'none' },
    signatureScheme: 'standard-webhooks',
    signatureHeader: null,
    payloadFormat: 'envelope',
    ordered: true,
    timeoutMs: 10_000,
    retryPolicy: null,
    batchSettings: null,
    conditions: null,
    filters: null,
    includeFields: null,
    metadata: null,
    consecutiveFailures: 0,
    failingSinceMs: null,
    circuitOpenUntilMs: null,
    lastDeliveryAtMs: null,
    createdAtMs: T0,
    updatedAtMs: T0,
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
