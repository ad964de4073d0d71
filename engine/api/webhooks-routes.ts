/**
 * `/api/v1/webhooks`: create, list, read, replace, patch, delete, enable, disable, rotate the
 * secret, replace filters (seed 000's `updateFilters`), and send a test event synchronously.
 */
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { createEvent } from '../events/envelope.js';
import type { ApiContext } from './context.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import {
  deletedSchema,
  errorResponses,
  filtersBody,
  idParams,
  listWebhooksQuery,
  MAX_OFFSET,
  rotateSecretBody,
  testResultSchema,
  testWebhookBody,
  webhookInputSchema,
  webhookPageSchema,
  webhookSchema,
  webhookWithSecretSchema,
} from './schemas.js';
import { organizationFor } from './scope.js';
import { webhookJson } from './serialize.js';

type IdRequest = { Params: { id: string } };

export function registerWebhookRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { subscriptions } = ctx.delivery;
  const withStats = async (ids: string[]) => ctx.store.deliveryLog.deliveryStats(ids);
  const one = async (id: string) => {
    const subscription = await subscriptions.get(id);
    return webhookJson(subscription, (await withStats([id])).get(id));
  };

  app.post(
    '/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Create a webhook',
        body: webhookInputSchema,
        response: { 201: webhookWithSecretSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      // A scoped key's webhooks are its organization's, named or not.
      const workspace = organizationFor(request, namedOrganization(request.body));
      const defaults = workspace === undefined ? {} : { workspace };
      const { subscription, secret, publicKey } = await subscriptions.create(request.body, defaults);
      return reply.status(201).send({
        ...webhookJson(subscription, undefined, { revealHeaders: true }),
        secret,
        ...(publicKey ? { public_key: publicKey } : {}),
      });
    },
  );

  app.get<{
    Querystring: {
      limit: number;
      offset: number;
      organization?: string;
      project?: string;
      status?: 'active' | 'disabled';
      cursor?: string;
    };
  }>(
    '/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'List webhooks',
        querystring: listWebhooksQuery,
        response: { 200: webhookPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { limit, project, status } = request.query;
      const organization = organizationFor(request, request.query.organization);
      const offset = request.query.cursor
        ? decodeCursor('offset', request.query.cursor, MAX_OFFSET)
        : request.query.offset;
      const query = {
        kind: 'api' as const,
        workspace: organization,
        project,
        enabled: status === undefined ? undefined : status === 'active',
      };
      const [page, total] = await Promise.all([
        subscriptions.list({ ...query, limit, offset }),
        ctx.store.countSubscriptions(query),
      ]);
      const stats = await withStats(page.map((s) => s.id));
      const next = offset + page.length < total ? encodeCursor('offset', offset + page.length) : null;
      return { webhooks: page.map((s) => webhookJson(s, stats.get(s.id))), next_cursor: next, total };
    },
  );

  app.get<IdRequest>(
    '/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Get a webhook',
        params: idParams,
        response: { 200: webhookSchema, ...errorResponses },
      },
    },
    async (request) => one(request.params.id),
  );

  // PUT and PATCH are one merge: seed 002's PUT sends only `url` and `events` and expects the
  // name, description and every other field it left out to stay as they were.
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route<IdRequest>({
      method,
      url: '/webhooks/:id',
      schema: {
        tags: ['webhooks'],
        summary: 'Change the fields given; the others keep their values',
        description:
          'PUT and PATCH behave the same: only the fields in the body change, nothing is reset to a default. ' +
          'The secret changes only through rotate-secret.',
        params: idParams,
        body: webhookInputSchema,
        response: { 200: webhookSchema, ...errorResponses },
      },
      handler: async (request) => {
        organizationFor(request, namedOrganization(request.body));
        await subscriptions.update(request.params.id, request.body);
        return one(request.params.id);
      },
    });
  }

  app.delete<IdRequest>(
    '/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Delete a webhook',
        params: idParams,
        response: { 200: deletedSchema, ...errorResponses },
      },
    },
    async (request) => {
      await subscriptions.remove(request.params.id);
      return { success: true, id: request.params.id };
    },
  );

  for (const action of ['enable', 'disable'] as const) {
    app.post<IdRequest>(
      `/webhooks/:id/${action}`,
      {
        schema: {
          tags: ['webhooks'],
          summary: `${action === 'enable' ? 'Enable' : 'Disable'} a webhook`,
          params: idParams,
          response: { 200: webhookSchema, ...errorResponses },
        },
      },
      async (request) => {
        await subscriptions.setEnabled(request.params.id, action === 'enable');
        if (action === 'enable') ctx.delivery.worker.wake([request.params.id]);
        return one(request.params.id);
      },
    );
  }

  app.post<IdRequest & { Body: { secret?: string } | undefined }>(
    '/webhooks/:id/rotate-secret',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Rotate the signing secret (the old one keeps signing for the overlap)',
        params: idParams,
        body: rotateSecretBody,
        response: { 200: webhookWithSecretSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { subscription, secret, publicKey } = await subscriptions.rotateSecret(
        request.params.id,
        request.body?.secret,
      );
      return { ...webhookJson(subscription), secret, ...(publicKey ? { public_key: publicKey } : {}) };
    },
  );

  app.put<IdRequest & { Body: Record<string, unknown> }>(
    '/webhooks/:id/filters',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Replace the per-event filters',
        params: idParams,
        body: filtersBody,
        response: { 200: webhookSchema, ...errorResponses },
      },
    },
    async (request) => {
      await subscriptions.updateFilters(request.params.id, request.body);
      return one(request.params.id);
    },
  );

  registerTestRoute(app, ctx);
}

function registerTestRoute(app: FastifyInstance, ctx: ApiContext): void {
  app.post<IdRequest & { Body: { event?: string; data?: unknown; test_data?: unknown } | undefined }>(
    '/webhooks/:id/test',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Send a test event now and return the receiver’s answer',
        params: idParams,
        body: testWebhookBody,
        response: { 200: testResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const subscription = await ctx.delivery.subscriptions.get(request.params.id);
      const body = request.body ?? {};
      const event = createEvent(
        body.event ?? 'webhook.test',
        body.data ?? body.test_data ?? { message: 'This is a test event from Hookline' },
        { test: true },
      );
      const result = await ctx.delivery.sendTest(subscription, event);
      return {
        success: result.ok,
        event_id: event.id,
        event: event.type,
        status_code: result.statusCode,
        response_time_ms: Math.round(result.responseTimeMs),
        response_body: result.responseExcerpt,
        error: result.error,
        error_code: result.errorCode,
      };
    },
  );
}

/** The organization a webhook body names (`workspace` wins, as the input parser reads it). */
function namedOrganization(body: unknown): string | undefined {
  const { workspace, organization } = (body ?? {}) as { workspace?: unknown; organization?: unknown };
  const named = workspace ?? organization;
  return typeof named === 'string' ? named : undefined;
}
