/**
 * The management API under `/api/v1`, behind API-key auth, with its OpenAPI document at
 * `/api/v1/openapi.json` and a docs page at `/api/v1/docs`.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../version.js';
import type { ApiContext } from './context.js';
import { registerApiKeyRoutes } from './api-keys-routes.js';
import { registerCatalogRoutes } from './catalog-routes.js';
import { registerDeliveryRoutes } from './deliveries-routes.js';
import { registerEventRoutes } from './events-routes.js';
import { registerEventTypeRoutes } from './event-types-routes.js';
import { errorSchema } from './schemas.js';
import { registerScope } from './scope.js';
import { registerWebhookRoutes } from './webhooks-routes.js';
import { registerDashboardRoutes } from './dashboard-route.js';
import { createStreamTokens, registerStreamRoute, registerStreamTokenRoute } from './stream-route.js';

export async function registerApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.addSchema(errorSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Hookline management API',
        version: VERSION,
        description: 'Webhooks, deliveries, events, workflows and executions.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description:
              'An API key made with `hookline api-key create` or POST /api/v1/api-keys, or HOOKLINE_API_KEY. ' +
              "A key scoped to an organization sees and changes only that organization's webhooks, deliveries " +
              'and events (403 on other routes, 404 for other organizations’ webhooks).',
          },
        },
      },
      security: [{ apiKey: [] }],
    },
    hideUntagged: true,
  });
  await app.register(swaggerUi, { routePrefix: '/api/v1/docs' });
  registerDashboardRoutes(app, ctx.config.dashboardDir);
  const streamTokens = createStreamTokens();
  await app.register(
    async (api) => {
      registerScope(
        api,
        async (request) =>
          request.url.startsWith('/api/v1/openapi.json')
            ? null
            : ctx.apiKeys.check(request.headers.authorization, request.ip),
        ctx.store,
      );
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      registerWebhookRoutes(api, ctx);
      registerDeliveryRoutes(api, ctx);
      registerCatalogRoutes(api, ctx);
      registerEventRoutes(api, ctx);
      registerApiKeyRoutes(api, ctx);
      registerEventTypeRoutes(api, ctx);
      registerStreamTokenRoute(api, streamTokens);
    },
    { prefix: '/api/v1' },
  );
  // Outside the scope above: the stream authenticates by header or by stream token itself.
  await app.register(
    async (stream) =>
      registerStreamRoute(stream, streamTokens, {
        feed: ctx.feed,
        apiKeys: ctx.apiKeys,
        maxClients: ctx.config.streamMaxClients,
      }),
    { prefix: '/api/v1' },
  );
}
