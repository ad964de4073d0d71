import { createHmac } from 'node:crypto';
import { checkTimestamp, findHeader, noMatch, requireHeader, safeEqual, splitSignatures } from './common.js';
import { WebhookVerificationError } from './errors.js';
import { standardKey } from './secrets.js';
import type { HeaderMap, SignInput, VerifyInput } from './types.js';

/** The three headers of a Standard Webhooks message, as read from a request. */
export interface StandardHeaders {
  id: string;
  /** The timestamp exactly as sent, since that text is what was signed. */
  timestamp: string;
  signature: string;
}

/** The headers a Standard Webhooks sender adds, `signature` already formatted. */
export function standardHeaders(msgId: string, timestampSec: number, signature: string): Record<string, string> {
  return { 'webhook-id': msgId, 'webhook-timestamp': String(timestampSec), 'webhook-signature': signature };
}

/**
 * Reads `webhook-*` headers, or Svix's `svix-*` names (the same protocol before it was
 * standardised) when no `webhook-signature` is present. The three always come from one family so
 * a request cannot mix an id from one with a signature from the other.
 */
export function readStandardHeaders(headers: HeaderMap): StandardHeaders {
  const useSvix =
    findHeader(headers, 'webhook-signature') === undefined && findHeader(headers, 'svix-signature') !== undefined;
  const brand = useSvix ? 'svix' : 'webhook';
  return {
    id: requireHeader(headers, `${brand}-id`),
    timestamp: requireHeader(headers, `${brand}-timestamp`),
    signature: requireHeader(headers, `${brand}-signature`),
  };
}

/**
 * The values of the `<version>,<value>` entries in a space-separated signature header. Entries of
 * other versions are skipped, not rejected: a sender may send `v1` and `v1a` side by side.
 */
export function versionedSignatures(header: string, version: 'v1' | 'v1a'): string[] {
  const values: string[] = [];
  for (const entry of splitSignatures(header, /\s+/)) {
    const comma = entry.indexOf(',');
    if (comma > 0 && entry.slice(0, comma) === version) values.push(entry.slice(comma + 1));
  }
  if (values.length === 0) {
    throw new WebhookVerificationError('bad_format', `No '${version},<signature>' entry in the signature header`);
  }
  return values;
}

/** Base64 HMAC-SHA256 of `${msgId}.${timestamp}.${body}`, fed in pieces so a large body is never copied. */
function standardMac(secret: string, msgId: string, timestamp: string | number, body: string | Buffer): string {
  return createHmac('sha256', standardKey(secret)).update(`${msgId}.${timestamp}.`).update(body).digest('base64');
}

/** Signs with every secret so receivers holding either side of a rotation accept the message. */
export function signStandard(input: SignInput): Record<string, string> {
  let signature = '';
  for (const secret of input.secrets) {
    const entry = `v1,${standardMac(secret, input.msgId, input.timestampSec, input.body)}`;
    signature = signature === '' ? entry : `${signature} ${entry}`;
  }
  return standardHeaders(input.msgId, input.timestampSec, signature);
}

/** Accepts when any `v1` signature in the header matches any secret. */
export function verifyStandard(input: VerifyInput): void {
  const { id, timestamp, signature } = readStandardHeaders(input.headers);
  checkTimestamp(timestamp, input.toleranceSec, input.nowSec);
  const received = versionedSignatures(signature, 'v1');
  for (const secret of input.secrets) {
    const expected = standardMac(secret, id, timestamp, input.body);
    for (const candidate of received) {
      if (safeEqual(expected, candidate)) return;
    }
  }
  throw noMatch();
}
