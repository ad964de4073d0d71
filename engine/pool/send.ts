/**
 * Signs and POSTs one task's requests with undici. Pure apart from the network and a per-thread
 * connection cache, so it runs the same in a piscina worker or inline on the main thread. It
 * never throws for a delivery problem: every request yields a {@link SendResult}.
 *
 * SSRF: a task's `targets` policy is applied twice before any byte is sent: to the URL (scheme,
 * IP literal; sockets skip `lookup` for literals) and, through the Agent's guarded `lookup`, to
 * every address a name resolves to. Redirects are never followed (undici 7's `request` has no
 * redirect handling unless a redirect interceptor is composed in, and none is).
 */
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { Agent, request, type Dispatcher } from 'undici';
import { refusalOfUrl, type TargetPolicy } from '../message/target-guard.js';
import { Errors } from '../errors.js';
import { boundedResponseHeaders, parseRetryAfter, signedHeadersOf, signHeaders } from '../message/index.js';
import { createGuardedLookup, type ResolveHost } from './guarded-lookup.js';
import { classifyError, classifyResponse, describeError } from './outcome.js';
import type { SendRequest, SendResult, SendTask, SendTaskResult } from './types.js';

/** Bytes of the response body kept for the delivery log. */
export const EXCERPT_BYTES = 1024;

/**
 * Bytes of a response body read (and thrown away) to keep the keep-alive socket reusable.
 * Past it, reconnecting is cheaper than reading on, so the socket is destroyed instead. 64 KiB is a
 * few socket reads, cheaper than a new connection (a TLS handshake costs milliseconds); a limit of
 * 1 MiB made each request to a receiver that streams a huge reply read a megabyte through the pool
 * thread (the overload figure's outage receiver: about 250 deliveries/s, and every ordered endpoint
 * starved of CPU meanwhile). A reply whose `content-length` is past the limit is not read past its
 * excerpt at all.
 */
export const DRAIN_LIMIT_BYTES = 64 * 1024;

/** Options of {@link createSendAgent}. */
export interface SendAgentOptions {
  /**
   * Keep-alive connections per origin (undici keeps one Pool per origin inside the Agent).
   * DESIGN §7: 64 connections sustain ~15-18k signed POSTs/s against a local receiver.
   * @defaultValue 64
   */
  connectionsPerOrigin?: number;
  /**
   * How long an idle socket stays open. Below Node's server default (5 s) so we close first
   * and never write into a socket the receiver is closing.
   * @defaultValue 4000
   */
  keepAliveTimeoutMs?: number;
  /**
   * Connect to special-purpose addresses too: no guarded `lookup`. Only for tasks whose policy
   * has `allowPrivateTargets` (local development, tests).
   * @defaultValue false
   */
  allowPrivateTargets?: boolean;
  /**
   * How the guarded `lookup` resolves names; tests inject one that maps a name to loopback.
   * @defaultValue `dns.lookup` with `all: true`
   */
  resolve?: ResolveHost;
}

/** Backstops only: each request sets its own timeouts from `timeoutMs`. */
const BACKSTOP_TIMEOUT_MS = 60_000;
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Creates the undici Agent that {@link sendBatch} uses: one keep-alive Pool per origin,
 * no pipelining (a slow webhook receiver must not hold up the requests queued behind it).
 */
export function createSendAgent(options: SendAgentOptions = {}): Agent {
  return new Agent({
    connections: options.connectionsPerOrigin ?? 64,
    pipelining: 1,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    headersTimeout: BACKSTOP_TIMEOUT_MS,
    bodyTimeout: BACKSTOP_TIMEOUT_MS,
    connect: options.allowPrivateTargets
      ? { timeout: CONNECT_TIMEOUT_MS }
      : { timeout: CONNECT_TIMEOUT_MS, lookup: createGuardedLookup(options.resolve) },
  });
}

/**
 * Agents per thread, one guarded and one open: module state is per worker, so each piscina thread
 * keeps its own sockets, and a socket opened under one policy never serves a task of the other.
 */
const sharedAgents = new Map<boolean, Agent>();

/** This thread's Agent for a task's policy. */
export function sharedAgentFor(targets: TargetPolicy): Agent {
  let agent = sharedAgents.get(targets.allowPrivateTargets);
  if (!agent) {
    agent = createSendAgent({ allowPrivateTargets: targets.allowPrivateTargets });
    sharedAgents.set(targets.allowPrivateTargets, agent);
  }
  return agent;
}

/**
 * Sends one task: `parallel` fires every request at once; `sequential` sends them in order and
 * stops at the first one without a 2xx, listing the rest in `skipped` (FIFO per endpoint).
 *
 * @param dispatcher - Where connections come from; defaults to this thread's shared Agent for the
 *   task's policy. One given here must have been made by {@link createSendAgent} with that policy.
 */
export async function sendBatch(
  task: SendTask,
  dispatcher: Dispatcher = sharedAgentFor(task.targets),
): Promise<SendTaskResult> {
  if (task.mode === 'parallel') {
    const results = await Promise.all(task.requests.map((req) => sendRequest(req, dispatcher, task.targets)));
    return { results, skipped: [] };
  }
  const results: SendResult[] = [];
  for (const [index, req] of task.requests.entries()) {
    const result = await sendRequest(req, dispatcher, task.targets);
    results.push(result);
    if (result.errorCode !== null) {
      return { results, skipped: task.requests.slice(index + 1).map((rest) => rest.deliveryIds) };
    }
  }
  return { results, skipped: [] };
}

