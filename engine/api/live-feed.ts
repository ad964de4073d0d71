/**
 * What `/api/v1/stream` tells its clients: short notices that deliveries, attempts or executions
 * changed, fed by the parts that already observe those changes (the delivery recorder, the
 * fan-out, the group committer, the executor's recorder, and on PostgreSQL the store's signals from
 * other processes). A notice carries ids and outcomes, never payloads: a client reads the records
 * through the API, with its filters, so the stream shows nothing the API would not.
 */
import type { DeliveryRecorder, ExecutionRecorder } from '../metrics/index.js';
import type { CommitResult, ExecutionStatus } from '../store/types.js';

export type LiveNotice =
  /** Deliveries were written (by this process's fan-out, or announced by another process). */
  | { kind: 'deliveries'; webhook_ids: string[] | null }
  /** Attempts were made: one entry per attempt, with the delivery's new state. */
  | {
      kind: 'attempts';
      webhook_id: string;
      attempts: { delivery_id: string; attempt: number; response_code: number | null; status: string | null }[];
    }
  /** Executions were accepted, or one finished. */
  | { kind: 'executions'; status: ExecutionStatus | null };

export interface LiveFeed {
  /** Calls `listener` with every notice until the returned function is called. */
  subscribe(listener: (notice: LiveNotice) => void): () => void;
  readonly subscribers: number;
  publish(notice: LiveNotice): void;
  /** `inner` plus notices for each settled attempt. */
  deliveryRecorder(inner: DeliveryRecorder): DeliveryRecorder;
  /** `inner` plus a notice for each finished execution. */
  executionRecorder(inner: ExecutionRecorder): ExecutionRecorder;
  /** A group commit's result: accepted executions and explicitly written deliveries. */
  committed(result: CommitResult): void;
}

export function createLiveFeed(onListenerError: (error: unknown) => void = () => undefined): LiveFeed {
  const listeners = new Set<(notice: LiveNotice) => void>();
  const publish = (notice: LiveNotice): void => {
    for (const listener of listeners) {
      try {
        listener(notice);
      } catch (error) {
        onListenerError(error);
      }
    }
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    get subscribers() {
      return listeners.size;
    },
    publish,
    deliveryRecorder: (inner) => ({
      settled(subscriptionId, transitions, attempts) {
        inner.settled(subscriptionId, transitions, attempts);
        if (listeners.size === 0) return;
        const statusOf = new Map(transitions.map((t) => [t.deliveryId, t.status]));
        publish({
          kind: 'attempts',
          webhook_id: subscriptionId,
          attempts: attempts.map((a) => ({
            delivery_id: a.deliveryId,
            attempt: a.attemptNo,
            response_code: a.statusCode,
            status: statusOf.get(a.deliveryId) ?? null,
          })),
        });
      },
      expired(deliveries) {
        inner.expired(deliveries);
        if (deliveries.length > 0)
          publish({ kind: 'deliveries', webhook_ids: [...new Set(deliveries.map((d) => d.subscriptionId))] });
      },
    }),
    executionRecorder: (inner) => ({
      executionFinished(status) {
        inner.executionFinished(status);
        publish({ kind: 'executions', status });
      },
    }),
    committed(result) {
      if (result.executionIds.size > 0) publish({ kind: 'executions', status: null });
      if (result.deliveries > 0) publish({ kind: 'deliveries', webhook_ids: null });
    },
  };
}
