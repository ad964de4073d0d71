/**
 * Delivery history and recovery: per-webhook deliveries, logs (the seed's rows), stats, one
 * delivery with all its attempts, manual retry, replay (a range, or only the failed events: Svix's
 * "recover"), and `GET /deliveries` across all webhooks so nothing undelivered is ever invisible.
 */
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { Errors } from '../errors.js';
import type { ApiContext } from './context.js';
import { msOf, pageOf, toDeliveryQuery, type DeliveryListQuery } from './delivery-query.js';
import {
  deliveryDetailSchema,
  deliveryPageSchema,
  deliveryParams,
  deliveryRangeQuery,
  deliverySchema,
  deliverySearchQuery,
  errorResponses,
  idParams,
  logPageSchema,
  pageOnlyQuery,
  replayBody,
  replayResultSchema,
  statsQuery,
  statsSchema,
} from './schemas.js';
import { deliveryJson, logJson, statsJson } from './serialize.js';

export function registerDeliveryRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const log = ctx.store.deliveryLog;

  app.get<{ Params: { id: string }; Querystring: DeliveryListQuery }>(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Deliveries of a webhook, newest first, by status, event type, event id and time range',
        params: idParams,
        querystring: deliveryRangeQuery,
        response: { 200: deliveryPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      await ctx.delivery.subscriptions.get(request.params.id);
      return listPage(request.query, request.params.id);
    },
  );

  app.get<{ Params: { id: string; delivery_id: string } }>(
    '/webhooks/:id/deliveries/:delivery_id',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'One delivery with every attempt',
        params: deliveryParams,
        response: { 200: deliveryDetailSchema, ...errorResponses },
      },
    },
    async (request) => {
      const delivery = await log.getDelivery(request.params.delivery_id);
      if (!delivery || delivery.subscriptionId !== request.params.id)
        throw Errors.NOT_FOUND(`Delivery '${request.params.delivery_id}' not found for webhook '${request.params.id}'`);
      return deliveryJson(delivery, await log.listAttempts(delivery.id));
    },
  );

  app.post<{ Params: { id: string; delivery_id: string } }>(
    '/webhooks/:id/deliveries/:delivery_id/retry',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Send a delivery again now',
        params: deliveryParams,
        response: { 202: deliverySchema, ...errorResponses, 409: { $ref: 'Error#' }, 410: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const requeued = await ctx.delivery.retryDelivery(request.params.id, request.params.delivery_id);
      return reply.status(202).send(deliveryJson(requeued));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit: number; offset: number } }>(
    '/webhooks/:id/logs',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Delivery log rows (seed format)',
        params: idParams,
        querystring: pageOnlyQuery,
        response: { 200: logPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      await ctx.delivery.subscriptions.get(request.params.id);
      const rows = await log.listLog({
        subscriptionId: request.params.id,
        limit: request.query.limit,
        offset: request.query.offset,
      });
      return { logs: rows.map(logJson) };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { start?: string; end?: string } }>(
    '/webhooks/:id/stats',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Counts, success rate and response times over a window (default: last 24 h)',
        params: idParams,
        querystring: statsQuery,
        response: { 200: statsSchema, ...errorResponses },
      },
    },
    async (request) => {
      await ctx.delivery.subscriptions.get(request.params.id);
      const untilMs = msOf(request.query.end, 'end') ?? Date.now();
      const sinceMs = msOf(request.query.start, 'start') ?? untilMs - 86_400_000;
      const webhookId = request.params.id;
      const [attempts, counts] = await Promise.all([
        log.attemptStats(webhookId, sinceMs, untilMs),
        log.deliveryStats([webhookId]),
      ]);
      return statsJson(webhookId, { sinceMs, untilMs }, attempts, counts.get(webhookId)!);
    },
  );

  registerReplay(app, ctx);

  app.get<{ Querystring: DeliveryListQuery }>(
    '/deliveries',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Deliveries across all webhooks, newest first: e.g. every undelivered one, or one event’s',
        querystring: deliverySearchQuery,
        response: { 200: deliveryPageSchema, ...errorResponses },
      },
    },
    async (request) => listPage(request.query),
  );

  async function listPage(q: DeliveryListQuery, subscriptionId?: string) {
    const { rows, nextCursor } = pageOf(await log.listDeliveries(toDeliveryQuery(q, subscriptionId)), q);
    return { deliveries: rows.map((d) => deliveryJson(d)), limit: q.limit, offset: q.offset, next_cursor: nextCursor };
  }
}

interface ReplayBody {
  since?: string;
  until?: string;
  only_failed?: boolean;
}

function registerReplay(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Params: { id: string }; Body: ReplayBody | undefined }>(
    '/webhooks/:id/replay',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Send again the events since the webhook was created (or a range of them), or only the failed ones',
        params: idParams,
        body: replayBody,
        response: { 202: replayResultSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const subscription = await ctx.delivery.subscriptions.get(request.params.id);
      const body = request.body ?? {};
      const sinceMs = msOf(body.since, 'since');
      const untilMs = msOf(body.until, 'until');
      if (sinceMs !== undefined && untilMs !== undefined && sinceMs > untilMs)
        throw Errors.INVALID_INPUT("'since' is after 'until'", {
          details: {
            field: 'since',
            expected: `a time before ${new Date(untilMs).toISOString()}`,
            received: new Date(sinceMs).toISOString(),
          },
        });
      const onlyFailed = body.only_failed === true;
      const outcome = await ctx.delivery.replay(subscription.id, {
        since: sinceMs === undefined ? undefined : new Date(sinceMs).toISOString(),
        until: new Date(untilMs ?? Date.now()).toISOString(),
        onlyFailed,
      });
      return reply
        .status(202)
        .send({ success: true, webhook_id: subscription.id, only_failed: onlyFailed, ...outcome });
    },
  );
}
