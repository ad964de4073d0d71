/**
 * Stored events by id: read one, and erase one's content (the right to erasure) from the event,
 * its deliveries and their attempts. The event catalog and publishing live in catalog-routes.ts.
 */
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { Errors } from '../errors.js';
import type { ApiContext } from './context.js';
import { erasureResultSchema, errorResponses, idParams, storedEventSchema } from './schemas.js';
import { erasureJson, eventJson } from './serialize.js';
import { isVisibleEvent } from './event-organization.js';

export function registerEventRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Params: { id: string } }>(
    '/events/:id',
    {
      schema: {
        tags: ['events'],
        summary: 'One stored event; once its content is erased, without it',
        params: idParams,
        response: { 200: storedEventSchema, ...errorResponses },
      },
    },
    async (request) => {
      const event = await ctx.store.getEvent(request.params.id);
      if (!event || !isVisibleEvent(request, event)) throw Errors.NOT_FOUND(`Event '${request.params.id}' not found`);
      return eventJson(event);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/events/:id/content',
    {
      schema: {
        tags: ['events'],
        summary:
          "Erase an event's content: its data, its deliveries' payloads and their attempts' response excerpts. " +
          "The records stay, marked erased; deliveries not sent yet are closed as failed ('content erased').",
        params: idParams,
        response: { 200: erasureResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      const result = await ctx.delivery.eraseEvent(request.params.id);
      return erasureJson(request.params.id, result, Date.now());
    },
  );
}
