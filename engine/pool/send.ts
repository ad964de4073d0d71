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
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import type { Agent as UndiciAgent, Dispatcher } from 'undici';
import { refusalOfUrl, type TargetPolicy } from '../message/target-guard.js';
import { Errors } from '../errors.js';
import { memo } from '../memo.js';
import { boundedResponseHeaders, parseRetryAfter, signedHeadersOf, signHeaders } from '../message/index.js';
import { createGuardedLookup, type ResolveHost } from './guarded-lookup.js';
import { classifyError, classifyResponse, describeError } from './outcome.js';
import type { SendRequest, SendResult, SendTask, SendTaskResult } from './types.js';

/**
 * undici's Agent alone, not the package's index: that loads fetch, WebSocket, the caches and the
 * mock agents too, and this module runs in every pool thread (a thread's heap after loading:
 * 12.2 MB with the index, 7.3 MB with the Agent alone, 5.1 MB with neither). undici 7 has no
 * `exports` map, so the file is reachable; test/unit/pool/send.test.ts checks it is the class
 * the index exports, so an upgrade that moves it fails a test, not a delivery.
 */
const Agent = createRequire(import.meta.url)('undici/lib/dispatcher/agent.js') as typeof UndiciAgent;

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
export function createSendAgent(options: SendAgentOptions = {}): UndiciAgent {
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
const sharedAgents = new Map<boolean, UndiciAgent>();

/** This thread's Agent for a task's policy. */
export function sharedAgentFor(targets: TargetPolicy): UndiciAgent {
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
 * Signs and POSTs one request. One timer bounds the whole attempt (connect, headers and body),
 * which undici's per-phase timeouts alone do not.
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
  const exchange = post(dispatcher, req.url, headers, req.body, req.timeoutMs);
  try {
    const answer = await exchange.answer;
    return {
      ...base,
      statusCode: answer.statusCode,
      responseTimeMs: performance.now() - started,
      responseExcerpt: answer.excerpt,
      retryAfterSec: parseRetryAfter(answer.statusCode, answer.headers['retry-after']),
      ...classifyResponse(answer.statusCode, answer.headers),
      signedHeaders,
      responseHeaders: boundedResponseHeaders(answer.headers),
    };
  } catch (err) {
    const outcome = classifyError(err, exchange.timedOut(), req.timeoutMs);
    return { ...base, statusCode: null, responseTimeMs: performance.now() - started, ...outcome, signedHeaders };
  }
}

/** What a POST got back: its status, its headers, and the first {@link EXCERPT_BYTES} of its body. */
interface Answer {
  statusCode: number;
  headers: Record<string, string | string[]>;
  excerpt: string;
}

/**
 * POSTs through undici's dispatcher API with a plain handler: the response is read from its
 * chunks as they come, with no AbortSignal and no response stream. Both cost, per request:
 * `request()` with an AbortController, its timer and its listener, and a Readable body read by an
 * async iterator, took 148–161 µs of CPU per request where this takes about 100 µs (a
 * micro-benchmark beside the bench's baseline sender, 77–84 µs).
 *
 * The body is kept up to the excerpt and drained up to {@link DRAIN_LIMIT_BYTES} (none past the
 * excerpt when its declared length is past that), so the keep-alive socket goes back to the pool;
 * past it the request is aborted, which destroys the socket. A body cut short (the deadline, a
 * reset) still answers with what was read: once the status line arrived, the status decides.
 */
function post(
  dispatcher: Dispatcher,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): { answer: Promise<Answer>; timedOut(): boolean } {
  let timedOut = false;
  const answer = new Promise<Answer>((resolve, reject) => {
    let settled = false;
    let abort: ((reason: Error) => void) | undefined;
    let got: Omit<Answer, 'excerpt'> | undefined;
    let drainLimit = DRAIN_LIMIT_BYTES;
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let totalBytes = 0;
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (got) resolve({ ...got, excerpt: Buffer.concat(kept).toString('utf8') });
      else reject(error);
    };
    // Settles at the deadline whatever the phase; a request still waiting for a socket is
    // aborted as soon as it gets one (onConnect).
    const timer = setTimeout(() => {
      timedOut = true;
      const error = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      abort?.(error);
      settle(error);
    }, timeoutMs);
    timer.unref();
    let target: { origin: string; path: string };
    try {
      target = urlTarget(url);
    } catch (error) {
      return settle(error);
    }
    const handler: Dispatcher.DispatchHandler = {
      onConnect(abortRequest) {
        abort = abortRequest;
        if (settled) abortRequest(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      },
      onHeaders(statusCode, rawHeaders) {
        // 1xx: informational, the answer follows.
        if (statusCode < 200) return true;
        const parsed = parseRawHeaders(rawHeaders);
        got = { statusCode, headers: parsed };
        const declared = declaredLength(parsed['content-length']);
        if (declared !== undefined && declared > DRAIN_LIMIT_BYTES) drainLimit = 0;
        return true;
      },
      onData(chunk) {
        if (keptBytes < EXCERPT_BYTES) {
          const part = chunk.subarray(0, EXCERPT_BYTES - keptBytes);
          kept.push(part);
          keptBytes += part.length;
        }
        totalBytes += chunk.length;
        if (totalBytes > drainLimit && keptBytes >= EXCERPT_BYTES) {
          // Cheaper to reconnect than to read on: the abort destroys the socket.
          settle();
          abort?.(new Error('response body past the drain limit'));
        }
        return true;
      },
      onComplete() {
        settle();
      },
      onError(error) {
        settle(error);
      },
    };
    try {
      dispatcher.dispatch(
        { ...target, method: 'POST', headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
        handler,
      );
    } catch (error) {
      settle(error);
    }
  });
  return { answer, timedOut: () => timedOut };
}

/** Origins and paths of the URLs this thread sends to, parsed once (a delivery URL repeats). */
const urlTargets = new Map<string, { origin: string; path: string }>();

function urlTarget(url: string): { origin: string; path: string } {
  return memo(urlTargets, url, (text) => {
    const parsed = new URL(text);
    return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
  });
}

/**
 * undici's raw header list as `request()` gives it: lower-case names, latin1 values, a repeated
 * header as an array of its values.
 */
function parseRawHeaders(raw: Buffer[] | string[] | null): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  if (!raw) return headers;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toString('latin1').toLowerCase();
    const value = raw[i + 1].toString('latin1');
    const seen = headers[name];
    if (seen === undefined) headers[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else headers[name] = [seen, value];
  }
  return headers;
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
