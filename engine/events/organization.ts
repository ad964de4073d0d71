/**
 * The organization an event belongs to (seed 000 puts webhooks in organizations): kept in the
 * envelope's `metadata.organization`, set from the event's workflow, its agent, or the publisher.
 * A webhook of organization X receives only events of X; a webhook of the default workspace
 * (no organization) receives every event. An event without one reaches only the latter.
 */
import type { EventEnvelope } from './envelope.js';

/** The workspace of a webhook created without an organization: it receives every organization's events. */
export const NO_ORGANIZATION = 'default';

/** The event's organization, or null when it has none. */
export function eventOrganization(event: Pick<EventEnvelope, 'metadata'>): string | null {
  const organization = event.metadata?.organization;
  return typeof organization === 'string' && organization !== '' ? organization : null;
}

/** The organization of a webhook's workspace: null for the default one. */
export function workspaceOrganization(workspace: string): string | null {
  return workspace === NO_ORGANIZATION ? null : workspace;
}

/** Whether a webhook of `workspace` receives an event of `organization`. */
export function isInOrganization(workspace: string, organization: string | null): boolean {
  return workspace === NO_ORGANIZATION || workspace === organization;
}

/**
 * Metadata with `organization` set when one is given and the metadata names none yet (an
 * organization the publisher set itself is kept). Returns the same object when nothing changes.
 */
export function withOrganizationMetadata(
  metadata: Record<string, unknown> | undefined,
  organization: string | null,
): Record<string, unknown> | undefined {
  if (organization === null || typeof metadata?.organization === 'string') return metadata;
  return { ...metadata, organization };
}

/** Tags each event with `organization` (see withOrganizationMetadata); returns the same list. */
export function withOrganization<T extends EventEnvelope[]>(events: T, organization: string | null): T {
  for (const event of events) {
    const metadata = withOrganizationMetadata(event.metadata, organization);
    if (metadata) event.metadata = metadata;
  }
  return events;
}
