/**
 * Turns claimed deliveries into the plain request a pool worker signs and sends. The message
 * itself (id, body, headers, signing spec) is built by `message/outgoing.ts`, as the sender node
 * builds it inline; what is the engine's own here is reading a subscription: its custom headers,
 * receiver auth, and the secrets that sign (during a rotation overlap, the old secret signs too).
 */
import { buildHeaders, buildMessage, signingSpec } from '../message/index.js';
import { legacyStandardSecret, standardSecretProblem } from '../signing/index.js';
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
    signing: signingSpec(subscription.signatureScheme, signingSecrets(subscription, nowMs), subscription),
    timeoutMs: subscription.timeoutMs,
  };
}

/**
 * The current secret, and the previous one while its rotation overlap lasts. A previous secret
 * that cannot sign the current scheme (a plain one, after a switch to Standard Webhooks) is left
 * out rather than failing every attempt. A profile's receivers (the seeds' code) compare a single
 * signature, so a profile webhook signs with its current secret only: a receiver that has the new
 * secret accepts at once, where two signatures would fail every receiver through the overlap.
 */
function signingSecrets(subscription: Subscription, nowMs: number): string[] {
  const secrets = [signingForm(subscription)];
  const previous = subscription.previousSecret;
  if (previous && subscription.profile === null && (subscription.previousSecretExpiresAtMs ?? 0) > nowMs) {
    if (subscription.signatureScheme !== 'standard-webhooks' || standardSecretProblem(previous) === null)
      secrets.push(previous);
  }
  return secrets;
}

/**
 * The current secret as the signer reads it: a row stored before version 11 with Standard Webhooks
 * and an unprefixed secret was keyed by the secret's UTF-8 bytes, and keeps being so through the
 * spec form of those bytes (see `Subscription.legacySecretUtf8`).
 */
export function signingForm(
  subscription: Pick<Subscription, 'secret' | 'signatureScheme' | 'legacySecretUtf8'>,
): string {
  return subscription.legacySecretUtf8 && subscription.signatureScheme === 'standard-webhooks'
    ? legacyStandardSecret(subscription.secret)
    : subscription.secret;
}
