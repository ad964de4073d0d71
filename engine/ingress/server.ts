/**
 * The fastify instance every HTTP route hangs on: the seed's error shape for every failure
 * (never a bare 500 for bad input), health and readiness probes, and the body limit.
 */
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from '../logger.js';
import { Errors, isHooklineError, type ErrorBody, type HooklineError } from '../errors.js';
import { compileRouteSchema, toInvalidInput, type ValidationIssue } from '../validation.js';

export interface ServerOptions {
  log: Logger;
  bodyLimitBytes: number;
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
  });
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
