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

/** The `start/end/status/limit/offset` query of the delivery lists. */
export function deliveryQuery(options: ListDeliveriesOptions): Query {
  return {
    start: isoOf(options.timeRange?.start),
    end: isoOf(options.timeRange?.end),
    status: options.status,
    limit: options.limit,
    offset: options.offset,
  };
}
