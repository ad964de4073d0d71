/**
 * Inline retry policy, in one small module as BullMQ keeps its backoffs: how long to wait before a
 * retry, and which answers say "do not retry this" (410 Gone, `webhook-delivery: abort-message`).
 * The engine's outbox has its own, longer schedule; this one only has to outlast a blip while the
 * n8n execution waits.
 */

/** Longest wait between two inline attempts: an execution should not sit idle for minutes. */
export const MAX_BACKOFF_MS = 30_000;

/** Header a receiver sets to stop retries of one message (as the engine's pool honours it). */
export const ABORT_HEADER = 'webhook-delivery';

/** Value of {@link ABORT_HEADER} that stops retries. */
export const ABORT_VALUE = 'abort-message';

/** What one answer means for the delivery. */
export type AttemptVerdict = 'delivered' | 'retry' | 'gone' | 'abort';

/**
 * Wait before retry number `retry` (1 for the first retry): `baseMs`, then doubling, capped at
 * {@link MAX_BACKOFF_MS}. With the default 1000 ms: 1 s, 2 s, 4 s.
 */
export function backoffDelayMs(retry: number, baseMs: number): number {
  const exponent = Math.max(0, retry - 1);
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** exponent);
}

/** Reads a response header whatever its case or repetition. */
function headerValues(headers: Record<string, unknown> | undefined, name: string): string[] {
  if (!headers) return [];
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (Array.isArray(value)) values.push(...value.map(String));
    else if (value !== undefined && value !== null) values.push(String(value));
  }
  return values;
}

/**
 * Classifies an answer: 2xx is delivered (even with an abort header: the message did arrive);
 * 410 means the endpoint is gone; the abort header stops this message; anything else is retried,
 * 4xx included, as the engine's outbox does, because receivers answer 400/404 while deploying.
 */
export function classifyAnswer(statusCode: number, headers?: Record<string, unknown>): AttemptVerdict {
  if (statusCode >= 200 && statusCode < 300) return 'delivered';
  if (statusCode === 410) return 'gone';
  const abort = headerValues(headers, ABORT_HEADER).some((value) =>
    value.split(',').some((part) => part.trim().toLowerCase() === ABORT_VALUE),
  );
  return abort ? 'abort' : 'retry';
}
