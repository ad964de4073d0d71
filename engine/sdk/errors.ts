/** The one error the SDK throws for a failed call. */

/** Codes the SDK adds to the API's own (`engine/errors.ts`) for failures that never reached it. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE';

/**
 * A call that did not succeed: the API's error (`code`, `message`, `details` and the HTTP
 * `status`), or `NETWORK_ERROR` (status 0) when no answer came back at all, or
 * `UNEXPECTED_RESPONSE` when the answer was not the API's JSON (a proxy's HTML page).
 * Branch on `code`, never on `message`.
 */
export class HooklineApiError extends Error {
  /** The API's error code, e.g. `NOT_FOUND`, `INVALID_INPUT`, `UNAUTHORIZED`, or a {@link ClientErrorCode}. */
  readonly code: string;
  /** HTTP status; 0 when the request never got an answer. */
  readonly status: number;
  /** The API's `details`, e.g. `{ field, expected, received }` for `INVALID_INPUT`. */
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    status: number,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HooklineApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** Narrows `value` to {@link HooklineApiError}. */
export function isHooklineApiError(value: unknown): value is HooklineApiError {
  return value instanceof HooklineApiError;
}
