/**
 * Delivery history and recovery: per-webhook deliveries, logs (the seed's rows), stats, one
 * delivery with all its attempts, manual retry, replay (a range, or only the failed events: Svix's
 * "recover"), and `GET /deliveries` across all webhooks so nothing undelivered is ever invisible.
 */
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { Errors } from '../errors.js';
import type { DeliveryStatus } from '../store/types.js';
import type { ApiContext } from './context.js';
import {
  deliveryDetailSchema,
  deliveryPageSchema,
  deliveryParams,
  deliveryRangeQuery,
  deliverySchema,
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

interface RangeQuery {
  start?: string;
  end?: string;
  status?: string;
  limit: number;
  offset: number;
}

function statusesOf(status: string | undefined): DeliveryStatus[] | undefined {
  if (!status) return undefined;
  if (status === 'success') return ['succeeded'];
  return [status as DeliveryStatus];
}

function msOf(text: string | undefined, field: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw Errors.INVALID_INPUT(`Field '${field}' is not a date-time`, {
      details: {
        field,
        expected: 'ISO 8601 date-time',
        received: text,
      },
    });
  return ms;
}

export function registerDeliveryRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const log = ctx.store.deliveryLog;

  app.get<{ Params: { id: string }; Querystring: RangeQuery }>(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Deliveries of a webhook in a time range',
        params: idParams,
        querystring: deliveryRangeQuery,
        response: { 200: deliveryPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      await ctx.delivery.subscriptions.get(request.params.id);
      const q = request.query;
      const rows = await log.listDeliveries({
        subscriptionId: request.params.id,
        statuses: statusesOf(q.status),
        sinceMs: msOf(q.start, 'start'),
        untilMs: msOf(q.end, 'end'),
        limit: q.limit,
        offset: q.offset,
      });
      return { deliveries: rows.map((d) => deliveryJson(d)), limit: q.limit, offset: q.offset };
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
      return { logs: rows.map((row) => logJson(row.delivery, row.lastResponseTimeMs)) };
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

  app.get<{ Querystring: RangeQuery }>(
    '/deliveries',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Deliveries across all webhooks, e.g. everything pending, retrying or failed',
        querystring: deliveryRangeQuery,
        response: { 200: deliveryPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await log.listDeliveries({
        // A scoped key sees only its organization's webhooks' deliveries.
        workspace: request.principal.organization ?? undefined,
        statuses: statusesOf(q.status),
        sinceMs: msOf(q.start, 'start'),
        untilMs: msOf(q.end, 'end'),
        limit: q.limit,
        offset: q.offset,
      });
      return { deliveries: rows.map((d) => deliveryJson(d)), limit: q.limit, offset: q.offset };
    },
  );
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
