/**
 * The fastify instance every HTTP route hangs on: the seed's error shape for every failure
 * (never a bare 500 for bad input, nor fastify's own shape for a bad URL), health and readiness
 * probes, the body limit, and the timeouts that keep a slow or silent client from holding a
 * connection: headers, whole request, idle socket, keep-alive. A reply sent before the request's
 * body was read (404, 401, 429, 413 …) closes the connection, so nobody uploads into a refusal.
 */
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logger.js';
import { Errors, isHooklineError, type ErrorBody, type HooklineError } from '../errors.js';
import { compileRouteSchema, toInvalidInput, type ValidationIssue } from '../validation.js';

export interface ServerOptions {
  log: Logger;
  bodyLimitBytes: number;
  /** Time to receive a request's headers (node's `headersTimeout`). */
  headersTimeoutMs: number;
  /** Time to receive a whole request (node's `requestTimeout`; 408 and close past it). */
  requestTimeoutMs: number;
  /** A socket with no traffic either way is closed after this long (fastify's `connectionTimeout`). */
  connectionTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** Readiness: the store answers and the engine is not shutting down. */
  isReady(): Promise<boolean>;
}

export function createServer(options: ServerOptions): FastifyInstance {
  const app: FastifyInstance = Fastify({
    loggerInstance: options.log as unknown as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes,
    // Per-request log lines cost more than the request on the ingress hot path.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    requestTimeout: options.requestTimeoutMs,
    connectionTimeout: options.connectionTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    // Node enforces the header and request timeouts only when it sweeps its connections (every
    // 30 s by default), so sweep often enough that a timeout means roughly what it says; and it
    // refuses a header timeout longer than the request timeout.
    http: {
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: Math.min(options.headersTimeoutMs, options.requestTimeoutMs),
      connectionsCheckingInterval: sweepIntervalMs(options),
    },
    frameworkErrors: (error, _request, reply) => {
      const known =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? Errors.URI_TOO_LONG(maxParamLength)
          : Errors.INVALID_INPUT('The URL is not valid (bad percent-encoding)');
      void (reply as FastifyReply).status(known.status).send(known.toJSON());
    },
    clientErrorHandler: answerClientError,
  });
  closeAfterEarlyReply(app);
  app.setValidatorCompiler(compileRouteSchema);
  app.setErrorHandler((error, request, reply) => {
    const known = toHooklineError(error, request);
    if (known.status >= 500) request.log.error({ err: error }, 'request failed');
    void reply
      .status(known.status)
      .headers(known.headers ?? {})
      .send(known.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send(Errors.NOT_FOUND(`No route for ${request.method} ${request.url.split('?')[0]}`).toJSON());
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await options.isReady().catch(() => false);
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready' });
  });
  return app;
}

/** fastify's default: a path parameter (an id) longer than this answers 414. */
const maxParamLength = 100;

function sweepIntervalMs(options: ServerOptions): number {
  return Math.min(1000, Math.max(10, Math.floor(Math.min(options.headersTimeoutMs, options.requestTimeoutMs) / 4)));
}

/**
 * Node's parser refused the bytes, or a client was too slow: answer in our shape (fastify's
 * default has its own), then close, as node does, because the connection's framing is lost.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? Errors.REQUEST_TIMEOUT()
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? Errors.HEADERS_TOO_LARGE()
        : Errors.INVALID_INPUT('The request is not valid HTTP');
  const body = JSON.stringify(known.toJSON());
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(error);
}

/**
 * A reply that goes out while the request's body is still unread (the caller checks run before
 * it) ends the connection: with `Connection: close`, node ends the socket as soon as the reply is
 * written, instead of keeping it open while it reads (and discards) a possibly endless upload.
 * Not an immediate destroy: unread bytes at close make the kernel send a reset, and the client
 * could lose the reply it was owed.
 */
function closeAfterEarlyReply(app: FastifyInstance): void {
  // A callback hook, not an async one: it runs on every reply, and a promise per reply costs more.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!request.raw.complete) void reply.header('connection', 'close');
    done(null, payload);
  });
}

/**
 * Maps fastify's own errors (body limit, bad JSON, media type, schema) to our codes, by fastify's
 * `code`; the limit and the content type come from the request, as fastify's messages name neither.
 */
export function toHooklineError(error: unknown, request: FastifyRequest): HooklineError {
  if (isHooklineError(error)) return error;
  const fastifyError = error as FastifyError;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return Errors.PAYLOAD_TOO_LARGE(request.routeOptions.bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return Errors.UNSUPPORTED_MEDIA_TYPE((request.headers['content-type'] ?? '').slice(0, 200));
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return Errors.INVALID_INPUT('Content-Length does not match the body');
    default:
      break;
  }
  if (fastifyError instanceof SyntaxError || fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return Errors.MALFORMED_JSON(fastifyError.message);
  if (fastifyError.validation)
    return toInvalidInput(
      fastifyError.validation[0] as ValidationIssue | undefined,
      fastifyError.validationContext ?? 'body',
    );
  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status >= 400 && status < 500) return Errors.INVALID_INPUT(fastifyError.message);
  return Errors.INTERNAL('Internal error', { cause: error });
}

export type { ErrorBody };
