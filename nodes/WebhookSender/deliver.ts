/**
 * Inline delivery inside n8n: POST through n8n's own `helpers.httpRequest` (so n8n's proxy and TLS
 * settings apply), with bounded retries and backoff through n8n-workflow's `sleep`. Without the
 * engine's durable outbox this is at-most-a-few-attempts: a failure that outlasts the retries
 * fails the item, and the n8n execution records it.
 */
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { classifyAnswer, type AttemptVerdict, type OutgoingMessage } from '../../engine/message/index.js';
import { backoffDelayMs } from './backoff.js';
import type { DeliveryFailure } from './error.js';
import { sleep } from '../../engine/node-contract/n8n-runtime.js';

/** Retry and timeout settings of inline delivery. */
export interface DeliverySettings {
  url: string;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff; doubles per retry. */
  retryBaseMs: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Headers of attempt `attempt` (1-based), signed for the moment they are sent. */
  headersFor(attempt: number): Record<string, string>;
}

/** The outcome of {@link deliverInline}. */
export type DeliveryResult = { sent: true; statusCode: number; attempts: number } | ({ sent: false } & DeliveryFailure);

/** One attempt: the answer's status and meaning, or the transport error. */
interface AttemptResult {
  statusCode: number | null;
  verdict: AttemptVerdict;
  error: string;
}

/** n8n's full response with `returnFullResponse: true`. */
interface FullResponse {
  statusCode: number;
  headers?: Record<string, unknown>;
  body?: unknown;
}

/** The start of an answer's body, for the error message: enough to see why, never a whole page. */
function excerpt(body: unknown): string {
  if (body === undefined || body === null || body === '') return '';
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body);
  return `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}

async function attemptOnce(
  source: Pick<IExecuteFunctions, 'helpers'>,
  message: OutgoingMessage,
  settings: DeliverySettings,
  attempt: number,
): Promise<AttemptResult> {
  const request: IHttpRequestOptions = {
    method: 'POST',
    url: settings.url,
    body: message.body,
    headers: settings.headersFor(attempt),
    returnFullResponse: true,
    ignoreHttpStatusErrors: true,
    timeout: settings.timeoutMs,
    // The signature covers these exact bytes: the body must not be re-serialised on the way out.
    json: false,
    // A redirect would re-send the signed body and its Authorization to another address.
    disableFollowRedirect: true,
  };
  try {
    const response = (await source.helpers.httpRequest(request)) as FullResponse;
    const verdict = classifyAnswer(response.statusCode, response.headers);
    return { statusCode: response.statusCode, verdict, error: `HTTP ${response.statusCode}${excerpt(response.body)}` };
  } catch (error) {
    // Refused, reset or timed out: nothing was answered, so trying again is safe and worthwhile.
    return { statusCode: null, verdict: 'retry', error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Sends `message` until a 2xx, a stop answer (410, `webhook-delivery: abort-message`) or
 * `maxRetries` retries, waiting {@link backoffDelayMs} between attempts.
 */
export async function deliverInline(
  source: Pick<IExecuteFunctions, 'helpers'>,
  message: OutgoingMessage,
  settings: DeliverySettings,
): Promise<DeliveryResult> {
  let attempts = 0;
  for (;;) {
    attempts += 1;
    const result = await attemptOnce(source, message, settings, attempts);
    if (result.verdict === 'delivered') return { sent: true, statusCode: result.statusCode ?? 0, attempts };
    const failure: DeliveryFailure = { statusCode: result.statusCode, attempts, error: result.error };
    if (result.verdict === 'gone' || result.verdict === 'abort')
      return { sent: false, ...failure, stopReason: result.verdict };
    if (attempts > settings.maxRetries) return { sent: false, ...failure };
    await sleep(backoffDelayMs(attempts, settings.retryBaseMs));
  }
}
