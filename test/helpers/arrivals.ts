/**
 * What a test receiver got, by message id (`webhook-id`, the receiver's idempotency key): first
 * arrivals in order, repeats, and order checks against the store's sequence.
 */
import type { ReceivedRequest } from '../fixtures/receiver.js';

/** A request's message id: the event id of a single event, the same on every attempt. */
export const webhookId = (request: ReceivedRequest) => String(request.headers['webhook-id']);

/** A receiver predicate that holds once every id of `expected` arrived; it scans each request once. */
export function hasAll(expected: ReadonlySet<string>): (requests: readonly ReceivedRequest[]) => boolean {
  const got = new Set<string>();
  let scanned = 0;
  return (requests) => {
    for (; scanned < requests.length; scanned++) {
      const id = webhookId(requests[scanned]);
      if (expected.has(id)) got.add(id);
    }
    return got.size === expected.size;
  };
}

/** Arrival order of each id's first copy, and how many copies of each id came more than once. */
export function arrivals(requests: readonly ReceivedRequest[]): { first: string[]; repeated: Map<string, number> } {
  const counts = new Map<string, number>();
  const first: string[] = [];
  for (const request of requests) {
    const id = webhookId(request);
    const seen = counts.get(id) ?? 0;
    if (seen === 0) first.push(id);
    counts.set(id, seen + 1);
  }
  return { first, repeated: new Map([...counts].filter(([, count]) => count > 1)) };
}

/** Places where an id arrived first before one the store ordered ahead of it. */
export function orderViolations(first: readonly string[], seqOf: ReadonlyMap<string, number>): number {
  let violations = 0;
  for (let i = 1; i < first.length; i++) if (seqOf.get(first[i])! < seqOf.get(first[i - 1])!) violations++;
  return violations;
}
