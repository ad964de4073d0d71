/**
 * The Webhook node's caller checks, in n8n's order: IP allowlist (403), bots (403), then the
 * authentication method: `basicAuth` (`httpBasicAuth`: user, password), `headerAuth`
 * (`httpHeaderAuth`: name, value) or `jwtAuth` (`jwtAuth`: a passphrase or a PEM public key, and an
 * algorithm). Statuses and messages are n8n's (401 when nothing usable was sent, 403 when it is
 * wrong, 500 when the node has no credential); every secret comparison is constant-time
 * (`secretsEqual`), where n8n compares with `!==`. JWTs are verified with `jose`; its errors are
 * reported in the words n8n's JWT library uses, so callers see the same messages.
 */
import { errors as joseErrors, importSPKI, importX509, jwtVerify, type JWTPayload } from 'jose';
import { isIpAllowed, secretsEqual } from '../../../trigger-checks/index.js';
import type { WebhookParameters } from './webhook-params.js';

/** What n8n answers a refused caller: its status, message and headers. */
export interface WebhookRefusal {
  status: 401 | 403 | 500;
  message: string;
  headers: Record<string, string>;
}

export interface WebhookCallerResult {
  refusal: WebhookRefusal | null;
  /** The verified token's claims (`jwtAuth`), which n8n adds to the item as `jwtPayload`. */
  jwtPayload?: Record<string, unknown>;
}

export interface WebhookCallerRequest {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
}

/** Loads a credential by type; null when the node has none or it cannot be loaded. */
export type WebhookCredentialFetcher = (type: string) => Promise<Record<string, unknown> | null>;

/** n8n sends this challenge with every authorization refusal, 403 included. */
const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="Webhook"' };
const NO_CREDENTIAL = 'No authentication data defined on node!';

const refuse = (status: WebhookRefusal['status'], message?: string): WebhookRefusal => ({
  status,
  message: message ?? (status === 401 ? 'Authorization is required!' : 'Authorization data is wrong!'),
  headers: CHALLENGE,
});

/**
 * User agents of link previewers and crawlers (n8n's `ignoreBots`). A short list of the common
 * ones, not n8n's library: a bot that it knows and this does not gets in, and is then a normal caller.
 */
const BOT_PATTERN =
  /bot\b|bot\/|crawler|spider|crawling|slurp|facebookexternalhit|embedly|preview|whatsapp|telegrambot|discordbot|slackbot|curl-image|headlesschrome|lighthouse|python-requests\/\d.*bot/i;

export function isBot(userAgent: string | string[] | undefined): boolean {
  const value = Array.isArray(userAgent) ? userAgent.join(' ') : userAgent;
  return typeof value === 'string' && BOT_PATTERN.test(value);
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

function headerOf(headers: WebhookCallerRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** `user:pass` of `Authorization: Basic …` (scheme case-insensitive), or undefined when there is none. */
function basicPair(headers: WebhookCallerRequest['headers']): { user: string; pass: string } | undefined {
  const match = /^ *basic +([A-Za-z0-9._~+/-]+=*) *$/i.exec(headerOf(headers, 'authorization') ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

function checkBasic(request: WebhookCallerRequest, credential: Record<string, unknown> | null): WebhookRefusal | null {
  const user = str(credential?.user);
  const password = str(credential?.password);
  if (!user || !password) return refuse(500, NO_CREDENTIAL);
  const supplied = basicPair(request.headers);
  if (!supplied) return refuse(401);
  // Both comparisons run, so the time taken does not tell whether the user name was right.
  const userOk = secretsEqual(user, supplied.user);
  const passOk = secretsEqual(password, supplied.pass);
  return userOk && passOk ? null : refuse(403);
}

function checkHeader(request: WebhookCallerRequest, credential: Record<string, unknown> | null): WebhookRefusal | null {
  const name = str(credential?.name).toLowerCase();
  const value = str(credential?.value);
  if (!name || !value) return refuse(500, NO_CREDENTIAL);
  const supplied = headerOf(request.headers, name);
  return supplied !== undefined && secretsEqual(value, supplied) ? null : refuse(403);
}

/** PEM keys pasted into a credential often lose their line breaks or keep them escaped. */
function pemOf(key: string): string {
  const text = key.replace(/\\n/g, '\n').trim();
  const match = /^(-----BEGIN [A-Z ]+-----)\s*([\s\S]*?)\s*(-----END [A-Z ]+-----)$/.exec(text);
  if (!match) return text;
  const body = match[2].replace(/\s+/g, '').replace(/(.{64})/g, '$1\n');
  return `${match[1]}\n${body.trim()}\n${match[3]}`;
}

async function verificationKey(credential: Record<string, unknown>, algorithm: string) {
  if (str(credential.keyType) !== 'pemKey') return new TextEncoder().encode(str(credential.secret));
  const pem = pemOf(str(credential.publicKey));
  return pem.includes('CERTIFICATE') ? importX509(pem, algorithm) : importSPKI(pem, algorithm);
}

/** jose's error, in the words of the `jsonwebtoken` library n8n verifies with. */
function jwtMessage(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'jwt expired';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'invalid signature';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'invalid algorithm';
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'nbf') return 'jwt not active';
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) return 'jwt malformed';
  return error instanceof Error ? error.message : String(error);
}

async function checkJwt(
  request: WebhookCallerRequest,
  credential: Record<string, unknown> | null,
): Promise<WebhookCallerResult> {
  if (!credential) return { refusal: refuse(500, NO_CREDENTIAL) };
  const token = headerOf(request.headers, 'authorization')?.split(' ')[1];
  if (!token) return { refusal: refuse(401, 'No token provided') };
  const algorithm = str(credential.algorithm) || 'HS256';
  try {
    const key = await verificationKey(credential, algorithm);
    const { payload } = await jwtVerify(token, key, { algorithms: [algorithm] });
    return { refusal: null, jwtPayload: payload as JWTPayload & Record<string, unknown> };
  } catch (error) {
    return { refusal: refuse(403, jwtMessage(error)) };
  }
}

const CREDENTIAL_TYPES: Record<string, string> = {
  basicAuth: 'httpBasicAuth',
  headerAuth: 'httpHeaderAuth',
  jwtAuth: 'jwtAuth',
};

/**
 * Runs the caller checks of a Webhook node's request; they read only the address and headers, so a
 * host can run them before it reads the body.
 */
export async function checkWebhookCaller(
  request: WebhookCallerRequest,
  params: Pick<WebhookParameters, 'authentication' | 'options'>,
  fetchCredential: WebhookCredentialFetcher,
): Promise<WebhookCallerResult> {
  if (!isIpAllowed(request.ip, params.options.ipWhitelist))
    return { refusal: { status: 403, message: 'IP is not allowed to access the webhook!', headers: {} } };
  if (params.options.ignoreBots && isBot(request.headers['user-agent'])) return { refusal: refuse(403) };
  const method = params.authentication;
  if (method === 'none') return { refusal: null };
  const type = CREDENTIAL_TYPES[method];
  // An unknown method closes the webhook rather than leaving it open.
  if (!type) return { refusal: refuse(500, `Authentication method '${String(method).slice(0, 50)}' is not supported`) };
  const credential = await fetchCredential(type).catch(() => null);
  if (method === 'jwtAuth') return checkJwt(request, credential);
  return { refusal: method === 'basicAuth' ? checkBasic(request, credential) : checkHeader(request, credential) };
}
