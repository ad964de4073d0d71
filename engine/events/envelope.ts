/**
 * The event envelope `{ id, type, timestamp, data, metadata? }` (seed 004 and the design), and
 * its other wire formats from the seeds, chosen per subscription.
 */
import type { EventType } from './catalog.js';
import { createId } from './ids.js';

export interface EventEnvelope<T = unknown> {
  /** `evt_…`, sortable; the receiver's idempotency key. */
  id: string;
  type: EventType | (string & {});
  /** ISO-8601 UTC. */
  timestamp: string;
  data: T;
  metadata?: Record<string, unknown>;
}

export function createEvent<T>(
  type: EventType | (string & {}),
  data: T,
  metadata?: Record<string, unknown>,
  now: Date = new Date(),
): EventEnvelope<T> {
  const event: EventEnvelope<T> = { id: createId('evt', now.getTime()), type, timestamp: now.toISOString(), data };
  if (metadata && Object.keys(metadata).length > 0) event.metadata = metadata;
  return event;
}

/**
 * Payload formats a subscription may ask for:
 * - `envelope` (default, seed 004): `{id, type, timestamp, data, metadata}`
 * - `event` (seeds 001, 003): `{id, event, timestamp, data}`
 * - `webhook` (seed 002): `{event, timestamp, webhook_id, data}`
 * - `organization` (seed 000): `{id, type, created, organization, project, data}`
 */
export type PayloadFormat = 'envelope' | 'event' | 'webhook' | 'organization';
export const PAYLOAD_FORMATS: readonly PayloadFormat[] = ['envelope', 'event', 'webhook', 'organization'];

/** Where a payload goes: the `webhook_id`, and the organization and project the seed 000 format names. */
export interface PayloadContext {
  webhookId: string;
  /** The subscription's organization, used when the event names none. */
  organization?: string | null;
  /** The subscription's project (`metadata.project`), used when the event names none. */
  project?: string | null;
}

/** A text field of the event, on the envelope or in its metadata, or undefined. */
function metadataText(event: EventEnvelope, key: string): string | undefined {
  const value = (event as unknown as Record<string, unknown>)[key] ?? event.metadata?.[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * What `format` reads of `context`, as a key: payloads of one event and one `data` with the same key
 * are the same bytes, so a fan-out serialises them once. Null for `webhook`, which names its webhook.
 */
export function payloadContextKey(format: PayloadFormat, context: PayloadContext): string | null {
  switch (format) {
    case 'organization':
      return `organization\u0000${context.organization ?? ''}\u0000${context.project ?? ''}`;
    case 'webhook':
      return null;
    default:
      return format;
  }
}

export function formatPayload(
  event: EventEnvelope,
  format: PayloadFormat,
  context: PayloadContext,
  data: unknown = event.data,
): Record<string, unknown> {
  const webhookId = context.webhookId;
  switch (format) {
    case 'organization':
      return {
        id: event.id,
        type: event.type,
        created: event.timestamp,
        organization: metadataText(event, 'organization') ?? context.organization ?? null,
        project: metadataText(event, 'project') ?? context.project ?? null,
        data,
      };
    case 'event':
      return { id: event.id, event: event.type, timestamp: event.timestamp, data };
    case 'webhook':
      return { event: event.type, timestamp: event.timestamp, webhook_id: webhookId, data };
    default:
      return event.metadata
        ? { id: event.id, type: event.type, timestamp: event.timestamp, data, metadata: event.metadata }
        : { id: event.id, type: event.type, timestamp: event.timestamp, data };
  }
}
