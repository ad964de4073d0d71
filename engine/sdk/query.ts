/** Small encoders shared by the resource classes. */
import type { ListDeliveriesOptions } from './delivery-types.js';
import type { DateInput } from './types.js';
import type { Query } from './transport.js';

/** An id as one URL path segment: a `/` or `?` in it cannot reach another route. */
export function segment(id: string): string {
  return encodeURIComponent(id);
}

/** `Date` → ISO 8601; strings pass through for the API to validate. */
export function isoOf(value: DateInput | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}

/** The query of the delivery lists (`webhook_id` only means something to `GET /deliveries`). */
export function deliveryQuery(options: ListDeliveriesOptions): Query {
  const status = Array.isArray(options.status) ? options.status.join(',') : options.status;
  return {
    start: isoOf(options.timeRange?.start),
    end: isoOf(options.timeRange?.end),
    status: status || undefined,
    event_type: options.eventType,
    event_id: options.eventId,
    webhook_id: options.webhookId,
    cursor: options.cursor,
    limit: options.limit,
    offset: options.offset,
  };
}
