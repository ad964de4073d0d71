/**
 * Erasure of one event's content (`DELETE /api/v1/events/{id}/content`): the store empties it
 * everywhere it is kept and closes its open deliveries, which can no longer be sent (they fail with
 * 'content erased'); the backlog count follows them.
 */
import { Errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ErasureResult, HistoryStore } from '../store/types.js';

export interface EventErasureOptions {
  store: Pick<HistoryStore, 'eraseEventContent'>;
  /** Open deliveries were closed. */
  onClosed(count: number): void;
  log: Logger;
}

/** @throws HooklineError NOT_FOUND when neither the event nor any delivery of it is stored. */
export type EraseEvent = (eventId: string) => Promise<ErasureResult>;

export function createEventErasure(options: EventErasureOptions): EraseEvent {
  return async (eventId) => {
    const result = await options.store.eraseEventContent(eventId, Date.now());
    if (!result) throw Errors.NOT_FOUND(`Event '${eventId}' not found`);
    if (result.closed > 0) options.onClosed(result.closed);
    const { deliveries, closed, attempts } = result;
    options.log.info({ eventId, deliveries, closed, attempts }, 'event content erased');
    return result;
  };
}
