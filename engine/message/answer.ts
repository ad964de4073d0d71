/**
 * What a receiver's answer means, read the same by the engine's pool and the sender node: the 2xx
 * test, the Standard Webhooks abort header and `Retry-After`. Pure functions of status and headers.
 */

/** The Standard Webhooks header a receiver sends to stop retries of one message. */
export const ABORT_HEADER = 'webhook-delivery';

/** Value of {@link ABORT_HEADER} that stops retries. */
export const ABORT_VALUE = 'abort-message';

/** What one answer means for the message. */
export type AttemptVerdict = 'delivered' | 'retry' | 'gone' | 'abort';

/** Response headers as undici or n8n hand them over: any case, a value or a list. */
export type ResponseHeaders = Readonly<Record<string, unknown>>;

/** Whether the status says the message arrived: any 2xx, nothing else (redirects are not followed). */
export function isSuccessStatus(statusCode: number | null): boolean {
  return statusCode !== null && statusCode >= 200 && statusCode < 300;
}

/** Every value of a response header, whatever the case of its name or its repetition. */
export function headerValues(headers: ResponseHeaders | undefined, name: string): string[] {
  if (!headers) return [];
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (Array.isArray(value)) values.push(...value.map(String));
    else if (value !== undefined && value !== null) values.push(String(value));
  }
  return values;
}

/** Whether the receiver answered `webhook-delivery: abort-message` (in any case, in any list entry). */
export function hasAbortHeader(headers: ResponseHeaders | undefined): boolean {
  return headerValues(headers, ABORT_HEADER).some((value) =>
    value.split(',').some((part) => part.trim().toLowerCase() === ABORT_VALUE),
  );
}

/**
 * Classifies an answer: 2xx is delivered (even with an abort header: the message did arrive); 410
 * means the endpoint is gone; the abort header stops this message; anything else is retried, 4xx
 * included, because receivers answer 400/404 while deploying.
 */
export function classifyAnswer(statusCode: number, headers?: ResponseHeaders): AttemptVerdict {
  if (isSuccessStatus(statusCode)) return 'delivered';
  if (statusCode === 410) return 'gone';
  return hasAbortHeader(headers) ? 'abort' : 'retry';
}

/**
 * Reads `Retry-After` as whole seconds from now: either delta-seconds or an HTTP date
 * (RFC 9110 §10.2.3). Only 429 and 503 carry a meaningful one, so other statuses yield null.
 *
 * @returns Seconds to wait (never negative), or null when absent, unparsable or not 429/503.
 */
export function parseRetryAfter(statusCode: number, value: unknown, nowMs = Date.now()): number | null {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  const raw = typeof first === 'string' ? first.trim() : undefined;
  if ((statusCode !== 429 && statusCode !== 503) || !raw) return null;
  if (/^\d+$/.test(raw)) return Number(raw);
  // An HTTP date names its weekday and month; without the letter check V8 reads '-5' as a year.
  const dateMs = /[a-z]/i.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(dateMs)) return null;
  return Math.max(0, Math.ceil((dateMs - nowMs) / 1000));
}
