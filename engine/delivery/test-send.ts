/**
 * "Send a test event": one event to one subscription now, signed and shaped exactly like a real
 * delivery (the matcher's payload, the request builder's headers and signature), answered with
 * the receiver's reply. Nothing is stored: a test is not part of the endpoint's history.
 */
import type { EventEnvelope } from '../events/envelope.js';
import type { Dispatcher } from '../pool/types.js';
import type { TargetPolicy } from '../message/target-guard.js';
import type { DeliveryRecord, Subscription } from '../store/records.js';
import { toDelivery, type Matcher } from './matcher.js';
import { buildRequest } from './request-builder.js';
import { isSuccessStatus } from '../message/index.js';

export interface TestSendResult {
  /** A 2xx answer and no transport error. */
  ok: boolean;
  statusCode: number | null;
  responseTimeMs: number;
  responseExcerpt: string | null;
  error: string | null;
  errorCode: string | null;
}

export type SendTestEvent = (subscription: Subscription, event: EventEnvelope) => Promise<TestSendResult>;

/** @param targets - The SSRF policy: a test event goes only where a real delivery may. */
export function createTestSender(dispatcher: Dispatcher, targets: TargetPolicy, matcher: Matcher): SendTestEvent {
  return async (subscription, event) => {
    const nowMs = Date.now();
    const delivery = unsavedDelivery(
      toDelivery(event, subscription, matcher.get(subscription.id)?.rules ?? null, nowMs, 0),
      nowMs,
    );
    // One event, never a batch, even for a batching endpoint.
    const request = buildRequest({ ...subscription, batchSettings: null }, [delivery], nowMs);
    const [result] = (await dispatcher.send({ mode: 'sequential', requests: [request], targets })).results;
    return {
      ok: result.errorCode === null && isSuccessStatus(result.statusCode),
      statusCode: result.statusCode,
      responseTimeMs: result.responseTimeMs,
      responseExcerpt: result.responseExcerpt,
      error: result.error,
      errorCode: result.errorCode,
    };
  };
}

/** The delivery as it would stand when first claimed, without a row behind it. */
function unsavedDelivery(planned: ReturnType<typeof toDelivery>, nowMs: number): DeliveryRecord {
  return {
    ...planned,
    seq: 0,
    status: 'in_flight',
    attemptCount: 0,
    leaseOwner: null,
    leaseExpiresAtMs: null,
    lastStatusCode: null,
    lastError: null,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    completedAtMs: null,
    erased: false,
  };
}
