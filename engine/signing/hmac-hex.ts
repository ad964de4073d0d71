import { createHmac } from 'node:crypto';
import { checkTimestamp, noMatch, requireHeader, safeEqual, splitSignatures } from './common.js';
import { WebhookVerificationError } from './errors.js';
import type { SignInput, VerifyInput } from './types.js';

/** The hex-digest schemes handled here. */
export type HexScheme = 'hex' | 'sha256' | 'timestamped';

interface HexVariant {
  /** Default signature header (lower case). */
  header: string;
  /** Text before each hex digest in the header, e.g. GitHub's `sha256=`. */
  tag: string;
  /** Whether `${timestamp}.` is signed and sent in its own header. */
  timestamped: boolean;
}

const VARIANTS: Record<HexScheme, HexVariant> = {
  hex: { header: 'x-webhook-signature', tag: '', timestamped: false },
  sha256: { header: 'x-hub-signature-256', tag: 'sha256=', timestamped: false },
  timestamped: { header: 'x-webhook-signature', tag: '', timestamped: true },
};

/** Default timestamp header of the `timestamped` scheme. */
export const DEFAULT_TIMESTAMP_HEADER = 'x-webhook-timestamp';

/**
 * Lowercase hex HMAC-SHA256 of `prefix + body`. The secret string itself is the key (its UTF-8
 * bytes), which is what GitHub, Stripe and the usual `createHmac('sha256', secret)` receiver do.
 */
export function hmacHex(secret: string, prefix: string, body: string | Buffer): string {
  const hmac = createHmac('sha256', secret);
  if (prefix !== '') hmac.update(prefix);
  return hmac.update(body).digest('hex');
}

/** Signs with every secret, space-separated, so receivers on either side of a rotation accept. */
export function signHex(input: SignInput, scheme: HexScheme): Record<string, string> {
  const variant = VARIANTS[scheme];
  const timestamp =
    input.timestampUnit === 'ms' ? Math.floor(input.timestampMs ?? input.timestampSec * 1000) : input.timestampSec;
  const prefix = variant.timestamped ? `${timestamp}.` : '';
  let value = '';
  for (const secret of input.secrets) {
    const entry = variant.tag + hmacHex(secret, prefix, input.body);
    value = value === '' ? entry : `${value} ${entry}`;
  }
  const headers: Record<string, string> = { [(input.headerName ?? variant.header).toLowerCase()]: value };
  if (variant.timestamped) {
    headers[(input.timestampHeaderName ?? DEFAULT_TIMESTAMP_HEADER).toLowerCase()] = String(timestamp);
  }
  return headers;
}

/** Digests from the header with the scheme's tag removed; hex is compared in lower case. */
function receivedDigests(header: string, tag: string): string[] {
  const digests: string[] = [];
  for (const entry of splitSignatures(header, /[\s,]+/)) {
    if (entry.startsWith(tag)) digests.push(entry.slice(tag.length).toLowerCase());
  }
  if (digests.length === 0)
    throw new WebhookVerificationError('bad_format', `No '${tag}<hex>' signature in the header`);
  return digests;
}

/** Accepts when any digest in the header matches any secret. */
export function verifyHex(input: VerifyInput, scheme: HexScheme): void {
  const variant = VARIANTS[scheme];
  const header = requireHeader(input.headers, (input.headerName ?? variant.header).toLowerCase());
  let prefix = '';
  if (variant.timestamped) {
    const timestamp = requireHeader(
      input.headers,
      (input.timestampHeaderName ?? DEFAULT_TIMESTAMP_HEADER).toLowerCase(),
    );
    checkTimestamp(timestamp, input.toleranceSec, input.nowSec, input.timestampUnit);
    prefix = `${timestamp}.`;
  }
  const received = receivedDigests(header, variant.tag);
  for (const secret of input.secrets) {
    const expected = hmacHex(secret, prefix, input.body);
    for (const candidate of received) {
      if (safeEqual(expected, candidate)) return;
    }
  }
  throw noMatch();
}
