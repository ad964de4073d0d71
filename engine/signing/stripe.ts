import { checkTimestamp, noMatch, requireHeader, safeEqual, splitSignatures } from './common.js';
import { WebhookVerificationError } from './errors.js';
import { hmacHex } from './hmac-hex.js';
import type { SignInput, VerifyInput } from './types.js';

/** Stripe's fixed header name. */
export const STRIPE_HEADER = 'stripe-signature';

/**
 * `t=<sec>,v1=<hex>[,v1=<hex>…]`, one `v1` per secret. Stripe keys the HMAC with the whole secret
 * string, `whsec_` included, unlike Standard Webhooks which base64-decodes what follows it.
 */
export function signStripe(input: SignInput): Record<string, string> {
  const prefix = `${input.timestampSec}.`;
  let value = `t=${input.timestampSec}`;
  for (const secret of input.secrets) value += `,v1=${hmacHex(secret, prefix, input.body)}`;
  return { [STRIPE_HEADER]: value };
}

/** Splits the header into its timestamp and `v1` signatures; other schemes (`v0`) are ignored, as Stripe does. */
function parseStripeHeader(header: string): { timestamp: string; signatures: string[] } {
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const item of splitSignatures(header, /,/)) {
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === 't') timestamp = value;
    else if (key === 'v1') signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookVerificationError(
      'bad_format',
      `'${STRIPE_HEADER}' must hold 't=<seconds>' and at least one 'v1=<hex>'`,
    );
  }
  return { timestamp, signatures };
}

/** Accepts when any `v1` in `Stripe-Signature` matches any secret within the tolerance. */
export function verifyStripe(input: VerifyInput): void {
  const { timestamp, signatures } = parseStripeHeader(requireHeader(input.headers, STRIPE_HEADER, ','));
  checkTimestamp(timestamp, input.toleranceSec, input.nowSec);
  for (const secret of input.secrets) {
    const expected = hmacHex(secret, `${timestamp}.`, input.body);
    for (const candidate of signatures) {
      if (safeEqual(expected, candidate)) return;
    }
  }
  throw noMatch();
}
