/**
 * What a crash run must show (crash-proof.ts), read from the engine's file once it has stopped and
 * from what the receiver got. Each promise is a count that must be zero, with a few examples for
 * the failure message:
 * - every request answered 2xx has its execution, and it succeeded;
 * - every event of a subscribed type has a delivery for each endpoint that takes it (fan-out), each
 *   delivery succeeded, and its message (`webhook-id`, the event id) reached that endpoint;
 * - an ordered endpoint got its messages, first arrivals counted, in the order of the events;
 * - a message arrived twice only if the kill caught its delivery in flight, or one of its attempts
 *   failed (the receiver may have got an attempt the engine then gave up on: at-least-once).
 */
import Database from 'better-sqlite3';

export interface CrashVerdict {
  executions: number;
  deliveries: number;
  /** Acknowledged requests whose execution is missing, or did not succeed. */
  missingExecutions: number;
  /** Events of a subscribed type without a delivery to an endpoint that takes it. */
  missingDeliveries: number;
  /** Deliveries that did not succeed, or whose message never reached the endpoint. */
  undelivered: number;
  /** First arrivals at ordered endpoints that came before an earlier event's. */
  orderViolations: number;
  /** Messages that arrived more than once at an endpoint, and why. */
  repeats: number;
  repeatsInFlightAtKill: number;
  repeatsAfterFailedAttempt: number;
  unexplainedRepeats: number;
  /** A few examples of whatever broke a promise. */
  examples: string[];
}

export interface CrashEvidence {
  dbPath: string;
  /** Request index → execution id, for every request answered 2xx. */
  acked: ReadonlyMap<number, string>;
  /** Delivery ids the store held in flight after the kill. */
  inFlight: ReadonlySet<string>;
  /** Receiver path → `webhook-id`s in arrival order (2xx answers only). */
  arrivals: Readonly<Record<string, string[]>>;
  /** The endpoints: receiver path, the event types they take, ordered or not. */
  endpoints: readonly { path: string; events: readonly string[]; ordering: 'ordered' | 'unordered' }[];
  /** Receiver path → subscription id. */
  subscriptionIds: ReadonlyMap<string, string>;
}

interface DeliveryRow {
  id: string;
  subscription_id: string;
  event_id: string;
  status: string;
}

/** What the stopped engine's file holds, read once. */
interface Stored {
  /** Execution id → status. */
  executions: Map<string, string>;
  deliveries: DeliveryRow[];
  /** Deliveries with at least one failed attempt. */
  failedAttempts: Set<string>;
  /** Event id → its place in the store's order. */
  seqOf: Map<string, number>;
  /** Event type → its event ids. */
  eventsOfType: Map<string, string[]>;
}

/** The counts a verdict adds up, and where its examples go. */
type Tally = Omit<CrashVerdict, 'executions' | 'deliveries' | 'examples'> & { note(example: string): void };

export function checkCrashRun(evidence: CrashEvidence): CrashVerdict {
  const stored = readStore(evidence.dbPath);
  const examples: string[] = [];
  const tally: Tally = {
    missingExecutions: 0,
    missingDeliveries: 0,
    undelivered: 0,
    orderViolations: 0,
    repeats: 0,
    repeatsInFlightAtKill: 0,
    repeatsAfterFailedAttempt: 0,
    unexplainedRepeats: 0,
    note: (example) => void (examples.length < 8 && examples.push(example)),
  };
  for (const [i, id] of evidence.acked)
    if (stored.executions.get(id) !== 'succeeded') {
      tally.missingExecutions++;
      tally.note(`request ${i}: execution ${id} is ${stored.executions.get(id) ?? 'missing'}`);
    }
  for (const endpoint of evidence.endpoints) checkEndpoint(endpoint, evidence, stored, tally);
  const { note: _note, ...counts } = tally;
  return { executions: stored.executions.size, deliveries: stored.deliveries.length, ...counts, examples };
}

