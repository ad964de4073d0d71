/**
 * History written through the store's own contract, as the engine writes it, finished at a chosen
 * time: events fanned out to one delivery each, deliveries settled with attempts, executions run to
 * an end. The retention tests on both stores (and on several PostgreSQL processes) seed with it.
 */
import type { EventEnvelope } from '../../engine/events/envelope.js';
import type { AttemptRecord, DeliveryTransition } from '../../engine/store/records.js';
import type { DeliveryPlanner, ExecutionRecord, Store } from '../../engine/store/types.js';
import { makeNewDelivery } from './records.js';

export const DAY_MS = 86_400_000;

/** A stored event of `order.completed` at `atMs`, with some content to erase. */
export function eventAt(id: string, atMs: number): EventEnvelope {
  return {
    id,
    type: 'order.completed',
    timestamp: new Date(atMs).toISOString(),
    data: { id, email: 'ada@example.com' },
    metadata: { source: 'test' },
  };
}

/** One delivery per event for `subscriptionId`, due now. */
export const onePerEvent =
  (subscriptionId = 'wh_a'): DeliveryPlanner =>
  (event) => [
    makeNewDelivery(`del_${event.id}`, {
      subscriptionId,
      eventId: event.id,
      eventType: event.type,
      payload: JSON.stringify({ id: event.id, data: event.data }),
      nextAttemptAtMs: Date.now(),
      expiresAtMs: Date.now() + DAY_MS,
    }),
  ];

/** Fans out every written event with `plan` (the cursor then stands after the last). */
export async function fanOutAll(store: Store, plan: DeliveryPlanner = onePerEvent()): Promise<void> {
  while ((await store.outbox.fanOut(plan, 500)).more);
}

/** Settles deliveries as closed at `atMs`, with `attemptsEach` attempts each (a response excerpt on every one). */
export async function closeDeliveries(
  store: Store,
  ids: readonly string[],
  atMs: number,
  status: DeliveryTransition['status'] = 'succeeded',
  attemptsEach = 1,
): Promise<void> {
  const attempts: AttemptRecord[] = ids.flatMap((id) =>
    Array.from({ length: attemptsEach }, (_, n) => ({
      id: `att_${id}_${n + 1}`,
      deliveryId: id,
      attemptNo: n + 1,
      startedAtMs: atMs,
      statusCode: n + 1 === attemptsEach && status === 'succeeded' ? 200 : 500,
      responseTimeMs: 5,
      responseExcerpt: `echo of ${id}`,
      errorCode: null,
      error: null,
    })),
  );
  const transitions: DeliveryTransition[] = ids.map((id) => ({
    deliveryId: id,
    status,
    attemptCount: attemptsEach,
    nextAttemptAtMs: atMs,
    lastStatusCode: 200,
    lastError: null,
    completedAtMs: status === 'retrying' || status === 'pending' ? null : atMs,
  }));
  await store.outbox.settle(transitions, attempts, []);
}

export function executionAt(id: string, atMs: number, fields: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    id,
    workflowId: 'wf',
    kind: 'workflow',
    triggerNode: 'Trigger',
    status: 'queued',
    input: { secret: id },
    output: null,
    error: null,
    idempotencyKey: null,
    metadata: null,
    createdAt: new Date(atMs).toISOString(),
    startedAt: null,
    finishedAt: null,
    ...fields,
  };
}

/** Executions accepted at `atMs` and finished then with `status`. */
export async function finishedExecutions(
  store: Store,
  ids: readonly string[],
  atMs: number,
  status: ExecutionRecord['status'] = 'succeeded',
): Promise<void> {
  await store.commit({ executions: ids.map((id) => ({ record: executionAt(id, atMs) })) });
  const finishedAt = new Date(atMs).toISOString();
  await store.commit({ executionUpdates: ids.map((id) => ({ id, status, output: { done: id }, finishedAt })) });
}

/**
 * `count` events at `atMs`, each fanned out to one delivery that closed then with `attemptsEach`
 * attempts, and `count` executions finished then. Ids start with `prefix`.
 */
export async function seedClosedHistory(
  store: Store,
  prefix: string,
  count: number,
  atMs: number,
  attemptsEach = 2,
): Promise<void> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
  for (let i = 0; i < ids.length; i += 500) {
    const page = ids.slice(i, i + 500);
    await store.commit({ events: page.map((id) => eventAt(`evt_${id}`, atMs)) });
    await fanOutAll(store);
    await closeDeliveries(
      store,
      page.map((id) => `del_evt_${id}`),
      atMs,
      'succeeded',
      attemptsEach,
    );
    await finishedExecutions(
      store,
      page.map((id) => `exec_${id}`),
      atMs,
    );
  }
}

/** Rows of each history table, counted through raw SQL. */
export async function countRows(
  sql: (text: string) => Promise<Record<string, unknown>[]>,
): Promise<Record<'deliveries' | 'attempts' | 'events' | 'executions', number>> {
  const count = async (table: string) => Number((await sql(`SELECT count(*) AS n FROM ${table}`))[0].n);
  return {
    deliveries: await count('deliveries'),
    attempts: await count('attempts'),
    events: await count('events'),
    executions: await count('executions'),
  };
}
