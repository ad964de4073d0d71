/**
 * The trigger's checks in the order that costs least for a hostile caller: where the request
 * comes from (IP, Origin), who sends it (authentication), whether its body is authentic
 * (signature), then whether it has the seed's shape. Each returns the rejection to send, or null.
 */
import { authenticate } from './auth.js';
import { validateTriggerBody } from './body-validation.js';
import { rejectionFromAuthError, thrownBy, WebhookAuthError, type WebhookRejection } from './error.js';
import type { TriggerOptions, TriggerParameters } from './parameters.js';
import { isIpAllowed, isOriginAllowed } from './request-checks.js';
import { verifySignature } from './signature.js';

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

/** Secrets the checks compare against; null where none is configured. */
export interface TriggerCredentials {
  /** The credential of the authentication method (`token`, or `user` and `password`). */
  auth: Record<string, unknown> | null;
  /** The signing secret, when signature verification is on. */
  signingSecret: string | null;
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

/** Authentication, then the signature: 401 for a missing or wrong credential or signature. */
export function checkCaller(
  request: TriggerRequest,
  params: TriggerParameters,
  credentials: TriggerCredentials,
  body: unknown,
): WebhookRejection | null {
  const authFailure = thrownBy(() => authenticate(request, params.authentication, credentials.auth));
  if (authFailure !== undefined) return rejectionFor(authFailure);
  return checkSignature(request, params, credentials.signingSecret, body);
}

/** The answer to an authentication or signature failure; anything else is a fault and goes on up. */
function rejectionFor(failure: unknown): WebhookRejection {
  if (failure instanceof WebhookAuthError) return rejectionFromAuthError(failure);
  throw failure;
}

/**
 * The signature over the raw body (`rawBody`, or the re-serialised `body` when the host kept no
 * raw bytes, which only verifies if the sender serialised the same way).
 */
function checkSignature(
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
