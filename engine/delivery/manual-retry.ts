/**
 * A manual retry (`POST …/deliveries/{id}/retry`): the delivery goes back in line now, whatever
 * its state, except while an attempt is in flight. Its retention restarts, so a delivery that had
 * expired or failed gets a full new window of automatic retries.
 */
import { Errors } from '../errors.js';
import type { DeliveryRecord } from '../store/records.js';
import type { DeliveryLog } from '../store/types.js';

export interface ManualRetryOptions {
  deliveryLog: Pick<DeliveryLog, 'getDelivery' | 'requeue'>;
  retentionMs: number;
  /** Wakes the outbox for this endpoint. */
  wake(subscriptionId: string): void;
}

/**
 * @throws HooklineError NOT_FOUND when the delivery is not the subscription's; CONTENT_ERASED when
 * its event's content was erased (there is nothing left to send); CONFLICT while it is being sent.
 */
export type RetryDelivery = (subscriptionId: string, deliveryId: string) => Promise<DeliveryRecord>;

export function createManualRetry(options: ManualRetryOptions): RetryDelivery {
  return async (subscriptionId, deliveryId) => {
    const existing = await options.deliveryLog.getDelivery(deliveryId);
    if (!existing || existing.subscriptionId !== subscriptionId)
      throw Errors.NOT_FOUND(`Delivery '${deliveryId}' not found for webhook '${subscriptionId}'`);
    if (existing.erased)
      throw Errors.CONTENT_ERASED(`Delivery '${deliveryId}'`, { details: { event_id: existing.eventId } });
    if (existing.status === 'in_flight')
      throw Errors.CONFLICT('The delivery is being sent right now; retry when it settles');
    const nowMs = Date.now();
    const requeued = await options.deliveryLog.requeue(existing.id, nowMs, nowMs + options.retentionMs);
    options.wake(subscriptionId);
    return requeued ?? existing;
  };
}
