/**
 * The headers an attempt keeps for its log: what was sent, with every secret masked, and what the
 * receiver answered, bounded. Pure, since the pool worker applies it to what only it sees (the
 * signature headers it adds, the response) and the main thread to the rest; each side hands back
 * only masked and bounded text, so an attempt's result stays small on its way to the settle.
 */
import type { ResponseHeaders } from './answer.js';

/**
 * What the API shows instead of a secret header value. It cannot be a real value: `•` is not a
 * Latin-1 character, and HTTP header values are.
 */
export const HEADER_VALUE_MASK = '••••';

/** Response headers kept per attempt, and the characters kept of each value. */
export const RESPONSE_HEADERS_KEPT = 50;
export const HEADER_VALUE_CHARS = 512;

/** Signing adds ids and timestamps (kept: they are what a receiver checks against) and signatures (masked). */
const NOT_SECRET_SIGNED = /(^|-)(id|timestamp)$/;

/** Receiver cookies may carry sessions: masked like a credential. */
const SECRET_RESPONSE = new Set(['set-cookie', 'authorization', 'proxy-authenticate', 'www-authenticate']);

/**
 * The headers that signing added to `before`, signature values masked. Names are lower case, as
 * the sender writes them.
 */
export function signedHeadersOf(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): Record<string, string> {
  // Entries, not assignments, here and below: a header named `__proto__` stays a header.
  const added: [string, string][] = [];
  for (const [name, value] of Object.entries(after)) {
    if (before[name] === value) continue;
    const lower = name.toLowerCase();
    added.push([lower, NOT_SECRET_SIGNED.test(lower) ? value : HEADER_VALUE_MASK]);
  }
  return Object.fromEntries(added);
}

/**
 * The request headers as the log keeps them: `Authorization` and every header the subscription
 * configured (the API never shows their values either) masked, then the signing headers.
 */
export function maskedRequestHeaders(
  sent: Readonly<Record<string, string>>,
  configured: Iterable<string>,
  signed: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const secret = new Set(['authorization']);
  for (const name of configured) secret.add(name.toLowerCase());
  const out: [string, string][] = Object.entries(sent).map(([name, value]) => {
    const lower = name.toLowerCase();
    return [lower, secret.has(lower) ? HEADER_VALUE_MASK : value];
  });
  return Object.fromEntries([...out, ...Object.entries(signed)]);
}

/**
 * The first {@link RESPONSE_HEADERS_KEPT} response headers, each value (repeated ones joined with
 * `, `) cut at {@link HEADER_VALUE_CHARS} characters; credentials and cookies masked.
 */
export function boundedResponseHeaders(headers: ResponseHeaders): Record<string, string> {
  const out: [string, string][] = [];
  for (const [name, raw] of Object.entries(headers)) {
    if (out.length >= RESPONSE_HEADERS_KEPT) break;
    if (raw === undefined || raw === null) continue;
    const lower = name.toLowerCase();
    const value = Array.isArray(raw) ? raw.join(', ') : String(raw);
    out.push([lower, SECRET_RESPONSE.has(lower) ? HEADER_VALUE_MASK : value.slice(0, HEADER_VALUE_CHARS)]);
  }
  return Object.fromEntries(out);
}
