/**
 * `GET /api/v1/stream`: server-sent events with the live feed's notices (new deliveries, attempts,
 * executions), for the dashboard and any other client.
 *
 * Authentication: `Authorization: Bearer <API key>` as everywhere in `/api/v1`, or, for a browser's
 * `EventSource` (which cannot send headers), `?token=` with a stream token from
 * `POST /api/v1/stream/tokens`. The API key itself never goes into a URL (URLs end up in logs,
 * proxies and browser history); a stream token is 32 random bytes, opens one stream once, within
 * `TUNING.stream.tokenTtlMs` of being issued, and only in the process that issued it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { Errors } from '../errors.js';
import { TUNING } from '../tuning.js';
import type { ApiKeyCheck } from './api-keys.js';
import type { LiveFeed, LiveNotice } from './live-feed.js';
import { assertUnscoped } from './scope.js';

export interface StreamOptions {
  feed: LiveFeed;
  apiKeys: ApiKeyCheck;
  /** Open streams at most; one more is refused (429 with `Retry-After`). */
  maxClients: number;
}

/** A stream buffering more than this for a client that does not read is closed. */
const MAX_BUFFERED_BYTES = 1 << 20;
const RETRY_AFTER_SEC = 5;

const tokenQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { token: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' } },
} as const;

const tokenSchema = {
  type: 'object',
  properties: { token: { type: 'string' }, expires_at: { type: 'string' }, stream_url: { type: 'string' } },
} as const;

const errors = { 400: { $ref: 'Error#' }, 401: { $ref: 'Error#' }, 429: { $ref: 'Error#' } } as const;

/** Single-use stream tokens, kept by their SHA-256 (as API keys are): issue one, consume it once. */
export interface StreamTokens {
  issue(nowMs: number): { token: string; expiresAtMs: number };
  /** Throws UNAUTHORIZED unless the token was issued here, is unused and has not expired. */
  consume(token: string, nowMs: number): void;
}

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

export function createStreamTokens(
  ttlMs = TUNING.stream.tokenTtlMs,
  maxTokens = TUNING.stream.maxTokens,
): StreamTokens {
  // Insertion order is issue order: the first entries are the oldest.
  const expiryByDigest = new Map<string, number>();
  return {
    issue(nowMs) {
      for (const [key, expiresAtMs] of expiryByDigest) {
        if (expiresAtMs > nowMs && expiryByDigest.size < maxTokens) break;
        expiryByDigest.delete(key);
      }
      const token = randomBytes(32).toString('base64url');
      const expiresAtMs = nowMs + ttlMs;
      expiryByDigest.set(digest(token), expiresAtMs);
      return { token, expiresAtMs };
    },
    consume(token, nowMs) {
      const key = digest(token);
      const expiresAtMs = expiryByDigest.get(key);
      expiryByDigest.delete(key);
      if (expiresAtMs === undefined || expiresAtMs <= nowMs)
        throw Errors.UNAUTHORIZED(
          'Stream token is unknown, used or expired: get a new one from POST /api/v1/stream/tokens',
          { headers: { 'www-authenticate': 'Bearer realm="hookline-api"' } },
        );
    },
  };
}

/** `POST /stream/tokens`, inside the API's authenticated scope. */
export function registerStreamTokenRoute(api: FastifyInstance, tokens: StreamTokens): void {
  api.post(
    '/stream/tokens',
    {
      schema: {
        tags: ['stream'],
        summary: 'A single-use token that opens GET /api/v1/stream?token=… once, within a minute (for EventSource)',
        response: { 201: tokenSchema, 401: { $ref: 'Error#' } },
      },
    },
    async (_request, reply) => {
      const { token, expiresAtMs } = tokens.issue(Date.now());
      return reply.status(201).send({
        token,
        expires_at: new Date(expiresAtMs).toISOString(),
        stream_url: `/api/v1/stream?token=${token}`,
      });
    },
  );
}

/** `GET /stream`, in its own scope (it authenticates by header or token itself). */
export function registerStreamRoute(app: FastifyInstance, tokens: StreamTokens, options: StreamOptions): void {
  const clients = new Set<ServerResponse>();
  // Streams never end by themselves: close them so that the server's close does not wait on them.
  app.addHook('preClose', (done) => {
    for (const client of clients) client.end();
    done();
  });

  app.get<{ Querystring: { token?: string } }>(
    '/stream',
    {
      schema: {
        tags: ['stream'],
        summary:
          'Server-sent events: `deliveries`, `attempts` and `executions` notices as they happen (Bearer key or ?token=)',
        querystring: tokenQuery,
        response: errors,
      },
    },
    async (request, reply) => {
      // Tokens are issued to unscoped keys only (`POST /stream/tokens`); a key given here must be one
      // too: the notices name every organization's webhooks and deliveries.
      if (request.query.token !== undefined) tokens.consume(request.query.token, Date.now());
      else assertUnscoped(await options.apiKeys.check(request.headers.authorization, request.ip));
      if (clients.size >= options.maxClients)
        throw Errors.RATE_LIMITED(RETRY_AFTER_SEC, {
          headers: { 'retry-after': String(RETRY_AFTER_SEC) },
          details: { retry_after_seconds: RETRY_AFTER_SEC, reason: `at most ${options.maxClients} open streams` },
        });
      reply.hijack();
      openStream(reply.raw, clients, options.feed);
    },
  );
}

function openStream(res: ServerResponse, clients: Set<ServerResponse>, feed: LiveFeed): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // Proxies such as nginx buffer responses unless told not to.
    'x-accel-buffering': 'no',
  });
  clients.add(res);
  const send = (text: string): void => {
    if (res.writableLength > MAX_BUFFERED_BYTES) return void res.destroy();
    res.write(text);
  };
  const unsubscribe = feed.subscribe((notice: LiveNotice) => send(eventText(notice.kind, notice)));
  const heartbeat = setInterval(() => send(': heartbeat\n\n'), TUNING.stream.heartbeatMs);
  heartbeat.unref();
  res.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
    clients.delete(res);
  });
  send(`retry: ${RETRY_AFTER_SEC * 1000}\n${eventText('ready', { kind: 'ready' })}`);
}

function eventText(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