function readStore(dbPath: string): Stored {
  const db = new Database(dbPath, { readonly: true });
  try {
    const executions = db.prepare('SELECT id, status FROM executions').all() as { id: string; status: string }[];
    const failed = db.prepare(
      'SELECT DISTINCT delivery_id FROM attempts WHERE error_code IS NOT NULL OR status_code >= 300',
    );
    const stored: Stored = {
      executions: new Map(executions.map((row) => [row.id, row.status])),
      deliveries: db.prepare('SELECT id, subscription_id, event_id, status FROM deliveries').all() as DeliveryRow[],
      failedAttempts: new Set(failed.pluck().all() as string[]),
      seqOf: new Map(),
      eventsOfType: new Map(),
    };
    for (const row of db.prepare('SELECT id, seq, type FROM events ORDER BY seq').all() as StoredEvent[]) {
      stored.seqOf.set(row.id, row.seq);
      const ofType = stored.eventsOfType.get(row.type) ?? [];
      if (ofType.length === 0) stored.eventsOfType.set(row.type, ofType);
      ofType.push(row.id);
    }
    return stored;
  } finally {
    db.close();
  }
}

/** Fan-out, arrival, order and repeats at one endpoint. */
function checkEndpoint(
  endpoint: CrashEvidence['endpoints'][number],
  evidence: CrashEvidence,
  stored: Stored,
  tally: Tally,
): void {
  const subscriptionId = evidence.subscriptionIds.get(endpoint.path)!;
  const own = new Map(
    stored.deliveries.filter((d) => d.subscription_id === subscriptionId).map((d) => [d.event_id, d]),
  );
  // First arrivals in order (a Map keeps insertion order), with how often each came.
  const counts = new Map<string, number>();
  for (const id of evidence.arrivals[endpoint.path] ?? []) counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const type of endpoint.events)
    for (const eventId of stored.eventsOfType.get(type) ?? [])
      if (!own.has(eventId)) {
        tally.missingDeliveries++;
        tally.note(`${endpoint.path}: event ${eventId} has no delivery`);
      }
  for (const [eventId, delivery] of own)
    if (delivery.status !== 'succeeded' || !counts.has(eventId)) {
      tally.undelivered++;
      tally.note(
        `${endpoint.path}: delivery ${delivery.id} is ${delivery.status}, arrived ${counts.get(eventId) ?? 0}×`,
      );
    }
  if (endpoint.ordering === 'ordered') checkOrder(endpoint.path, [...counts.keys()], stored.seqOf, tally);
  for (const [eventId, count] of counts)
    if (count > 1) explainRepeat(endpoint.path, own.get(eventId)?.id ?? eventId, count, evidence, stored, tally);
}

function checkOrder(path: string, firsts: string[], seqOf: Map<string, number>, tally: Tally): void {
  const seqs = firsts.map((id) => seqOf.get(id) ?? Number.NaN);
  for (let k = 1; k < seqs.length; k++)
    if (!(seqs[k] > seqs[k - 1])) {
      tally.orderViolations++;
      tally.note(`${path}: event seq ${seqs[k]} arrived after ${seqs[k - 1]}`);
    }
}

/** A message that came more than once: the kill caught its delivery in flight, or an attempt of it failed. */
function explainRepeat(
  path: string,
  deliveryId: string,
  count: number,
  evidence: CrashEvidence,
  stored: Stored,
  tally: Tally,
): void {
  tally.repeats++;
  if (evidence.inFlight.has(deliveryId)) tally.repeatsInFlightAtKill++;
  else if (stored.failedAttempts.has(deliveryId)) tally.repeatsAfterFailedAttempt++;
  else {
    tally.unexplainedRepeats++;
    tally.note(`${path}: delivery ${deliveryId} arrived ${count}×, not in flight at the kill, no failed attempt`);
  }
}

interface StoredEvent {
  id: string;
  seq: number;
  type: string;
}
