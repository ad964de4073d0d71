/**
 * The trigger's typed failures. Kept free of imports because this folder is bundled into the n8n
 * package, where the engine's `HooklineError` is not available; the codes are a subset of
 * `engine/errors.ts` and a unit test keeps the two in step.
 */

/** The codes an authentication or signature failure carries, as in `engine/errors.ts`. */
export type WebhookAuthCode = 'UNAUTHORIZED' | 'FORBIDDEN' | 'INVALID_SIGNATURE';

/** Every code the trigger answers with when it turns a request away. */
export type WebhookRejectionCode = WebhookAuthCode | 'INVALID_INPUT' | 'INVALID_CONFIG';

/** Optional parts of a {@link WebhookAuthError}. */
export interface WebhookAuthErrorOptions {
  /** Value of the `WWW-Authenticate` response header (RFC 9110 §11.6.1), for 401 answers. */
  wwwAuthenticate?: string;
  /** Extra machine-readable facts for the error body's `details`. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * A request that is not allowed in: missing or wrong credentials (401), a bad signature (401) or a
 * source that is not allowed (403). Callers branch on `code`, never on `message`; the message is
 * safe to send back to the caller and never contains a secret.
 */
export class WebhookAuthError extends Error {
  readonly status: 401 | 403;
  readonly code: WebhookAuthCode;
  readonly wwwAuthenticate?: string;
  readonly details?: Record<string, unknown>;

  constructor(status: 401 | 403, code: WebhookAuthCode, message: string, options: WebhookAuthErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'WebhookAuthError';
    this.status = status;
    this.code = code;
    this.wwwAuthenticate = options.wwwAuthenticate;
    this.details = options.details;
  }
}

/** What the trigger answers when it turns a request away: status, headers and the seed's error body. */
export interface WebhookRejection {
  status: number;
  code: WebhookRejectionCode;
  message: string;
  details?: Record<string, unknown>;
  /** Response headers to set, e.g. `WWW-Authenticate`. */
  headers?: Record<string, string>;
}

/** The rejection a {@link WebhookAuthError} stands for. */
export function rejectionFromAuthError(error: WebhookAuthError): WebhookRejection {
  return {
    status: error.status,
    code: error.code,
    message: error.message,
    ...(error.details ? { details: error.details } : {}),
    ...(error.wwwAuthenticate ? { headers: { 'WWW-Authenticate': error.wwwAuthenticate } } : {}),
  };
}

/** The seed's error body: `{"success":false,"error":{"code","message","details"}}`. */
export function rejectionBody(rejection: WebhookRejection): {
  success: false;
  error: { code: string; message: string; details?: Record<string, unknown> };
} {
  const error = {
    code: rejection.code,
    message: rejection.message,
    ...(rejection.details ? { details: rejection.details } : {}),
  };
  return { success: false, error };
}

/**
 * Runs `check` and returns what it threw, or `undefined`. Callers branch on the failure's type and
 * let anything unexpected go on up, with no catch-and-rethrow; the node's `webhook()` wraps what
 * reaches it in n8n's `NodeOperationError`.
 */
export function thrownBy(check: () => void): unknown {
  try {
    check();
    return undefined;
  } catch (error) {
    return error ?? new Error('A check threw undefined');
  }
}
