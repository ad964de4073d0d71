/**
 * `/api/v1/api-keys`: list, create and revoke API keys (seed 004's "Settings > API Keys"). Only
 * an unscoped key may call them (scope.ts); a listing never shows a key or its hash.
 */
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { apiKeyJson, createApiKey, revokeApiKey } from './api-keys.js';
import type { ApiContext } from './context.js';
import {
  apiKeyListSchema,
  apiKeyWithSecretSchema,
  createApiKeyBody,
  deletedSchema,
  errorResponses,
  idParams,
} from './schemas.js';

export function registerApiKeyRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'The API keys that are not revoked: name, organization, created and last used; never the key',
        response: { 200: apiKeyListSchema, ...errorResponses },
      },
    },
    async () => ({ api_keys: (await ctx.store.listApiKeys()).map(apiKeyJson) }),
  );

  app.post<{ Body: { name: string; organization?: string } }>(
    '/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key, optionally scoped to one organization; the key is shown once',
        body: createApiKeyBody,
        response: { 201: apiKeyWithSecretSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { record, key } = await createApiKey(ctx.store, request.body);
      return reply.status(201).send({ ...apiKeyJson(record), key });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api-keys/:id',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke an API key: its next request is refused',
        params: idParams,
        response: { 200: deletedSchema, ...errorResponses },
      },
    },
    async (request) => {
      await revokeApiKey(ctx.store, request.params.id);
      return { success: true, id: request.params.id };
    },
  );
}
