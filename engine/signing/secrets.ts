import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';

/** Prefix of Standard Webhooks symmetric secrets. */
export const SECRET_PREFIX = 'whsec_';

/**
 * Secrets in use at once are few (one per endpoint, two while rotating), so a plain Map that is
 * emptied when full is enough: it bounds memory if secrets churn without an LRU's bookkeeping on
 * the 50k/s signing path.
 */
const CACHE_LIMIT = 1024;

/** Returns `cache.get(key)`, computing and storing it on a miss. */
export function memo<T>(cache: Map<string, T>, key: string, compute: (key: string) => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = compute(key);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, value);
  }
  return value;
}

/** Standard base64 with optional padding; Buffer's decoder would silently skip stray characters. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decodes `text` as base64, throwing a TypeError naming `what` if it is not. */
export function decodeBase64(text: string, what: string): Buffer {
  if (!BASE64.test(text) || text.length % 4 === 1) throw new TypeError(`${what} is not valid base64`);
  return Buffer.from(text, 'base64');
}

const standardKeys = new Map<string, Buffer>();

/**
 * The HMAC key bytes of a Standard Webhooks secret: base64 after `whsec_`, or the UTF-8 of a
 * secret given without the prefix (for secrets pasted from systems that never used it). Decoded
 * once per secret because signing runs on the hot path.
 */
export function standardKey(secret: string): Buffer {
  return memo(standardKeys, secret, (s) => {
    const key = s.startsWith(SECRET_PREFIX)
      ? decodeBase64(s.slice(SECRET_PREFIX.length), 'Secret after whsec_')
      : Buffer.from(s, 'utf8');
    if (key.length === 0) throw new TypeError("Secret can't be empty");
    return key;
  });
}

/**
 * A new Standard Webhooks secret: `whsec_` and 32 random bytes in base64 (the spec asks for
 * 24 to 64 bytes). Also fine for the other HMAC schemes, which use the whole string as the key.
 */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}
