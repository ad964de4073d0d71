/**
 * The one registry of Hookline's error codes, in the shape of fastify's `lib/errors.js`: every
 * code has its HTTP status and message template here, and `Errors.CODE(...)` is the only way to
 * make an error that carries it. A caller sees the seed's error shape,
 * `{"success":false,"error":{"code","message","details"}}`, and branches on `code`, never on
 * `message`. `docs/errors.md` documents every code; `test/unit/errors.test.ts` keeps the registry,
 * the doc and the call sites in step.
 */

export interface ErrorSpec {
  /** HTTP status sent when this error ends a request. */
  status: number;
  /** Message template; each `%s` is one argument of the code's constructor, in order. */
  message: string;
  /** For delivery errors: whether another attempt may succeed (the outbox's settle step reads it). */
  retryable?: boolean;
}

export const ERROR_CODES = {
  INVALID_INPUT: { status: 400, message: '%s' },
  MALFORMED_JSON: { status: 400, message: 'Request body is not valid JSON: %s' },
  // The trigger checks and the config loader word their own messages, as the n8n node does.
  INVALID_CONFIG: { status: 500, message: '%s' },
  INVALID_SIGNATURE: { status: 401, message: '%s' },
  UNAUTHORIZED: { status: 401, message: '%s' },
  FORBIDDEN: { status: 403, message: '%s' },
  NOT_FOUND: { status: 404, message: '%s' },
  CONFLICT: { status: 409, message: '%s' },
  WORKFLOW_INACTIVE: { status: 409, message: "Workflow '%s' is not active" },
  CONTENT_ERASED: { status: 410, message: '%s cannot be sent: its event’s content was erased' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Request body is larger than %s bytes' },
  REQUEST_TIMEOUT: { status: 408, message: "The request's headers or body did not arrive in time" },
  URI_TOO_LONG: { status: 414, message: 'A path segment of the URL is longer than %s characters' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "Content type '%s' is not supported; send application/json" },
  LIMIT_EXCEEDED: { status: 422, message: '%s' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are larger than the server accepts' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; retry after %s seconds' },
  NODE_EXECUTION_FAILED: { status: 500, message: "Node '%s' failed: %s" },
  CREDENTIAL_NOT_FOUND: { status: 500, message: "Credential '%s' of type '%s' is not defined" },
  EXECUTION_TIMEOUT: { status: 504, message: 'Execution did not finish within %s ms' },
  BACKLOG_FULL: {
    status: 503,
    message: 'More than %s deliveries are waiting to be sent; retry after %s seconds',
  },
  STORE_UNAVAILABLE: { status: 503, message: 'Cannot reach the database at %s: %s' },
  INTERNAL: { status: 500, message: '%s' },
  DELIVERY_TIMEOUT: { status: 504, message: 'Receiver did not answer within %s ms', retryable: true },
  DELIVERY_CONNECTION: { status: 502, message: 'Could not reach the receiver: %s', retryable: true },
  DELIVERY_REJECTED: { status: 502, message: 'Receiver answered %s', retryable: true },
  DELIVERY_GONE: { status: 410, message: 'Receiver answered 410 Gone; the endpoint is disabled', retryable: false },
  DELIVERY_ABORTED: { status: 409, message: 'Receiver asked to stop retrying this message', retryable: false },
  DELIVERY_TARGET_REFUSED: {
    status: 403,
    message: "Target '%s' was refused before connecting: %s",
    retryable: false,
  },
  TARGET_NOT_ALLOWED: {
    status: 422,
    message: "Target '%s' is a private or special-purpose address; set allowPrivateTargets to allow it",
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorOptions {
  /** The error body's `details`; for INVALID_INPUT the seed's first bad field: `{ field, expected, received }`. */
  details?: Record<string, unknown>;
  /** Response headers that go with the error (`WWW-Authenticate`, `Retry-After`). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export interface ErrorBody {
  success: false;
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** One value per `%s` of a template: `"Node '%s' failed: %s"` → `[string | number, string | number]`. */
type TemplateArgs<T extends string> = T extends `${string}%s${infer Rest}`
  ? [string | number, ...TemplateArgs<Rest>]
  : [];

/** A code's constructor arguments: its template's values, then the options. */
export type ErrorArgs<C extends ErrorCode> = [...TemplateArgs<(typeof ERROR_CODES)[C]['message']>, ErrorOptions?];

/** Builds the error of one code, e.g. `Errors.NOT_FOUND(\`Workflow '${id}' not found\`)`. */
export type ErrorFactory<C extends ErrorCode> = (...args: ErrorArgs<C>) => HooklineError<C>;

/** Set once by HooklineError's static block: the registry's way past the private constructor. */
let construct: <C extends ErrorCode>(code: C, message: string, options: ErrorOptions) => HooklineError<C>;

export class HooklineError<C extends ErrorCode = ErrorCode> extends Error {
  static {
    construct = (code, message, options) => new HooklineError(code, message, options);
  }

  readonly code: C;
  readonly status: number;
  readonly details?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  /** Private: {@link Errors} is the only way to make one, so message and status always come from the registry. */
  private constructor(code: C, message: string, options: ErrorOptions) {
    super(message, { cause: options.cause });
    this.name = 'HooklineError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
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

function define<C extends ErrorCode>(code: C): ErrorFactory<C> {
  const parts = ERROR_CODES[code].message.split('%s');
  const valueCount = parts.length - 1;
  return (...args) => {
    const message = parts.reduce((text, part, i) => text + String(args[i - 1]) + part);
    return construct(code, message, (args[valueCount] as ErrorOptions | undefined) ?? {});
  };
}

/** One constructor per code; its parameters are the template's `%s` values, then {@link ErrorOptions}. */
export const Errors = Object.freeze(
  Object.fromEntries(Object.keys(ERROR_CODES).map((code) => [code, define(code as ErrorCode)])),
) as { readonly [C in ErrorCode]: ErrorFactory<C> };

export function isHooklineError(value: unknown): value is HooklineError {
  return value instanceof HooklineError;
}
