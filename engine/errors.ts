/**
 * The one registry of Hookline's error codes. Every error a caller can see carries one of these
 * codes, its HTTP status and the seed's error shape:
 * `{"success":false,"error":{"code","message","details"}}`. Callers branch on `code`, never on
 * `message`.
 */

export interface ErrorSpec {
  /** HTTP status sent when this error ends a request. */
  status: number;
  /** Default message; `%s` is replaced by the arguments given to `createError`. */
  message: string;
  /** For delivery errors: whether another attempt may succeed. */
  retryable?: boolean;
}

export const ERROR_CODES = {
  INVALID_INPUT: { status: 400, message: '%s' },
  MALFORMED_JSON: { status: 400, message: 'Request body is not valid JSON: %s' },
  INVALID_CONFIG: { status: 500, message: 'Invalid configuration: %s' },
  INVALID_WORKFLOW: { status: 422, message: 'Invalid workflow: %s' },
  INVALID_SIGNATURE: { status: 401, message: 'Signature verification failed: %s' },
  UNAUTHORIZED: { status: 401, message: '%s' },
  FORBIDDEN: { status: 403, message: '%s' },
  NOT_FOUND: { status: 404, message: '%s' },
  METHOD_NOT_ALLOWED: { status: 405, message: '%s' },
  CONFLICT: { status: 409, message: '%s' },
  WORKFLOW_INACTIVE: { status: 409, message: "Workflow '%s' is not active" },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Request body is larger than %s bytes' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "Content type '%s' is not supported; send application/json" },
  UNPROCESSABLE: { status: 422, message: '%s' },
  LIMIT_EXCEEDED: { status: 422, message: '%s' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; retry after %s seconds' },
  NODE_EXECUTION_FAILED: { status: 500, message: "Node '%s' failed: %s" },
  CREDENTIAL_NOT_FOUND: { status: 500, message: "Credential '%s' of type '%s' is not defined" },
  UNKNOWN_NODE_TYPE: { status: 422, message: "Unknown node type '%s'" },
  EXECUTION_TIMEOUT: { status: 504, message: 'Execution did not finish within %s ms' },
  SHUTTING_DOWN: { status: 503, message: 'The engine is shutting down' },
  BACKLOG_FULL: {
    status: 503,
    message: 'More than %s deliveries are waiting to be sent; retry after %s seconds',
  },
  INTERNAL: { status: 500, message: 'Internal error' },
  DELIVERY_TIMEOUT: { status: 504, message: 'Receiver did not answer within %s ms', retryable: true },
  DELIVERY_CONNECTION: { status: 502, message: 'Could not reach the receiver: %s', retryable: true },
  DELIVERY_REJECTED: { status: 502, message: 'Receiver answered %s', retryable: true },
  DELIVERY_GONE: { status: 410, message: 'Receiver answered 410 Gone; the endpoint is disabled', retryable: false },
  DELIVERY_ABORTED: { status: 409, message: 'Receiver asked to stop retrying this message', retryable: false },
  TARGET_NOT_ALLOWED: {
    status: 422,
    message: "Target '%s' is a private or loopback address; set allowPrivateTargets to allow it",
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** `details` of an INVALID_INPUT error, as in the seed: the first bad field. */
export interface FieldErrorDetails {
  field: string;
  expected: string;
  received: string;
  [key: string]: unknown;
}

export class HooklineError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;
  readonly retryable: boolean;
  /** Response headers that go with the error (`WWW-Authenticate`, `Retry-After`). */
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'HooklineError';
    this.code = code;
    const spec: ErrorSpec = ERROR_CODES[code];
    this.status = spec.status;
    this.retryable = spec.retryable ?? false;
    this.details = options.details;
    this.headers = options.headers;
  }

  /** The seed's error body. */
  toJSON(): ErrorBody {
    return {
      success: false,
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

export interface ErrorOptions {
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

export interface ErrorBody {
  success: false;
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** Builds a HooklineError whose message is the code's template filled with `args`. */
export function createError(
  code: ErrorCode,
  args: ReadonlyArray<string | number> = [],
  options: ErrorOptions = {},
): HooklineError {
  let i = 0;
  const message = ERROR_CODES[code].message.replace(/%s/g, () => String(args[i++] ?? ''));
  return new HooklineError(code, message, options);
}

export function isHooklineError(value: unknown): value is HooklineError {
  return value instanceof HooklineError;
}

/** An INVALID_INPUT error naming the first bad field, in the seed's `details` shape. */
export function invalidInput(message: string, details: FieldErrorDetails): HooklineError {
  return new HooklineError('INVALID_INPUT', message, { details });
}
