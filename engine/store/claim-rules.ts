/**
 * Which of the rows a claim read may be sent now: the one rule both stores apply, whatever SQL
 * found the rows. FIFO: an ordered endpoint sends only from the head of its line, up to the first
 * row in flight or not yet due (a row waiting for its retry is not due, batched or not: a failed
 * batch waits out its backoff like a single message). A batching endpoint sends only a full batch,
 * or one whose oldest row waited long enough.
 */
import type { DeliveryRecord } from './records.js';
import type { ClaimSpec } from './types.js';

export function readyToSend(spec: ClaimSpec, rows: readonly DeliveryRecord[], nowMs: number): DeliveryRecord[] {
  const ready: DeliveryRecord[] = [];
  if (spec.ordered) {
    for (const delivery of rows) {
      if (delivery.status === 'in_flight' || delivery.nextAttemptAtMs > nowMs) break;
      ready.push(delivery);
    }
  } else ready.push(...rows);
  const batchWaits =
    spec.batch &&
    ready.length < spec.batch.maxEvents &&
    !(ready[0] && ready[0].createdAtMs + spec.batch.maxWaitMs <= nowMs);
  return batchWaits ? [] : ready;
}
