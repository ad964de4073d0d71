/**
 * The order a fan-out page writes its deliveries in: grouped by endpoint, each endpoint's in event
 * order. `seq` keeps each endpoint's FIFO order all the same (it only orders rows of one endpoint
 * against each other); what changes is where the rows land. Written event by event, an endpoint's
 * rows of a page are as far apart as the event has endpoints, so with 100 webhooks every row of a
 * claim or a settlement sat on a page of its own, and each was written whole again (12 page writes
 * per delivery on SQLite). Grouped, a claim's rows share their pages.
 */
import type { NewDelivery } from './types.js';

/** `deliveries` grouped by subscription (first seen first), their order within each group kept. */
export function groupByEndpoint(deliveries: readonly NewDelivery[]): NewDelivery[] {
  const groups = new Map<string, NewDelivery[]>();
  for (const delivery of deliveries) {
    const group = groups.get(delivery.subscriptionId);
    if (group) group.push(delivery);
    else groups.set(delivery.subscriptionId, [delivery]);
  }
  return groups.size === deliveries.length || groups.size === 1 ? [...deliveries] : [...groups.values()].flat();
}
