import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { memo } from '../memo.js';

/** Prefix of Standard Webhooks symmetric secrets. */
export const SECRET_PREFIX = 'whsec_';

/** Standard base64 with optional padding; Buffer's decoder would silently skip stray characters. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decodes `text` as base64, throwing a TypeError naming `what` if it is not. */
export function decodeBase64(text: string, what: string): Buffer {
  if (!BASE64.test(text) || text.length % 4 === 1) throw new TypeError(`${what} is not valid base64`);
  return Buffer.from(text, 'base64');
}

const standardKeys = new Map<string, Buffer>();

/**
 * Canonical padded base64: what the spec's libraries (`standardwebhooks`, `svix`) decode the same
 * way we do. Their decoder throws on stray characters and short unpadded text and misreads some
 * longer unpadded text, so anything else is refused rather than signed with bytes they would not use.
 */
const PADDED_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Why a secret is not a Standard Webhooks secret, or null when it is one. */
export function standardSecretProblem(secret: string): string | null {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded === '') return "Secret can't be empty";
  if (!PADDED_BASE64.test(encoded))
    return `A Standard Webhooks secret is base64 (padded, optionally after '${SECRET_PREFIX}')`;
  return null;
}

/**
 * The HMAC key bytes of a Standard Webhooks secret, as the spec reads it: the base64 after an
 * optional `whsec_` prefix. Decoded once per secret because signing runs on the hot path.
 *
 * @throws TypeError when the secret is not base64 (see {@link standardSecretProblem}).
 */
export function standardKey(secret: string): Buffer {
  return memo(standardKeys, secret, (s) => {
    const problem = standardSecretProblem(s);
    if (problem !== null) throw new TypeError(problem);
    return Buffer.from(s.startsWith(SECRET_PREFIX) ? s.slice(SECRET_PREFIX.length) : s, 'base64');
  });
}

/**
 * The spec form of a secret that an engine before version 11 keyed by its UTF-8 bytes (it read an
 * unprefixed Standard Webhooks secret that way): `whsec_` plus the base64 of those bytes signs
 * exactly as before. A `whsec_` secret was always base64 and is returned as is.
 */
export function legacyStandardSecret(secret: string): string {
  return secret.startsWith(SECRET_PREFIX) ? secret : SECRET_PREFIX + Buffer.from(secret, 'utf8').toString('base64');
}

/**
 * A new Standard Webhooks secret: `whsec_` and 32 random bytes in base64 (the spec asks for
 * 24 to 64 bytes). Also fine for the other HMAC schemes, which use the whole string as the key.
 */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}
