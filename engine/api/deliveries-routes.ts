/**
 * Delivery history and recovery: per-webhook deliveries, logs (the seed's rows), stats, one
 * delivery with all its attempts, manual retry, replay of a time range (Svix's "recover"), and
 * `GET /deliveries` across all webhooks so nothing undelivered is ever invisible.
 */
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { Errors } from '../errors.js';
import { toDelivery } from '../delivery/matcher.js';
import { matchesEventPattern } from '../rules/index.js';
import type { DeliveryStatus, NewDelivery } from '../store/types.js';
import type { ApiContext } from './context.js';
import { deliveryParams, deliveryStatus, deliverySchema, errorResponses, idParams, pageQuery } from './schemas.js';
import { deliveryJson, logJson } from './serialize.js';

interface RangeQuery {
  start?: string;
  end?: string;
  status?: string;
  limit: number;
  offset: number;
}

const rangeQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...pageQuery,
    start: { type: 'string', format: 'date-time' },
    end: { type: 'string', format: 'date-time' },
    status: deliveryStatus,
  },
} as const;

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
  const { outbox } = ctx.store;
  const list = {
    type: 'object',
    properties: {
      deliveries: { type: 'array', items: deliverySchema },
      limit: { type: 'integer' },
      offset: { type: 'integer' },
    },
  } as const;

  app.get<{ Params: { id: string }; Querystring: RangeQuery }>(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Deliveries of a webhook in a time range',
        params: idParams,
        querystring: rangeQuery,
        response: { 200: list, ...errorResponses },
      },
    },
    async (request) => {
      await ctx.delivery.subscriptions.get(request.params.id);
      const q = request.query;
      const rows = await outbox.listDeliveries({
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
        response: { 200: deliverySchema, ...errorResponses },
      },
    },
    async (request) => {
      const delivery = await outbox.getDelivery(request.params.delivery_id);
      if (!delivery || delivery.subscriptionId !== request.params.id)
        throw Errors.NOT_FOUND(`Delivery '${request.params.delivery_id}' not found for webhook '${request.params.id}'`);
      return deliveryJson(delivery, await outbox.listAttempts(delivery.id));
    },
  );

  app.post<{ Params: { id: string; delivery_id: string } }>(
    '/webhooks/:id/deliveries/:delivery_id/retry',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Send a delivery again now',
        params: deliveryParams,
        response: { 202: deliverySchema, ...errorResponses, 409: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const existing = await outbox.getDelivery(request.params.delivery_id);
      if (!existing || existing.subscriptionId !== request.params.id)
        throw Errors.NOT_FOUND(`Delivery '${request.params.delivery_id}' not found for webhook '${request.params.id}'`);
      if (existing.status === 'in_flight')
        throw Errors.CONFLICT('The delivery is being sent right now; retry when it settles');
      const nowMs = Date.now();
      const requeued = await outbox.requeue(existing.id, nowMs, nowMs + ctx.config.retentionSec * 1000);
      ctx.delivery.worker.wake([request.params.id]);
      return reply.status(202).send(deliveryJson(requeued!));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit: number; offset: number } }>(
    '/webhooks/:id/logs',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Delivery log rows (seed format)',
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: pageQuery },
        response: {
          200: {
            type: 'object',
            properties: { logs: { type: 'array', items: { type: 'object', additionalProperties: true } } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      await ctx.delivery.subscriptions.get(request.params.id);
      const rows = await outbox.listDeliveries({
        subscriptionId: request.params.id,
        limit: request.query.limit,
        offset: request.query.offset,
      });
      const logs = await Promise.all(
        rows.map(async (d) => logJson(d, (await outbox.listAttempts(d.id)).at(-1)?.responseTimeMs ?? null)),
      );
      return { logs };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { start?: string; end?: string } }>(
    '/webhooks/:id/stats',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Counts, success rate and response times over a window (default: last 24 h)',
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { start: { type: 'string', format: 'date-time' }, end: { type: 'string', format: 'date-time' } },
        },
        response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses },
      },
    },
    async (request) => {
      await ctx.delivery.subscriptions.get(request.params.id);
      const untilMs = msOf(request.query.end, 'end') ?? Date.now();
      const sinceMs = msOf(request.query.start, 'start') ?? untilMs - 86_400_000;
      const attempts = await outbox.attemptsInWindow(request.params.id, sinceMs, untilMs, 100_000);
      const ok = attempts.filter((a) => a.errorCode === null && a.statusCode !== null && a.statusCode < 300).length;
      const times = attempts.map((a) => a.responseTimeMs).sort((a, b) => a - b);
      const pick = (p: number) =>
        times.length ? times[Math.min(times.length - 1, Math.floor(p * times.length))] : null;
      const counts = (await outbox.deliveryStats([request.params.id])).get(request.params.id)!;
      return {
        webhook_id: request.params.id,
        window: { start: new Date(sinceMs).toISOString(), end: new Date(untilMs).toISOString() },
        attempts: attempts.length,
        successful_attempts: ok,
        failed_attempts: attempts.length - ok,
        success_rate: attempts.length ? ok / attempts.length : null,
        response_time_ms: { p50: pick(0.5), p95: pick(0.95), max: times.at(-1) ?? null },
        deliveries: {
          total: counts.total,
          successful: counts.succeeded,
          failed: counts.failed,
          pending: counts.pending,
        },
      };
    },
  );

  registerReplay(app, ctx);

  app.get<{ Querystring: RangeQuery }>(
    '/deliveries',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Deliveries across all webhooks, e.g. everything pending, retrying or failed',
        querystring: rangeQuery,
        response: { 200: list, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await outbox.listDeliveries({
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

function registerReplay(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Params: { id: string }; Body: { since: string; until?: string } }>(
    '/webhooks/:id/replay',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'Send again every matching event of a time range',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['since'],
          properties: {
            since: { type: 'string', format: 'date-time' },
            until: { type: 'string', format: 'date-time' },
          },
        },
        response: {
          202: {
            type: 'object',
            properties: { success: { type: 'boolean' }, replayed: { type: 'integer' }, webhook_id: { type: 'string' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const subscription = await ctx.delivery.subscriptions.get(request.params.id);
      const compiled = ctx.delivery.matcher.get(subscription.id)!;
      const since = new Date(msOf(request.body.since, 'since')!).toISOString();
      const until = new Date(msOf(request.body.until, 'until') ?? Date.now()).toISOString();
      if (request.body.until !== undefined && since > until)
        throw Errors.INVALID_INPUT("'since' is after 'until'", {
          details: {
            field: 'since',
            expected: `a time before ${until}`,
            received: since,
          },
        });
      let replayed = 0;
      // Paged: a long range never sits in memory at once.
      for (let afterSeq = 0; ;) {
        const page = await ctx.store.listEvents({ afterSeq, sinceTimestamp: since, untilTimestamp: until, limit: 500 });
        if (page.length === 0) break;
        afterSeq = page[page.length - 1].seq;
        const nowMs = Date.now();
        const deliveries: NewDelivery[] = page
          .filter(
            (event) =>
              subscription.events.some((pattern) => matchesEventPattern(pattern, event.type)) &&
              compiled.rules.matches(event),
          )
          .map((event) => toDelivery(event, subscription, compiled.rules, nowMs, ctx.config.retentionSec * 1000));
        if (deliveries.length > 0) await ctx.committer.submit({ acknowledged: true, deliveries });
        replayed += deliveries.length;
      }
      ctx.delivery.worker.wake([subscription.id]);
      return reply.status(202).send({ success: true, replayed, webhook_id: subscription.id });
    },
  );
}
