/**
 * One HTTP call to `/api/v1`: bearer auth, JSON in and out, a timeout, and every failure turned
 * into a {@link HooklineApiError}.
 */
import { HooklineApiError } from './errors.js';

/** A `fetch` like the global one (Node 20 has it); injectable for proxies or custom agents. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Query values; `undefined` ones are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

export interface TransportOptions {
  /** Server root (`http://127.0.0.1:8787`); a trailing `/api/v1` is accepted too. */
  baseUrl: string;
  apiKey: string;
  fetch: FetchLike;
  timeoutMs: number;
}

/** One request's optional parts; `headers` go beside the transport's own (e.g. `Idempotency-Key`). */
export interface RequestParts {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Sends one request and resolves with the parsed JSON body of a 2xx answer. */
export type Transport = <T>(method: string, path: string, options?: RequestParts) => Promise<T>;

/** `/api/v1` under the given root, without a trailing slash. */
export function apiRoot(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return trimmed.endsWith('/api/v1') ? trimmed : `${trimmed}/api/v1`;
}

function buildUrl(root: string, path: string, query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(key, String(value));
  }
  const search = params.toString();
  return `${root}${path}${search ? `?${search}` : ''}`;
}

/** Creates the transport the resource classes share. */
export function createTransport(options: TransportOptions): Transport {
  const root = apiRoot(options.baseUrl);
  return async <T>(method: string, path: string, request: RequestParts = {}): Promise<T> => {
    const url = buildUrl(root, path, request.query);
    const headers: Record<string, string> = {
      ...request.headers,
      authorization: `Bearer ${options.apiKey}`,
      accept: 'application/json',
    };
    // No body, no content type: the API answers an empty JSON body with MALFORMED_JSON.
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await options.fetch(url, {
        method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      throw networkError(method, url, cause, options.timeoutMs);
    }
    return parseAnswer<T>(response, text);
  };
}

function networkError(method: string, url: string, cause: unknown, timeoutMs: number): HooklineApiError {
  const timedOut = (cause as Error | undefined)?.name === 'TimeoutError';
  const reason = timedOut ? `no answer within ${timeoutMs} ms` : describeCause(cause);
  return new HooklineApiError(
    'NETWORK_ERROR',
    `${method} ${url} failed: ${reason}`,
    0,
    { timed_out: timedOut },
    { cause },
  );
}

/** `fetch failed` says nothing; undici puts the useful part (ECONNREFUSED …) in `cause`. */
function describeCause(cause: unknown): string {
  const error = cause as (Error & { cause?: { code?: string; message?: string } }) | undefined;
  return error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(cause);
}

function parseAnswer<T>(response: Response, text: string): T {
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new HooklineApiError(
      'UNEXPECTED_RESPONSE',
      `HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`,
      response.status,
    );
  }
  if (response.ok) return body as T;
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (!error || typeof error.code !== 'string') {
    throw new HooklineApiError(
      'UNEXPECTED_RESPONSE',
      `HTTP ${response.status} without the API's error body`,
      response.status,
    );
  }
  const details =
    error.details && typeof error.details === 'object' ? (error.details as Record<string, unknown>) : undefined;
  throw new HooklineApiError(error.code, String(error.message ?? error.code), response.status, details);
}
