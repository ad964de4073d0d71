/**
 * Replay (Svix's "recover"): every stored event of a time range that one subscription wants is
 * delivered to it again, as new deliveries through the outbox. The matcher decides what the
 * subscription wants, so a replay sends exactly what live traffic would have.
 */
import type { GroupCommitter } from '../store/group-commit.js';
import type { NewDelivery, Store } from '../store/types.js';
import type { Matcher } from './matcher.js';

/** Events read per page: a long range never sits in memory at once. */
const REPLAY_PAGE = 500;

export interface ReplayOptions {
  store: Pick<Store, 'listEvents'>;
  matcher: Matcher;
  committer: () => GroupCommitter;
  /** Wakes the outbox for this endpoint. */
  wake(subscriptionId: string): void;
}

/** Inclusive bounds, ISO-8601 like the stored event timestamps. */
export interface ReplayRange {
  since: string;
  until: string;
}

export type ReplayEvents = (subscriptionId: string, range: ReplayRange) => Promise<number>;

/** Returns the number of deliveries queued. */
export function createReplay(options: ReplayOptions): ReplayEvents {
  return async (subscriptionId, range) => {
    let replayed = 0;
    for (let afterSeq = 0; ;) {
      const page = await options.store.listEvents({
        afterSeq,
        sinceTimestamp: range.since,
        untilTimestamp: range.until,
        limit: REPLAY_PAGE,
      });
      if (page.length === 0) break;
      afterSeq = page[page.length - 1].seq;
      const nowMs = Date.now();
      const deliveries = page
        // An erased event has no content left to send.
        .filter((event) => event.erasedAt === null)
        .map((event) => options.matcher.planFor(subscriptionId, event, nowMs))
        .filter((delivery): delivery is NewDelivery => delivery !== null);
      if (deliveries.length > 0) await options.committer().submit({ acknowledged: true, deliveries });
      replayed += deliveries.length;
    }
    options.wake(subscriptionId);
    return replayed;
  };
}
