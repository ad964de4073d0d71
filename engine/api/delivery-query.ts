/**
 * The query string of the delivery lists (`GET /deliveries`, `GET /webhooks/{id}/deliveries`) read
 * into a store query, and the page written back with its cursor. The filters and what they mean
 * are in the README ("Searching deliveries").
 */
import { decodeCursor, encodeCursor } from './cursor.js';
import { Errors } from '../errors.js';
import { UNDELIVERED_STATUSES } from '../store/delivery-search.js';
import type { DeliveryQuery, DeliveryStatus } from '../store/types.js';
import type { DeliveryRecord } from '../store/records.js';

/** The query string as the route schema lets it through (`deliverySearchQuery`). */
export interface DeliveryListQuery {
  status?: string;
  event_type?: string;
  event_id?: string;
  webhook_id?: string;
  start?: string;
  end?: string;
  cursor?: string;
  limit: number;
  offset: number;
}

/** What one `status` word selects: a state, the seed's `success`, or every state but succeeded. */
const STATUS_WORDS: Readonly<Record<string, readonly DeliveryStatus[]>> = {
  pending: ['pending'],
  in_flight: ['in_flight'],
  succeeded: ['succeeded'],
  success: ['succeeded'],
  retrying: ['retrying'],
  failed: ['failed'],
  expired: ['expired'],
  undelivered: UNDELIVERED_STATUSES,
};

/** The words `status` takes, comma-separated (the route schema's pattern is built from them). */
export const STATUS_FILTER_WORDS = Object.keys(STATUS_WORDS);

/** `failed,expired` → the states; the schema already refused any other word. */
export function statusesOf(status: string | undefined): DeliveryStatus[] | undefined {
  if (!status) return undefined;
  return [...new Set(status.split(',').flatMap((word) => STATUS_WORDS[word] ?? []))];
}

/** An ISO 8601 time as epoch ms. */
export function msOf(text: string | undefined, field: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw Errors.INVALID_INPUT(`Field '${field}' is not a date-time`, {
      details: { field, expected: 'ISO 8601 date-time', received: text },
    });
  return ms;
}

/** The store query of a list request; `subscriptionId` from the path wins over `webhook_id`. */
export function toDeliveryQuery(q: DeliveryListQuery, subscriptionId?: string): DeliveryQuery {
  return {
    subscriptionId: subscriptionId ?? q.webhook_id,
    statuses: statusesOf(q.status),
    eventType: q.event_type,
    eventId: q.event_id,
    sinceMs: msOf(q.start, 'start'),
    untilMs: msOf(q.end, 'end'),
    cursorSeq: q.cursor === undefined ? undefined : decodeCursor('seq', q.cursor, Number.MAX_SAFE_INTEGER),
    // One row more than the page: whether it exists says whether there is a next page.
    limit: q.limit + 1,
    offset: q.offset,
  };
}

/** The page and its `next_cursor` (the last row's position, or null when nothing follows). */
export function pageOf(
  rows: DeliveryRecord[],
  q: DeliveryListQuery,
): { rows: DeliveryRecord[]; nextCursor: string | null } {
  if (rows.length <= q.limit) return { rows, nextCursor: null };
  const page = rows.slice(0, q.limit);
  return { rows: page, nextCursor: encodeCursor('seq', page[page.length - 1].seq) };
}
