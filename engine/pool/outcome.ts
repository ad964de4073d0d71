/**
 * How one HTTP attempt's outcome maps onto a delivery error code. Pure functions of the status,
 * headers and thrown error, so the rules are tested without sockets and shared by every caller.
 */
import { createError } from '../errors.js';
import type { SendResult } from './types.js';

export type DeliveryErrorCode = NonNullable<SendResult['errorCode']>;

/** What a response (or a failure to get one) means for the delivery. */
export interface Outcome {
  errorCode: DeliveryErrorCode | null;
  error: string | null;
  abort: boolean;
}

/** The Standard Webhooks header a receiver sends to stop retries of one message. */
export const ABORT_HEADER = 'webhook-delivery';
const ABORT_VALUE = 'abort-message';

/** undici's own timeout codes; an aborted overall signal is checked separately. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

type HeaderValue = string | string[] | undefined;

function firstValue(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Reads `Retry-After` as whole seconds from now: either delta-seconds or an HTTP date
 * (RFC 9110 §10.2.3). Only 429 and 503 carry a meaningful one, so other statuses yield null.
 *
 * @returns Seconds to wait (never negative), or null when absent, unparsable or not 429/503.
 */
export function parseRetryAfter(statusCode: number, value: HeaderValue, nowMs = Date.now()): number | null {
  const raw = firstValue(value)?.trim();
  if ((statusCode !== 429 && statusCode !== 503) || !raw) return null;
  if (/^\d+$/.test(raw)) return Number(raw);
  // An HTTP date names its weekday and month; without the letter check V8 reads '-5' as a year.
  const dateMs = /[a-z]/i.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(dateMs)) return null;
  return Math.max(0, Math.ceil((dateMs - nowMs) / 1000));
}

/**
 * Classifies a response: 2xx succeeds; 410 disables the endpoint; `webhook-delivery:
 * abort-message` stops this message (a 2xx wins over it because the message was delivered);
 * anything else is a retryable rejection.
 */
export function classifyResponse(statusCode: number, headers: Record<string, HeaderValue>): Outcome {
  if (statusCode >= 200 && statusCode < 300) return { errorCode: null, error: null, abort: false };
  const abort = firstValue(headers[ABORT_HEADER])?.trim().toLowerCase() === ABORT_VALUE;
  if (statusCode === 410) return failure('DELIVERY_GONE', [], abort);
  if (abort) return failure('DELIVERY_ABORTED', [], true);
  return failure('DELIVERY_REJECTED', [statusCode], false);
}

/**
 * Classifies an attempt that produced no usable response. Our own overall deadline having fired
 * is the decisive timeout test: undici surfaces it as the signal's reason, an AbortError or a
 * socket error depending on the phase it interrupted.
 */
export function classifyError(err: unknown, deadline: AbortSignal, timeoutMs: number): Outcome {
  const code = errorCode(err);
  if (deadline.aborted || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return failure('DELIVERY_TIMEOUT', [timeoutMs], false);
  }
  return failure('DELIVERY_CONNECTION', [describeError(err)], false);
}

function failure(code: DeliveryErrorCode, args: ReadonlyArray<string | number>, abort: boolean): Outcome {
  return { errorCode: code, error: createError(code, args).message, abort };
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
