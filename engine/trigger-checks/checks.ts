/**
 * The trigger's checks, owned here and nowhere else: where the request comes from (IP, Origin),
 * who sends it (authentication), whether its body is authentic (signature), then whether it has
 * the seed's shape. Pure (no server, no store), so the n8n package bundles it with the node and
 * the engine's ingress calls the same code. A host that runs some checks itself (the engine runs
 * the caller checks before it reads the body) tells the node which, so each runs once per request.
 */
import { authenticate } from './auth.js';
import { validateTriggerBody } from './body-validation.js';
import { authCredentialType, SIGNING_CREDENTIAL_TYPE, signingSecretOf, type CredentialFetcher } from './credentials.js';
import { rejectionFromAuthError, thrownBy, WebhookAuthError, type WebhookRejection } from './rejection.js';
import type { TriggerOptions, TriggerParameters } from './parameters.js';
import { isIpAllowed, isOriginAllowed } from './source.js';
import { verifySignature } from './signature.js';

/** One of the trigger's checks. */
export type TriggerCheck = 'source' | 'authentication' | 'signature' | 'body';

/** Every check, in the order that costs a hostile caller least. */
export const TRIGGER_CHECKS: readonly TriggerCheck[] = ['source', 'authentication', 'signature', 'body'];

/** The checks that read only the address, headers and query: a host may run them before reading the body. */
export const CALLER_CHECKS: readonly TriggerCheck[] = ['source', 'authentication'];

/** The checks that need the body. */
export const BODY_CHECKS: readonly TriggerCheck[] = ['signature', 'body'];

/** The parts of the incoming request the trigger reads; express's `Request` and the engine's both fit. */
export interface TriggerRequest {
  /** Lower-case header names, as Node delivers them. */
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  /** The caller's address after the host's proxy handling (express `req.ip`). */
  ip?: string;
  /** The body bytes exactly as received; needed for signatures. */
  rawBody?: Buffer | string;
}

/** What {@link runTriggerChecks} reads. */
export interface TriggerCheckInput {
  request: TriggerRequest;
  params: TriggerParameters;
  /** Loads a credential by type; called only for the checks that need one. */
  fetchCredential: CredentialFetcher;
  /** The parsed body, for `signature` (when there are no raw bytes) and `body`. */
  body?: unknown;
}

/** What {@link runTriggerChecks} found. */
export interface TriggerCheckResult {
  /** The answer to send, or null when every check passed. */
  rejection: WebhookRejection | null;
  /** The credential `authentication` compared against; null when it did not run or none is configured. */
  authCredential: Record<string, unknown> | null;
}

/**
 * Runs `checks` in {@link TRIGGER_CHECKS} order and stops at the first rejection. Each check loads
 * only the credential it reads: nothing for `none`, no signing secret when unsigned.
 */
export async function runTriggerChecks(
  checks: readonly TriggerCheck[],
  input: TriggerCheckInput,
): Promise<TriggerCheckResult> {
  const { request, params } = input;
  let authCredential: Record<string, unknown> | null = null;
  for (const check of TRIGGER_CHECKS.filter((name) => checks.includes(name))) {
    let rejection: WebhookRejection | null = null;
    if (check === 'source') rejection = checkSource(request, params.options);
    else if (check === 'authentication') {
      const type = authCredentialType(params.authentication);
      authCredential = type === undefined ? null : await input.fetchCredential(type);
      rejection = checkAuthentication(request, params, authCredential);
    } else if (check === 'signature') {
      if (params.signature === 'none') continue;
      const secret = signingSecretOf(await input.fetchCredential(SIGNING_CREDENTIAL_TYPE));
      rejection = checkSignature(request, params, secret, input.body);
    } else rejection = checkBody(params, input.body);
    if (rejection) return { rejection, authCredential };
  }
  return { rejection: null, authCredential };
}

/** IP allowlist, then Origin: 403 `FORBIDDEN`. */
export function checkSource(request: TriggerRequest, options: TriggerOptions): WebhookRejection | null {
  if (!isIpAllowed(request.ip, options.ipAllowlist)) {
    return { status: 403, code: 'FORBIDDEN', message: 'Your IP address is not allowed to call this webhook' };
  }
  const origin = request.headers.origin;
  if (!isOriginAllowed(origin, options.allowedOrigins)) {
    return {
      status: 403,
      code: 'FORBIDDEN',
      message: `Origin '${String(origin).slice(0, 200)}' is not allowed to call this webhook`,
    };
  }
  return null;
}

/** A signing setup the operator got wrong; the caller gets no detail, and 500 tells senders to retry later. */
const SIGNING_MISCONFIGURED: WebhookRejection = {
  status: 500,
  code: 'INVALID_CONFIG',
  message: 'Signature verification is not configured correctly on this webhook',
};

/** The caller's credentials: 401 `UNAUTHORIZED` (with `WWW-Authenticate` for bearer and Basic). */
export function checkAuthentication(
  request: TriggerRequest,
  params: TriggerParameters,
  credential: Record<string, unknown> | null,
): WebhookRejection | null {
  const failure = thrownBy(() => authenticate(request, params.authentication, credential));
  return failure === undefined ? null : rejectionFor(failure);
}

/** The answer to an authentication or signature failure; anything else is a fault and goes on up. */
function rejectionFor(failure: unknown): WebhookRejection {
  if (failure instanceof WebhookAuthError) return rejectionFromAuthError(failure);
  throw failure;
}

/**
 * The signature over the raw body (`rawBody`, or the re-serialised `body` when the host kept no
 * raw bytes, which only verifies if the sender serialised the same way): 401 `INVALID_SIGNATURE`.
 */
export function checkSignature(
  request: TriggerRequest,
  params: TriggerParameters,
  secret: string | null,
  body: unknown,
): WebhookRejection | null {
  if (params.signature === 'none') return null;
  if (secret === null) return SIGNING_MISCONFIGURED;
  const failure = thrownBy(() =>
    verifySignature({
      signature: params.signature,
      secret,
      headers: request.headers,
      rawBody: request.rawBody ?? JSON.stringify(body ?? {}),
      toleranceSec: params.toleranceSec,
      signatureHeader: params.signatureHeader,
    }),
  );
  if (failure === undefined) return null;
  // verifySignature's TypeError is a configuration fault (unknown option, undecodable whsec_ secret).
  if (failure instanceof TypeError) return SIGNING_MISCONFIGURED;
  return rejectionFor(failure);
}

/** The seed's request format when `validateBody` is on: 400 `INVALID_INPUT` naming the first bad field. */
export function checkBody(params: TriggerParameters, body: unknown): WebhookRejection | null {
  if (!params.options.validateBody) return null;
  const problem = validateTriggerBody(params.kind, body);
  if (!problem) return null;
  const { message, ...details } = problem;
  return { status: 400, code: 'INVALID_INPUT', message, details };
}
