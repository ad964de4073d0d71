/**
 * How one HTTP attempt's outcome maps onto a delivery error code. Pure functions of the status,
 * headers and thrown error, so the rules are tested without sockets and shared by every caller.
 */
import { Errors, type HooklineError } from '../errors.js';
import { classifyAnswer, hasAbortHeader, type ResponseHeaders } from '../message/index.js';
import type { SendResult, SendTask, SendTaskResult } from './types.js';

export type DeliveryErrorCode = NonNullable<SendResult['errorCode']>;

/** What a response (or a failure to get one) means for the delivery. */
export interface Outcome {
  errorCode: DeliveryErrorCode | null;
  error: string | null;
  abort: boolean;
}

/** undici's own timeout codes; an aborted overall signal is checked separately. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * A response's delivery error code, from the message module's verdict (shared with the sender
 * node): 2xx succeeds; 410 disables the endpoint; `webhook-delivery: abort-message` stops this
 * message (a 2xx wins over it because the message was delivered); anything else is retryable.
 */
export function classifyResponse(statusCode: number, headers: ResponseHeaders): Outcome {
  switch (classifyAnswer(statusCode, headers)) {
    case 'delivered':
      return { errorCode: null, error: null, abort: false };
    case 'gone':
      return failure(Errors.DELIVERY_GONE(), hasAbortHeader(headers));
    case 'abort':
      return failure(Errors.DELIVERY_ABORTED(), true);
    default:
      return failure(Errors.DELIVERY_REJECTED(statusCode), false);
  }
}

/**
 * Classifies an attempt that produced no usable response. Our own overall deadline having fired
 * (`timedOut`) is the decisive timeout test: undici surfaces it as the abort's reason, an
 * AbortError or a socket error depending on the phase it interrupted.
 */
export function classifyError(err: unknown, timedOut: boolean, timeoutMs: number): Outcome {
  const code = errorCode(err);
  // The guarded lookup's refusal: nothing was sent, and retrying would only be refused again.
  if (code === 'DELIVERY_TARGET_REFUSED') return { errorCode: code, error: (err as Error).message, abort: false };
  if (timedOut || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return failure(Errors.DELIVERY_TIMEOUT(timeoutMs), false);
  }
  return failure(Errors.DELIVERY_CONNECTION(describeError(err)), false);
}

/** The attempt row keeps the error's code and message, not the error: results cross the worker boundary as plain data. */
function failure(error: HooklineError<DeliveryErrorCode>, abort: boolean): Outcome {
  return { errorCode: error.code, error: error.message, abort };
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A short text for the delivery log. Node's happy-eyeballs connect raises an AggregateError
 * with an empty message, so the code (ECONNREFUSED, ENOTFOUND, …) comes first.
 */
export function describeError(err: unknown): string {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code && message && !message.includes(code)) return `${code}: ${message}`;
  return message || code || 'unknown error';
}

/**
 * The results of a task the pool itself could not run (a thread that died or could not load):
 * every request is a failed, retryable attempt, so the rows get backoff and an attempt row rather
 * than coming back unchanged each time their lease runs out.
 */
export function failedTask(task: SendTask, err: unknown): SendTaskResult {
  const { errorCode, error } = failure(Errors.DELIVERY_CONNECTION(`pool task failed: ${describeError(err)}`), false);
  const startedAtMs = Date.now();
  return {
    results: task.requests.map((request) => ({
      deliveryIds: request.deliveryIds,
      startedAtMs,
      statusCode: null,
      responseTimeMs: 0,
      responseExcerpt: null,
      retryAfterSec: null,
      abort: false,
      errorCode,
      error,
    })),
    skipped: [],
  };
}
