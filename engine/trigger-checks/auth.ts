/**
 * Caller authentication for the trigger: the seed's three methods (URL token, `Authorization:
 * Bearer`, Basic) plus `none`. Like n8n's Webhook node it throws a typed error; unlike it, every
 * secret comparison is constant-time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { WebhookAuthError } from './rejection.js';

export { WebhookAuthError } from './rejection.js';

/** How callers prove who they are. `urlToken` is the seed's recommended method. */
export type AuthMethod = 'urlToken' | 'bearer' | 'basic' | 'none';

/** The parts of an incoming request that authentication reads. Header names are lower case. */
export interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
}

/** `WWW-Authenticate` challenge sent with a failed bearer check (RFC 6750 §3). */
export const BEARER_CHALLENGE = 'Bearer realm="hookline"';

/** `WWW-Authenticate` challenge sent with a failed Basic check (RFC 7617 §2.1). */
export const BASIC_CHALLENGE = 'Basic realm="hookline", charset="UTF-8"';

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Constant-time equality of two secrets. Both sides are hashed first so the compared buffers always
 * have the same length: `timingSafeEqual` cannot throw, and neither the time taken nor an early
 * exit tells a caller how long the configured secret is.
 */
export function secretsEqual(expected: string, received: string): boolean {
  return timingSafeEqual(expectedDigest(expected), sha256(received));
}

/** Digests of configured secrets (never of what a caller sent), so each is hashed once, not per request. */
const expectedDigests = new Map<string, Buffer>();

const MAX_EXPECTED_DIGESTS = 1024;

/** The module's own loop rather than `engine/memo.ts`: the n8n package bundles these checks with only node:crypto. */
function expectedDigest(secret: string): Buffer {
  let digest = expectedDigests.get(secret);
  if (digest === undefined) {
    if (expectedDigests.size >= MAX_EXPECTED_DIGESTS) expectedDigests.clear();
    digest = sha256(secret);
    expectedDigests.set(secret, digest);
  }
  return digest;
}

/** Lower-case header lookup; a repeated header is joined so it can never match a single secret. */
function headerValue(headers: AuthRequest['headers'], name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The value after `scheme` in `Authorization`, or undefined when the header uses another scheme. */
function authorizationParam(headers: AuthRequest['headers'], scheme: 'bearer' | 'basic'): string | undefined {
  const header = headerValue(headers, 'authorization')?.trim();
  if (!header || header.length <= scheme.length || header.slice(0, scheme.length).toLowerCase() !== scheme)
    return undefined;
  if (header[scheme.length] !== ' ' && header[scheme.length] !== '\t') return undefined;
  const param = header.slice(scheme.length + 1).trim();
  return param === '' ? undefined : param;
}

/** `user:password` from a Basic header; the user-id cannot contain a colon (RFC 7617 §2). */
function basicPair(headers: AuthRequest['headers']): { user: string; password: string } | undefined {
  const encoded = authorizationParam(headers, 'basic');
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** A configured secret, or null when it is absent or empty: an empty secret must never match `?token=`. */
function configured(credential: Record<string, unknown> | null, field: string): string | null {
  const value = credential?.[field];
  return typeof value === 'string' && value !== '' ? value : null;
}

function unauthorized(message: string, wwwAuthenticate?: string): WebhookAuthError {
  return new WebhookAuthError(401, 'UNAUTHORIZED', message, { wwwAuthenticate });
}

function checkUrlToken(request: AuthRequest, credential: Record<string, unknown> | null): void {
  const supplied = request.query.token;
  if (supplied === undefined || supplied === '')
    throw unauthorized('Missing token: add ?token=<webhook token> to the URL');
  const expected = configured(credential, 'token');
  // A missing credential answers like a wrong token, so the endpoint never advertises that it is misconfigured.
  if (typeof supplied !== 'string' || expected === null || !secretsEqual(expected, supplied))
    throw unauthorized('Invalid token');
}

function checkBearer(request: AuthRequest, credential: Record<string, unknown> | null): void {
  const supplied = authorizationParam(request.headers, 'bearer');
  if (supplied === undefined) throw unauthorized('Missing bearer token in the Authorization header', BEARER_CHALLENGE);
  const expected = configured(credential, 'token');
  if (expected === null || !secretsEqual(expected, supplied))
    throw unauthorized('Invalid bearer token', BEARER_CHALLENGE);
}

function checkBasic(request: AuthRequest, credential: Record<string, unknown> | null): void {
  const supplied = basicPair(request.headers);
  if (supplied === undefined)
    throw unauthorized('Missing Basic credentials in the Authorization header', BASIC_CHALLENGE);
  const user = configured(credential, 'user');
  const password = configured(credential, 'password');
  if (user === null || password === null) throw unauthorized('Invalid user or password', BASIC_CHALLENGE);
  // Both comparisons always run, so the time taken does not reveal whether the user name was right.
  const userOk = secretsEqual(user, supplied.user);
  const passwordOk = secretsEqual(password, supplied.password);
  if (!(userOk && passwordOk)) throw unauthorized('Invalid user or password', BASIC_CHALLENGE);
}

/**
 * Checks the caller against the configured credential.
 *
 * @param credential - The decrypted credential of the method's type (`token`, or `user` and
 * `password`); null when none is configured, which fails like a wrong one: never open.
 * @throws {@link WebhookAuthError} 401 `UNAUTHORIZED` when credentials are missing or wrong, with
 * `wwwAuthenticate` set for `bearer` and `basic`; also for an unknown method.
 */
export function authenticate(
  request: AuthRequest,
  method: AuthMethod,
  credential: Record<string, unknown> | null,
): void {
  switch (method) {
    case 'none':
      return;
    case 'urlToken':
      return checkUrlToken(request, credential);
    case 'bearer':
      return checkBearer(request, credential);
    case 'basic':
      return checkBasic(request, credential);
    default:
      throw unauthorized(`Authentication method '${String(method)}' is not supported`);
  }
}

/**
 * A stable, non-secret key naming the authenticated caller, for per-credential rate limiting:
 * the method and the first 16 hex digits of the SHA-256 of the configured token (or Basic user
 * name). It is derived from the credential, not the request, so a caller cannot vary it; call it
 * after {@link authenticate} succeeded, when both are the same.
 *
 * @returns e.g. `bearer:3f1c0a…`; `none` for an open trigger (key those by address instead).
 */
export function authKey(method: AuthMethod, credential: Record<string, unknown> | null): string {
  if (method === 'none') return 'none';
  const identity = configured(credential, method === 'basic' ? 'user' : 'token') ?? '';
  return `${method}:${expectedDigest(identity).toString('hex').slice(0, 16)}`;
}
