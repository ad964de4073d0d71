/**
 * `/api/v1/event-types`: a publisher's JSON Schemas for the data of its own event types (seed 004's
 * "Event Type" column). `PUT /event-types/{type}` with `{description?, schema}` registers or
 * replaces one; `POST /events` then checks the data of that type against it, and `GET /events` (the
 * catalog) lists it beside the engine's own types.
 */
import type { FastifyInstance } from 'fastify';
import { Errors } from '../errors.js';
import type { EventTypeRecord } from '../store/types.js';
import type { ApiContext } from './context.js';
import { errorResponses, eventTypeParams, eventTypeSchema, putEventTypeBody } from './schemas.js';

export function eventTypeJson(record: EventTypeRecord) {
  return {
    type: record.type,
    description: record.description,
    schema: record.schema,
    version: record.version,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

type TypeRequest = { Params: { type: string } };

export function registerEventTypeRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const tags = ['events'];
  app.get(
    '/event-types',
    {
      schema: {
        tags,
        summary: 'Event types with a registered data schema',
        response: { 200: { type: 'object', properties: { event_types: { type: 'array', items: eventTypeSchema } } } },
      },
    },
    async () => ({ event_types: [...(await ctx.eventTypes.current()).values()].map(eventTypeJson) }),
  );

  app.get<TypeRequest>(
    '/event-types/:type',
    {
      schema: {
        tags,
        summary: "One event type's registered data schema",
        params: eventTypeParams,
        response: { 200: eventTypeSchema, ...errorResponses },
      },
    },
    async (request) => eventTypeJson(await registered(ctx, request.params.type)),
  );

  app.put<TypeRequest & { Body: { description?: string | null; schema: Record<string, unknown> } }>(
    '/event-types/:type',
    {
      schema: {
        tags,
        summary: 'Register or replace the JSON Schema of an event type’s data',
        params: eventTypeParams,
        body: putEventTypeBody,
        response: { 200: eventTypeSchema, 201: eventTypeSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { type } = request.params;
      const existed = (await ctx.eventTypes.current()).has(type);
      const record = await ctx.eventTypes.register(type, request.body.description ?? null, request.body.schema);
      return reply.status(existed ? 200 : 201).send(eventTypeJson(record));
    },
  );

  app.delete<TypeRequest>(
    '/event-types/:type',
    {
      schema: {
        tags,
        summary: 'Remove an event type’s schema (its events are no longer checked)',
        params: eventTypeParams,
        response: {
          200: { type: 'object', properties: { success: { type: 'boolean' }, type: { type: 'string' } } },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      if (!(await ctx.eventTypes.remove(request.params.type))) throw notRegistered(request.params.type);
      return { success: true, type: request.params.type };
    },
  );
}

async function registered(ctx: ApiContext, type: string): Promise<EventTypeRecord> {
  const record = (await ctx.eventTypes.current()).get(type);
  if (!record) throw notRegistered(type);
  return record;
}

const notRegistered = (type: string) => Errors.NOT_FOUND(`Event type '${type}' has no registered schema`);
