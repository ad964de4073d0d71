/**
 * Which of the rows a claim read may be sent now: the one rule both stores apply, whatever SQL
 * found the rows. FIFO: an ordered endpoint sends only from the head of its line, up to the first
 * row in flight or not yet due (a row waiting for its retry is not due, batched or not: a failed
 * batch waits out its backoff like a single message). A batching endpoint sends only a full batch,
 * or one whose oldest row waited long enough. A recovery probe (`probeTriedBeforeMs`) lets an
 * ordered endpoint's head go before its retry is due, once its last attempt is that old.
 */
import type { DeliveryRecord } from './records.js';
import type { ClaimSpec } from './types.js';

export function readyToSend(spec: ClaimSpec, rows: readonly DeliveryRecord[], nowMs: number): DeliveryRecord[] {
  const ready: DeliveryRecord[] = [];
  if (spec.ordered) {
    for (const delivery of rows) {
      if (delivery.status === 'in_flight') break;
      if (delivery.nextAttemptAtMs > nowMs && !(ready.length === 0 && isProbeOwed(spec, delivery))) break;
      ready.push(delivery);
    }
  } else ready.push(...rows);
  const batchWaits =
    spec.batch &&
    ready.length < spec.batch.maxEvents &&
    !(ready[0] && ready[0].createdAtMs + spec.batch.maxWaitMs <= nowMs);
  return batchWaits ? [] : ready;
}

/** The head waits for a retry, and was last tried (settled) no later than the probe allows. */
function isProbeOwed(spec: ClaimSpec, head: DeliveryRecord): boolean {
  return (
    spec.probeTriedBeforeMs !== undefined && head.status === 'retrying' && head.updatedAtMs <= spec.probeTriedBeforeMs
  );
}
