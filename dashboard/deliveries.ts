/**
 * Reading delivery lists with the filters this engine supports: a filter the API does not take yet
 * (an older engine) is applied to the page here instead, so the view means the same either way.
 */
import { api, query } from './api.js';
import { capabilities } from './capabilities.js';
import type { DeliveryFilter } from './components/DeliveryFilters.js';
import type { Delivery, DeliveryPage } from './types.js';

/** Every state but succeeded, as the API's `undelivered` means it. */
export const UNDELIVERED = ['pending', 'in_flight', 'retrying', 'failed', 'expired'];

export async function listDeliveries(
  webhookId: string | null,
  filter: DeliveryFilter,
  limit = 100,
): Promise<Delivery[]> {
  const caps = await capabilities();
  const supported = webhookId ? caps.webhookDeliveryFilters : caps.deliveryFilters;
  const path = webhookId ? `/webhooks/${encodeURIComponent(webhookId)}/deliveries` : '/deliveries';
  const params = { limit, start: filter.start, end: filter.end } as Record<string, string | number | undefined>;
  // The API matches a type exactly; a `group.*` filter is applied to the rows here.
  const exactType = filter.event_type && !filter.event_type.endsWith('.*');
  if (exactType && supported.has('event_type')) params.event_type = filter.event_type;
  const statuses = filter.status === 'undelivered' ? UNDELIVERED : filter.status ? [filter.status] : [];
  let rows: Delivery[];
  if (statuses.length <= 1 || (filter.status === 'undelivered' && caps.undeliveredFilter))
    rows = (await api<DeliveryPage>('GET', path + query({ ...params, status: filter.status }))).deliveries;
  else {
    // One request per status, merged newest first.
    const pages = await Promise.all(
      statuses.map((status) => api<DeliveryPage>('GET', path + query({ ...params, status }))),
    );
    rows = pages.flatMap((page) => page.deliveries).sort((a, b) => b.created_at.localeCompare(a.created_at));
  }
  return filter.event_type ? rows.filter((d) => matchesType(d.event, filter.event_type!)) : rows;
}

function matchesType(type: string, wanted: string): boolean {
  if (wanted.endsWith('.*')) return type.startsWith(wanted.slice(0, -1));
  return type === wanted;
}
