/**
 * Replay: the stored events of a time range that one subscription wants are delivered to it
 * again, as new deliveries through the outbox. The matcher decides what the subscription wants, so
 * a replay sends exactly what live traffic would have.
 *
 * - Only events that happened once the webhook existed: the range starts at its creation at the
 *   earliest, as live traffic does (the matcher never gives a webhook an older event).
 * - `onlyFailed` (Svix's "recover"): events whose delivery to this webhook succeeded, or is still
 *   on its way (pending, in flight, retrying), are left out; failed, expired and never-delivered
 *   ones (the webhook was disabled, say) are sent.
 * - Erased events (`DELETE /events/{id}/content`) are left out: nothing of them is left to send.
 * - In event order: each page is written, oldest event first, before the next is read, so an
 *   ordered endpoint receives the replayed events in the order they happened.
 */
import type { GroupCommitter } from '../store/group-commit.js';
import type { NewDelivery, Store, StoredEvent } from '../store/types.js';
import type { Matcher } from './matcher.js';

/** Events read per page: a long range never sits in memory at once. */
const REPLAY_PAGE = 500;

export interface ReplayOptions {
  store: Pick<Store, 'listEvents' | 'deliveryLog'>;
  matcher: Matcher;
  committer: () => GroupCommitter;
  /** Wakes the outbox for this endpoint. */
  wake(subscriptionId: string): void;
}

/** What to send again. Bounds are inclusive, ISO-8601 like the stored event timestamps. */
export interface ReplayRequest {
  /** @defaultValue the webhook's creation, which is also the earliest bound a replay takes */
  since?: string;
  /** @defaultValue now */
  until?: string;
  /** Only events whose delivery to this webhook did not succeed. @defaultValue false */
  onlyFailed?: boolean;
}

/** What a replay queued, and the range it covered once clamped to the webhook's life. */
export interface ReplayOutcome {
  replayed: number;
  since: string;
  until: string;
}

export type ReplayEvents = (subscriptionId: string, request?: ReplayRequest) => Promise<ReplayOutcome>;

/** Queues the deliveries; an unknown subscription replays nothing. */
export function createReplay(options: ReplayOptions): ReplayEvents {
  /** The deliveries of one page of events, failed-only when asked, in event order. */
  async function plan(subscriptionId: string, page: StoredEvent[], onlyFailed: boolean): Promise<NewDelivery[]> {
    const nowMs = Date.now();
    const deliveries = page
      // An erased event has no content left to send.
      .filter((event) => event.erasedAt === null)
      .map((event) => options.matcher.planFor(subscriptionId, event, nowMs))
      .filter((delivery): delivery is NewDelivery => delivery !== null);
    if (!onlyFailed || deliveries.length === 0) return deliveries;
    const skip = await options.store.deliveryLog.deliveredOrOpenEventIds(
      subscriptionId,
      deliveries.map((d) => d.eventId),
    );
    return deliveries.filter((d) => !skip.has(d.eventId));
  }

  return async (subscriptionId, request = {}) => {
    const createdAtMs = options.matcher.get(subscriptionId)?.subscription.createdAtMs;
    const until = request.until ?? new Date().toISOString();
    const created = createdAtMs === undefined ? until : new Date(createdAtMs).toISOString();
    // ISO-8601 in UTC with milliseconds compares as text, as the stores compare it.
    const since = request.since !== undefined && request.since > created ? request.since : created;
    let replayed = 0;
    for (let afterSeq = 0; createdAtMs !== undefined;) {
      const page = await options.store.listEvents({
        afterSeq,
        sinceTimestamp: since,
        untilTimestamp: until,
        limit: REPLAY_PAGE,
      });
      if (page.length === 0) break;
      afterSeq = page[page.length - 1].seq;
      const deliveries = await plan(subscriptionId, page, request.onlyFailed === true);
      if (deliveries.length > 0) await options.committer().submit({ acknowledged: true, deliveries });
      replayed += deliveries.length;
    }
    options.wake(subscriptionId);
    return { replayed, since, until };
  };
}
