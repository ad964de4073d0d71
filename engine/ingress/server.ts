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
import type { Logger } from 'pino';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { Errors, isHooklineError, type ErrorBody, type HooklineError } from '../errors.js';

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
  app.setValidatorCompiler(createValidatorCompiler());
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
    return validationError(
      fastifyError.validation[0] as ValidationIssue | undefined,
      fastifyError.validationContext ?? 'body',
    );
  const status = typeof fastifyError.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status >= 400 && status < 500) return Errors.INVALID_INPUT(fastifyError.message);
  return Errors.INTERNAL('Internal error', { cause: error });
}

export type { ErrorBody };

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
  data?: unknown;
}

/** The first schema violation as INVALID_INPUT naming the field, like the seed's example. */
function validationError(issue: ValidationIssue | undefined, context: string): HooklineError {
  const path = (issue?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const join = (name: string) => (path ? `${path}.${name}` : name);
  if (issue?.keyword === 'additionalProperties') {
    const field = join(String(issue.params.additionalProperty));
    return Errors.INVALID_INPUT(`Unknown field '${field}' in the ${context}`, {
      details: {
        field,
        expected: 'no such field',
        received: 'present',
      },
    });
  }
  if (issue?.keyword === 'required') {
    const field = join(String(issue.params.missingProperty));
    return Errors.INVALID_INPUT(`Required field '${field}' is missing`, {
      details: { field, expected: 'present', received: 'null' },
    });
  }
  const field = path;
  const received =
    issue?.data === undefined
      ? 'undefined'
      : Array.isArray(issue.data)
        ? 'array'
        : issue.data === null
          ? 'null'
          : typeof issue.data;
  return Errors.INVALID_INPUT(`${field ? `Field '${field}'` : `The ${context}`} ${issue?.message ?? 'is invalid'}`, {
    details: {
      field,
      expected: issue?.message ?? '',
      received,
    },
  });
}

/**
 * Two ajv instances: query strings and path parameters are text, so they are coerced
 * (`?limit=10`); bodies are JSON and checked strictly (no `"10"` for 10, unknown fields kept so
 * the schema can reject them). A route whose body schema requires nothing accepts no body.
 */
function createValidatorCompiler() {
  const common = {
    allErrors: false,
    strict: false,
    useDefaults: true,
    removeAdditional: false,
    verbose: true,
  } as const;
  const loose = new Ajv({ ...common, coerceTypes: 'array' });
  const strict = new Ajv({ ...common, coerceTypes: false });
  addFormats.default(loose);
  addFormats.default(strict);
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) => {
    if (httpPart !== 'body') return loose.compile(schema);
    const validate = strict.compile(schema);
    const optional = !(schema as { required?: unknown[] }).required?.length;
    const check = (data: unknown) => ((data === undefined || data === null) && optional) || validate(data);
    // A getter, not a copy: ajv sets `errors` on each call.
    return Object.defineProperty(check, 'errors', { get: () => validate.errors });
  };
}