/**
 * Signs and POSTs one request. The deadline signal bounds the whole attempt (connect, headers
 * and body), which undici's per-phase timeouts alone do not.
 */
export async function sendRequest(
  req: SendRequest,
  dispatcher: Dispatcher,
  targets: TargetPolicy,
): Promise<SendResult> {
  await waitUntil(req.notBeforeMs);
  const startedAtMs = Date.now();
  const started = performance.now();
  const base = { deliveryIds: req.deliveryIds, startedAtMs, responseExcerpt: null, retryAfterSec: null };
  const refusal = refusalBeforeConnect(req.url, targets);
  if (refusal) {
    const { code, message } = Errors.DELIVERY_TARGET_REFUSED(refusal.host, refusal.reason);
    return { ...base, statusCode: null, responseTimeMs: 0, abort: false, errorCode: code, error: message };
  }
  let headers: Record<string, string>;
  try {
    headers = signHeaders(req.headers, req, req.signing, Math.floor(startedAtMs / 1000), startedAtMs);
  } catch (err) {
    // A bad secret is configuration, not network; report it per request so the batch goes on.
    const error = `Signing failed: ${describeError(err)}`;
    return { ...base, statusCode: null, responseTimeMs: 0, abort: false, errorCode: 'DELIVERY_CONNECTION', error };
  }
  const signedHeaders = signedHeadersOf(req.headers, headers);
  const deadline = startDeadline(req.timeoutMs);
  try {
    const response = await request(req.url, {
      method: 'POST',
      dispatcher,
      headers,
      body: req.body,
      signal: deadline.signal,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const responseExcerpt = await readExcerpt(response.body, declaredLength(response.headers['content-length']));
    return {
      ...base,
      statusCode: response.statusCode,
      responseTimeMs: performance.now() - started,
      responseExcerpt,
      retryAfterSec: parseRetryAfter(response.statusCode, response.headers['retry-after']),
      ...classifyResponse(response.statusCode, response.headers),
      signedHeaders,
      responseHeaders: boundedResponseHeaders(response.headers),
    };
  } catch (err) {
    const outcome = classifyError(err, deadline.signal, req.timeoutMs);
    return { ...base, statusCode: null, responseTimeMs: performance.now() - started, ...outcome, signedHeaders };
  } finally {
    deadline.clear();
  }
}

/**
 * An attempt's overall deadline: a signal that aborts with a `TimeoutError` after `timeoutMs`, as
 * `AbortSignal.timeout` does, but whose timer is cleared as soon as the attempt ends. A
 * `AbortSignal.timeout` per request kept a timer and a weakly held signal alive for the whole
 * timeout (10 s by default) after each answer: tens of thousands at a few thousand sends a second,
 * a measurable share of a pool thread's time.
 */
function startDeadline(timeoutMs: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    timeoutMs,
  );
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** A rate-limited endpoint's request waits for its send time (the main thread reserved it). */
async function waitUntil(atMs: number | undefined): Promise<void> {
  const waitMs = (atMs ?? 0) - Date.now();
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
}

/** The URL's refusal; an unparsable URL is left to undici, whose error becomes DELIVERY_CONNECTION. */
function refusalBeforeConnect(url: string, targets: TargetPolicy): ReturnType<typeof refusalOfUrl> {
  try {
    // Names are left to the guarded lookup: what they resolve to is what counts at send time.
    return refusalOfUrl(url, targets, { localNames: false });
  } catch {
    return null;
  }
}

/** A `content-length` as bytes; absent or malformed: unknown (the body is read to find out). */
function declaredLength(header: string | string[] | undefined): number | undefined {
  const bytes = typeof header === 'string' ? Number(header) : Number.NaN;
  return Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : undefined;
}

/**
 * Keeps the first {@link EXCERPT_BYTES} and drains the rest, so the keep-alive socket goes back
 * to the pool: at most {@link DRAIN_LIMIT_BYTES}, and nothing past the excerpt when the reply
 * declares a length past that limit. Never throws: once the status line arrived, the status decides
 * the outcome, and a body cut short by the deadline or a reset still leaves what was read.
 */
async function readExcerpt(body: AsyncIterable<Buffer>, declaredBytes: number | undefined): Promise<string> {
  const kept: Buffer[] = [];
  const drainLimit = declaredBytes !== undefined && declaredBytes > DRAIN_LIMIT_BYTES ? 0 : DRAIN_LIMIT_BYTES;
  let keptBytes = 0;
  let totalBytes = 0;
  try {
    for await (const chunk of body) {
      if (keptBytes < EXCERPT_BYTES) {
        const part = chunk.subarray(0, EXCERPT_BYTES - keptBytes);
        kept.push(part);
        keptBytes += part.length;
      }
      totalBytes += chunk.length;
      // Leaving the loop destroys the body and with it the socket: cheaper than a huge drain.
      if (totalBytes > drainLimit && keptBytes >= EXCERPT_BYTES) break;
    }
  } catch {
    // The socket is already gone; what was read is the excerpt.
  }
  return Buffer.concat(kept).toString('utf8');
}
