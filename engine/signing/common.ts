import { Buffer } from 'node:buffer';
import { timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from './errors.js';
import { DEFAULT_TOLERANCE_SEC, type HeaderMap, type TimestampUnit } from './types.js';

/**
 * More signatures than this in one header is not a rotation but an attempt to make us run one
 * HMAC or Ed25519 check per entry and per secret.
 */
const MAX_SIGNATURES = 32;

/**
 * Case-insensitive header lookup. `name` must be lower case. Node already lower-cases incoming
 * names, so the direct hit is the common path and the scan only serves hand-built header objects.
 * A repeated header arrives as an array and is joined with `separator`, the scheme's list separator.
 */
export function findHeader(headers: HeaderMap, name: string, separator = ' '): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === name) {
        value = headers[key];
        break;
      }
    }
  }
  if (Array.isArray(value)) value = value.join(separator);
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Like {@link findHeader} but a missing header is a verification failure. */
export function requireHeader(headers: HeaderMap, name: string, separator = ' '): string {
  const value = findHeader(headers, name, separator);
  if (value === undefined) throw new WebhookVerificationError('missing_header', `Missing required header '${name}'`);
  return value;
}

/**
 * Checks a signed Unix timestamp (seconds, or milliseconds for `unit` `ms`) against now; returns it
 * in seconds. Only plain digits are accepted: `parseInt` would let `12abc` or `1e3` through as a
 * different time from the one that was signed.
 */
export function checkTimestamp(
  raw: string,
  toleranceSec = DEFAULT_TOLERANCE_SEC,
  nowSec?: number,
  unit: TimestampUnit = 's',
): number {
  if (!/^\d{1,15}$/.test(raw)) {
    const what = unit === 'ms' ? 'milliseconds' : 'seconds';
    throw new WebhookVerificationError('bad_format', `Timestamp '${raw.slice(0, 32)}' is not a Unix time in ${what}`);
  }
  const timestamp = unit === 'ms' ? Number(raw) / 1000 : Number(raw);
  const now = nowSec ?? (unit === 'ms' ? Date.now() / 1000 : Math.floor(Date.now() / 1000));
  const age = now - timestamp;
  if (age > toleranceSec) {
    throw new WebhookVerificationError(
      'timestamp',
      `Message timestamp too old (${Math.round(age)} s > ${toleranceSec} s)`,
    );
  }
  if (-age > toleranceSec) {
    throw new WebhookVerificationError(
      'timestamp',
      `Message timestamp too new (${Math.round(-age)} s ahead > ${toleranceSec} s)`,
    );
  }
  return timestamp;
}

/**
 * Constant-time string comparison. Lengths are compared on the encoded bytes first because
 * `timingSafeEqual` throws a RangeError on unequal lengths; the expected length is public anyway.
 */
export function safeEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Splits a signature list, refusing absurdly long ones (see {@link MAX_SIGNATURES}). */
export function splitSignatures(value: string, separator: RegExp): string[] {
  const parts = value.split(separator).filter((part) => part !== '');
  if (parts.length > MAX_SIGNATURES) {
    throw new WebhookVerificationError('bad_format', `Too many signatures (${parts.length} > ${MAX_SIGNATURES})`);
  }
  return parts;
}

/** The "no signature matched" failure, worded the same for every scheme. */
export function noMatch(): WebhookVerificationError {
  return new WebhookVerificationError('mismatch', 'No matching signature found');
}

/** Empty secret lists are a configuration bug; failing loudly beats signing nothing. */
export function assertSecrets(secrets: readonly string[]): void {
  if (secrets.length === 0 || secrets.some((secret) => typeof secret !== 'string' || secret === '')) {
    throw new TypeError('At least one non-empty secret is required');
  }
}

/** Signing takes whole seconds; a millisecond value here would be silently wrong for years. */
export function assertTimestamp(timestampSec: number): void {
  if (!Number.isSafeInteger(timestampSec) || timestampSec < 0 || timestampSec > 1e11) {
    throw new TypeError(`timestampSec must be whole Unix seconds, got ${timestampSec}`);
  }
}
