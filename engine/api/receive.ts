/**
 * `POST /api/v1/webhooks/receive` (seed 003): any JSON object from an external service
 * (Pipedream, Zapier, …), authenticated by API key, published as a `webhook.received` event so
 * subscriptions and workflows can react to it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createEvent } from '../events/envelope.js';
import { withOrganizationMetadata } from '../events/organization.js';
import { Errors } from '../errors.js';
import type { GroupCommitter } from '../store/group-commit.js';
import type { ApiKeyCheck } from './api-keys.js';

export function registerReceiveRoute(
  app: FastifyInstance,
  options: { committer: GroupCommitter; apiKeys: ApiKeyCheck },
): void {
  // The key is checked before the body is read; its organization is kept for the event.
  const organizations = new WeakMap<FastifyRequest, string | null>();
  app.post('/api/v1/webhooks/receive', {
    onRequest: async (request) => {
      const principal = await options.apiKeys.check(request.headers.authorization, request.ip);
      organizations.set(request, principal.organization);
    },
    handler: async (request, reply) => {
      const body = request.body;
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw Errors.INVALID_INPUT('The body must be a JSON object', {
          details: {
            field: '',
            expected: 'object',
            received: Array.isArray(body) ? 'array' : typeof body,
          },
        });
      }
      const source = String(
        request.headers['x-webhook-source'] ?? (request.query as Record<string, unknown>).source ?? 'external',
      );
      const metadata = withOrganizationMetadata({ source, ip: request.ip }, organizations.get(request) ?? null);
      const event = createEvent('webhook.received', body, metadata);
      await options.committer.submit({ acknowledged: true, events: [event] });
      return reply
        .status(202)
        .send({ success: true, message: 'Webhook received', event_id: event.id, type: event.type });
    },
  });
}
