/**
 * The organization of events that come through the API: a publisher names it in the body
 * (`organization`, or `metadata.organization`); a scoped key's events are its organization's,
 * and it reads only those.
 */
import type { FastifyRequest } from 'fastify';
import { eventOrganization } from '../events/organization.js';
import { organizationFor } from './scope.js';

/** The published event's metadata, with the organization the body or the key gives it. */
export function publisherMetadata(
  request: FastifyRequest<{ Body: { metadata?: Record<string, unknown>; organization?: string } }>,
  metadata: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  const named = request.body.organization ?? metadata?.organization;
  const organization = organizationFor(request, typeof named === 'string' ? named : undefined);
  return organization === undefined ? metadata : { ...metadata, organization };
}

/** Whether the request's key may see this event: any with an unscoped key, its organization's with a scoped one. */
export function isVisibleEvent(request: FastifyRequest, event: { metadata?: Record<string, unknown> | null }): boolean {
  const own = request.principal.organization;
  return own === null || eventOrganization({ metadata: event.metadata ?? undefined }) === own;
}
