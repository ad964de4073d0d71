/**
 * `GET /metrics`: the engine's Prometheus metrics (engine/metrics) as text, behind the API's key
 * check unless `HOOKLINE_METRICS_PUBLIC` is set; and the count of every answered request by the
 * template of the route it matched.
 */
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics/index.js';
import type { ApiKeyCheck } from './api-keys.js';
import { assertUnscoped } from './scope.js';

export interface MetricsRouteOptions {
  metrics: Metrics;
  apiKeys: ApiKeyCheck;
  /** Serve without an API key. */
  isPublic: boolean;
}

/** Registers the route and the request counter on the root instance, so every route is counted. */
export function registerMetricsRoute(app: FastifyInstance, options: MetricsRouteOptions): void {
  const { metrics, apiKeys } = options;
  // A callback hook, not an async one: it runs on every reply.
  app.addHook('onResponse', (request, reply, done) => {
    // The template (`/api/v1/webhooks/:id`), never the URL: a series per path would grow without bound.
    const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
    metrics.requestAnswered(route, reply.statusCode);
    done();
  });
  app.get(
    '/metrics',
    {
      onRequest: options.isPublic
        ? []
        : // Every webhook's figures: an organization-scoped key may not read them.
          [async (request) => assertUnscoped(await apiKeys.check(request.headers.authorization, request.ip))],
    },
    async (_request, reply) => reply.type(metrics.contentType).send(await metrics.render()),
  );
}
