/**
 * Turns claimed deliveries into the plain request a pool worker signs and sends: body (one
 * payload, or a JSON array for a batch), headers (`Idempotency-Key` = the event id on every
 * attempt, `User-Agent: Hookline/<version>`, custom headers, receiver auth) and the signing spec
 * (during a rotation overlap, the old secret signs too).
 */
import type { SendRequest } from '../pool/types.js';
import { USER_AGENT } from '../version.js';
import type { DeliveryRecord, Subscription } from '../store/records.js';

export function buildRequest(
  subscription: Subscription,
  deliveries: readonly DeliveryRecord[],
  nowMs: number,
): SendRequest {
  const first = deliveries[0];
  const batch = subscription.batchSettings !== null;
  const body = batch ? `[${deliveries.map((d) => d.payload).join(',')}]` : first.payload;
  // at-least-once: the event id is the receiver's idempotency key, stable across retries.
  const msgId = batch ? `msg_${first.id.slice(4)}` : first.eventId;
  const headers: Record<string, string> = {
    ...subscription.headers,
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'idempotency-key': msgId,
    'x-hookline-event': batch ? 'batch' : first.eventType,
    'x-hookline-delivery': first.id,
    'x-hookline-attempt': String(first.attemptCount + 1),
  };
  const auth = subscription.authentication;
  if (auth.type === 'bearer') headers.authorization = `Bearer ${auth.token}`;
  if (auth.type === 'basic')
    headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const secrets = [subscription.secret];
  if (subscription.previousSecret && (subscription.previousSecretExpiresAtMs ?? 0) > nowMs)
    secrets.push(subscription.previousSecret);
  return {
    deliveryIds: deliveries.map((d) => d.id),
    url: subscription.url,
    body,
    headers,
    msgId,
    signing:
      subscription.signatureScheme === 'none'
        ? null
        : { scheme: subscription.signatureScheme, secrets, headerName: subscription.signatureHeader ?? undefined },
    timeoutMs: subscription.timeoutMs,
  };
}
