/**
 * One outgoing HTTP request of n8n's HTTP Request node, through the same SSRF guard and undici
 * Agent as webhook deliveries (`send.ts`): the URL is checked before connecting (scheme, IP
 * literal) and every address a name resolves to is checked at connect time (the Agent's guarded
 * `lookup`). Redirects are followed only when the node asks, and each hop is checked again.
 */
import { Buffer } from 'node:buffer';
import { STATUS_CODES } from 'node:http';
import { request, type Dispatcher, type FormData } from 'undici';
import { Errors } from '../errors.js';
import { refusalOfUrl, type TargetPolicy } from '../message/target-guard.js';
import { sharedAgentFor } from './send.js';

/** A request as the node built it. */
export interface GuardedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** A multipart body must be undici's own FormData (Node's global one is another undici's). */
  body?: string | Buffer | FormData;
  /** Bounds the whole request, connect to last byte. */
  timeoutMs: number;
  /** @defaultValue false (the engine never follows a redirect it was not asked to) */
  followRedirects?: boolean;
  /** @defaultValue 21 */
  maxRedirects?: number;
  /** Aborts the request (the execution was stopped). */
  signal?: AbortSignal;
}

export interface GuardedResponse {
  statusCode: number;
  statusMessage: string;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
}

/** A response body past this is cut off with an error rather than held in memory. */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Sends the request. Throws `DELIVERY_TARGET_REFUSED` when the guard refuses the target (before
 * any byte is sent), `DELIVERY_TIMEOUT` past `timeoutMs`, and undici's own errors (with their
 * `code`: ECONNREFUSED, ENOTFOUND, …) for the network.
 */
export async function guardedRequest(
  req: GuardedRequest,
  targets: TargetPolicy,
  dispatcher: Dispatcher = sharedAgentFor(targets),
): Promise<GuardedResponse> {
  const deadline = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([deadline, req.signal]) : deadline;
  let current = { method: req.method, url: req.url, body: req.body };
  for (let hops = 0; ; hops++) {
    assertAllowed(current.url, targets);
    const response = await send(current, req, dispatcher, signal, deadline);
    const location = response.headers.location;
    if (!req.followRedirects || !REDIRECTS.has(response.statusCode) || typeof location !== 'string') return response;
    if (hops >= (req.maxRedirects ?? 21)) throw new Error(`Maximum number of redirects exceeded (${hops})`);
    // 303, and 301/302 after a POST, become a GET without a body (as browsers and axios do).
    const keep = response.statusCode === 307 || response.statusCode === 308 || current.method === 'GET';
    current = {
      method: keep ? current.method : 'GET',
      url: new URL(location, current.url).href,
      body: keep ? current.body : undefined,
    };
  }
}

function assertAllowed(url: string, targets: TargetPolicy): void {
  let refusal: ReturnType<typeof refusalOfUrl>;
  try {
    // Names are left to the guarded lookup: what they resolve to at connect time is what counts.
    refusal = refusalOfUrl(url, targets, { localNames: false });
  } catch {
    throw Errors.INVALID_INPUT(`Invalid URL: ${url}`);
  }
  if (refusal) throw Errors.DELIVERY_TARGET_REFUSED(refusal.host, refusal.reason);
}

async function send(
  current: { method: string; url: string; body?: GuardedRequest['body'] },
  req: GuardedRequest,
  dispatcher: Dispatcher,
  signal: AbortSignal,
  deadline: AbortSignal,
): Promise<GuardedResponse> {
  try {
    const response = await request(current.url, {
      method: current.method as Dispatcher.HttpMethod,
      headers: req.headers,
      body: current.body as Dispatcher.DispatchOptions['body'],
      dispatcher,
      signal,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const body = await readBody(response.body);
    return {
      statusCode: response.statusCode,
      statusMessage: STATUS_CODES[response.statusCode] ?? '',
      headers: response.headers as Record<string, string | string[]>,
      body,
      url: current.url,
    };
  } catch (error) {
    if (deadline.aborted) throw Errors.DELIVERY_TIMEOUT(req.timeoutMs);
    throw error;
  }
}

async function readBody(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes > MAX_RESPONSE_BYTES) throw new Error(`The response is larger than ${MAX_RESPONSE_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
