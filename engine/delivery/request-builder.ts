/**
 * Turns claimed deliveries into the plain request a pool worker signs and sends. The message
 * itself (id, body, headers, signing spec) is built by `message/outgoing.ts`, as the sender node
 * builds it inline; what is the engine's own here is reading a subscription: its custom headers,
 * receiver auth, and the secrets that sign (during a rotation overlap, the old secret signs too).
 */
import { buildHeaders, buildMessage, signingSpec } from '../message/index.js';
import type { SendRequest } from '../pool/types.js';
import type { DeliveryRecord, Subscription } from '../store/records.js';

export function buildRequest(
  subscription: Subscription,
  deliveries: readonly DeliveryRecord[],
  nowMs: number,
): SendRequest {
  const first = deliveries[0];
  const message = buildMessage(deliveries, subscription.batchSettings !== null);
  const headers = buildHeaders(message, {
    headers: subscription.headers,
    authentication: subscription.authentication,
    attempt: first.attemptCount + 1,
    deliveryId: first.id,
  });
  return {
    deliveryIds: deliveries.map((d) => d.id),
    url: subscription.url,
    body: message.body,
    headers,
    msgId: message.msgId,
    signing: signingSpec(
      subscription.signatureScheme,
      signingSecrets(subscription, nowMs),
      subscription.signatureHeader ?? undefined,
    ),
    timeoutMs: subscription.timeoutMs,
  };
}

/** The current secret, and the previous one while its rotation overlap lasts. */
function signingSecrets(subscription: Subscription, nowMs: number): string[] {
  const secrets = [subscription.secret];
  if (subscription.previousSecret && (subscription.previousSecretExpiresAtMs ?? 0) > nowMs)
    secrets.push(subscription.previousSecret);
  return secrets;
}
