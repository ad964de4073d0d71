/**
 * A subscription's custom headers: which names and values a caller may set, and how values are
 * masked when read back. A header that would break HTTP framing (`Content-Length`,
 * `Transfer-Encoding` …), steer the connection (`Host`, `Connection`, `Upgrade` …) or shadow a
 * header Hookline sets itself (`Content-Type`, the signature, `Authorization` with receiver auth)
 * is refused when saved, so no delivery fails or changes meaning later.
 */
import { Errors } from '../errors.js';
import { HEADER_VALUE_MASK, TRANSPORT_HEADERS } from '../message/index.js';
import type { Subscription } from '../store/records.js';

/**
 * What the API shows instead of a header value (everywhere but the create response); the attempt
 * log masks with it too. Sending it back in a PUT or PATCH keeps the stored value.
 */
export { HEADER_VALUE_MASK };

/** RFC 7230 §3.2.6 `token`: the only valid header names. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Field content Node's HTTP client sends: tab, visible ASCII, Latin-1. No CR, LF, NUL or other controls. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Headers Hookline sets on every delivery, whatever the subscription says. */
const HOOKLINE_HEADERS = new Set([
  'content-type',
  'user-agent',
  'idempotency-key',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);
const HOOKLINE_PREFIX = 'x-hookline-';

/** The signature headers each scheme adds besides the standard `webhook-*` ones. */
function signatureHeaders(subscription: Subscription): string[] {
  const configured = subscription.signatureHeader;
  switch (subscription.signatureScheme) {
    case 'stripe':
      return ['stripe-signature'];
    case 'hex':
      return [(configured ?? 'x-webhook-signature').toLowerCase()];
    case 'sha256':
      return [(configured ?? 'x-hub-signature-256').toLowerCase()];
    case 'timestamped':
      return [
        (configured ?? 'x-webhook-signature').toLowerCase(),
        (subscription.timestampHeader ?? 'x-webhook-timestamp').toLowerCase(),
      ];
    default:
      return [];
  }
}

function refuse(name: string, message: string, expected: string, received: string): never {
  throw Errors.INVALID_INPUT(`Header '${name}' ${message}`, {
    details: { field: `headers.${name}`, expected, received },
  });
}

/**
 * Checks names and values on their own (the rules that do not depend on other fields). A value
 * equal to {@link HEADER_VALUE_MASK} takes the stored value of the same name (any case); without
 * one it is refused. Values never appear in an error: they are often credentials.
 *
 * @throws INVALID_INPUT naming `headers.<name>`.
 */
export function parseHeaders(
  headers: Readonly<Record<string, string>>,
  stored: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const seen = new Map<string, string>();
  // Entries, not assignments: a header named `__proto__` stays a header.
  const result: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) refuse(name, 'is not a valid header name', 'RFC 7230 token', 'invalid name');
    if (TRANSPORT_HEADERS.has(lower))
      refuse(name, 'is set by the HTTP client and cannot be configured', 'not a transport header', 'reserved name');
    if (HOOKLINE_HEADERS.has(lower) || lower.startsWith(HOOKLINE_PREFIX))
      refuse(name, 'is set by Hookline on every delivery', 'not a Hookline header', 'reserved name');
    const earlier = seen.get(lower);
    if (earlier !== undefined)
      refuse(name, `repeats '${earlier}' (header names ignore case)`, 'unique names', 'duplicate name');
    seen.set(lower, name);
    if (value === HEADER_VALUE_MASK) {
      const kept = Object.entries(stored).find(([storedName]) => storedName.toLowerCase() === lower);
      if (!kept) refuse(name, 'has the mask as its value but no stored value to keep', 'a value', 'mask');
      result.push([name, kept[1]]);
      continue;
    }
    if (!FIELD_VALUE.test(value))
      refuse(name, 'has a value with control or non-Latin-1 characters', 'no CR, LF, NUL', 'invalid value');
    result.push([name, value]);
  }
  return Object.fromEntries(result);
}

/**
 * Checks the headers against the rest of the subscription as it will be saved: `Authorization`
 * belongs to receiver authentication when there is one, and the scheme's signature header to the
 * signature. Run on the merged subscription, so a PATCH that only changes the scheme is checked too.
 *
 * @throws INVALID_INPUT naming `headers.<name>`.
 */
export function checkHeadersFit(subscription: Subscription): void {
  checkSignatureHeaderName(subscription.signatureHeader, 'signature_header');
  checkSignatureHeaderName(subscription.timestampHeader, 'timestamp_header');
  if (
    subscription.timestampHeader &&
    subscription.timestampHeader.toLowerCase() === (subscription.signatureHeader ?? 'x-webhook-signature').toLowerCase()
  )
    throw Errors.INVALID_INPUT(`Timestamp header '${subscription.timestampHeader}' is the signature header too`, {
      details: {
        field: 'timestamp_header',
        expected: 'a header other than the signature',
        received: subscription.timestampHeader,
      },
    });
  const taken = new Set(signatureHeaders(subscription));
  for (const name of Object.keys(subscription.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization' && subscription.authentication.type !== 'none')
      refuse(name, 'is set by the receiver authentication', 'no Authorization header', 'reserved name');
    if (taken.has(lower))
      refuse(
        name,
        `is the signature header of '${subscription.signatureScheme}'`,
        'not a signature header',
        'reserved name',
      );
  }
}

/**
 * A configured signature or timestamp header is written last, over whatever else is set: it may
 * not name a transport header, one Hookline sets, or `Authorization` (the receiver's credentials).
 */
function checkSignatureHeaderName(name: string | null, field: 'signature_header' | 'timestamp_header'): void {
  if (!name) return;
  const lower = name.toLowerCase();
  const reserved =
    TRANSPORT_HEADERS.has(lower) ||
    HOOKLINE_HEADERS.has(lower) ||
    lower.startsWith(HOOKLINE_PREFIX) ||
    lower === 'authorization';
  if (reserved)
    throw Errors.INVALID_INPUT(
      `Header '${name}' of '${field}' is reserved and would overwrite a header Hookline needs`,
      {
        details: { field, expected: 'a header Hookline does not set', received: name },
      },
    );
}

/** The names with every value replaced by {@link HEADER_VALUE_MASK}. */
export function maskHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, HEADER_VALUE_MASK]));
}
