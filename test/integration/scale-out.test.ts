/**
 * Scale-out: three `hookline serve` processes share one PostgreSQL database. Events are published
 * through all three to ordered and unordered webhooks, and one process is SIGKILLed once a third
 * of them were acknowledged. Every stored event must still reach every matching webhook, ordered
 * endpoints must see first arrivals in the store's order, and a delivery may arrive twice only if
 * the killed process had it in flight (at-least-once: its lease expires and another sends it).
 *
 * HOOKLINE_SCALE_EVENTS sets the number of events (the full run is 10000).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeBundles } from '../../bench/child.js';
import { startReceiver, type ReceivedRequest, type Receiver } from '../fixtures/receiver.js';
import { createTestSchema, postgresAvailable, type TestSchema } from '../helpers/postgres.js';
import { settingsEnv, startServeProcess, type ServeProcess } from '../helpers/serve-process.js';
import { makeTempDir, type TempDir } from '../helpers/temp.js';
import { until } from '../helpers/wait.js';

const EVENT_COUNT = Number(process.env.HOOKLINE_SCALE_EVENTS ?? 3000);
const PROCESSES = 3;
/** The process that is SIGKILLed; the others survive. */
const VICTIM = 2;
/** Concurrent publish calls per process: they share group commits, as concurrent producers do. */
const PUBLISHERS_PER_PROCESS = 4;
const API_KEY = 'scale-out-admin-key';
const TYPES = ['order.created', 'invoice.paid'] as const;
/** Two ordered and two unordered endpoints, one of each for every event and one filtered by type. */
const ENDPOINTS = [
  { name: 'ordered-all', ordering: 'ordered', events: ['*'], via: 0 },
  { name: 'ordered-orders', ordering: 'ordered', events: ['order.*'], via: 1 },
  { name: 'unordered-all', ordering: 'unordered', events: ['*'], via: 2 },
  { name: 'unordered-invoices', ordering: 'unordered', events: ['invoice.paid'], via: 1 },
] as const;
/** Generous bounds for a loaded 2-core machine: they only decide when a hung run gives up. */
const START_TIMEOUT_MS = 180_000;
const RUN_TIMEOUT_MS = 600_000;

interface StoredEvent {
  id: string;
  seq: number;
  type: string;
}

interface PublishState {
  next: number;
  /** Numbers whose publish call the kill cut off: they go out again through a survivor. */
  retry: number[];
  /** Event id → the process that acknowledged it. */
  acked: Map<string, number>;
  /** Started once a third of the events were acknowledged; resolves with the deliveries then in flight. */
  kill?: Promise<Set<string>>;
  ackedAtKill: number;
  /** Settles once the victim's publishers have stopped (none can push to `retry` after it). */
  victimDone?: Promise<unknown>;
}

const available = await postgresAvailable();
let schema: TestSchema | undefined;
let db: pg.Client | undefined;
let dir: TempDir | undefined;
const receivers: Receiver[] = [];
const processes: ServeProcess[] = [];

function matches(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

const webhookId = (request: ReceivedRequest) => String(request.headers['webhook-id']);

/** A receiver predicate that holds once every id of `expected` arrived; it scans each request once. */
function hasAll(expected: ReadonlySet<string>): (requests: readonly ReceivedRequest[]) => boolean {
  const got = new Set<string>();
  let scanned = 0;
  return (requests) => {
    for (; scanned < requests.length; scanned++)
      if (expected.has(webhookId(requests[scanned]))) got.add(webhookId(requests[scanned]));
    return got.size === expected.size;
  };
}

async function startCluster(): Promise<void> {
  schema = await createTestSchema('scale');
  dir = makeTempDir('hookline-scale-');
  receivers.push(...(await Promise.all(ENDPOINTS.map(() => startReceiver()))));
  const env = settingsEnv({
    databaseUrl: schema.urlWithSchema,
    encryptionKey: 'scale-out-shared-key',
    apiKey: API_KEY,
    workflowsDir: dir.path,
    dbPath: `${dir.path}/unused.db`,
    allowPrivateTargets: true,
    // A dead process's deliveries come back after this lease; the survivors sweep every second.
    leaseMs: 3000,
    executionLeaseSec: 3,
    pollIntervalMs: 50,
    retryScheduleSec: [0.1, 0.2, 0.5, 1, 1, 1],
    retryJitter: 0,
    failureThreshold: 1000,
    // Three engines on two cores: one pool thread and a few connections each.
    poolThreads: 1,
    pgPoolSize: 4,
    logLevel: 'warn',
  });
  const started = await Promise.allSettled(
    Array.from({ length: PROCESSES }, () =>
      startServeProcess({ env, apiKey: API_KEY, readyTimeoutMs: START_TIMEOUT_MS }),
    ),
  );
  for (const result of started) if (result.status === 'fulfilled') processes.push(result.value);
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  db = new pg.Client({ connectionString: schema.urlWithSchema });
  await db.connect();
}

/** SIGKILLs the victim and reads, once it is gone, the deliveries it held under lease. */
async function killVictim(): Promise<Set<string>> {
  const victim = processes[VICTIM];
  victim.kill();
  await victim.exited;
  // The owner is `${hostname}:${pid}:${random}` (engine/index.ts).
  const { rows } = await db!.query(`SELECT id FROM deliveries WHERE status = 'in_flight' AND lease_owner LIKE $1`, [
    `%:${victim.pid}:%`,
  ]);
  return new Set(rows.map((row: { id: string }) => row.id));
}

function take(state: PublishState): number | undefined {
  return state.retry.pop() ?? (state.next < EVENT_COUNT ? state.next++ : undefined);
}

/** One publisher: publishes numbers from the shared queue through process `index` until none are left. */
async function publisher(index: number, state: PublishState): Promise<void> {
  const { api } = processes[index];
  for (;;) {
    if (index === VICTIM && state.kill) return;
    let n = take(state);
    if (n === undefined && index !== VICTIM) {
      // A survivor waits for the victim's cut-off calls: they come back to the queue.
      await state.victimDone;
      n = take(state);
    }
    if (n === undefined) return;
    try {
      const { event_id } = await api.events.publish({ type: TYPES[n % TYPES.length], data: { n, via: index } });
      state.acked.set(event_id, index);
      if (!state.kill && state.acked.size >= EVENT_COUNT / 3) {
        state.ackedAtKill = state.acked.size;
        state.kill = killVictim();
      }
    } catch (error) {
      if (index !== VICTIM || !state.kill) throw error;
      // Unanswered: it may or may not be stored (the store decides what was published).
      state.retry.push(n);
      return;
    }
  }
}

async function publishAll(): Promise<PublishState> {
  const state: PublishState = { next: 0, retry: [], acked: new Map(), ackedAtKill: 0 };
  const loops = (index: number) => Array.from({ length: PUBLISHERS_PER_PROCESS }, () => publisher(index, state));
  const victimLoops = loops(VICTIM);
  state.victimDone = Promise.allSettled(victimLoops);
  const survivorLoops = processes.flatMap((_, index) => (index === VICTIM ? [] : loops(index)));
  await Promise.all([...victimLoops, ...survivorLoops]);
  return state;
}

async function storedEvents(): Promise<StoredEvent[]> {
  const { rows } = await db!.query('SELECT id, seq, type FROM events ORDER BY seq');
  return rows.map((row: { id: string; seq: string; type: string }) => ({ ...row, seq: Number(row.seq) }));
}

/** Arrival order of each id's first copy, and how many copies of each id came more than once. */
function arrivals(requests: readonly ReceivedRequest[]): { first: string[]; repeated: Map<string, number> } {
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
function orderViolations(first: readonly string[], seqOf: ReadonlyMap<string, number>): number {
  let violations = 0;
  for (let i = 1; i < first.length; i++) if (seqOf.get(first[i])! < seqOf.get(first[i - 1])!) violations++;
  return violations;
}

describe.skipIf(!available)('scale-out: three hookline serve processes on one PostgreSQL database', () => {
  beforeAll(startCluster, START_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all(processes.map((child) => child.stop()));
    await db?.end();
    await schema?.drop();
    await Promise.all(receivers.map((receiver) => receiver.close()));
    dir?.remove();
    removeBundles();
  }, 60_000);

  it(
    'delivers every event to every matching webhook, in order where ordered, despite a SIGKILLed process',
    { timeout: RUN_TIMEOUT_MS },
    async () => {
      const startedMs = Date.now();
      const webhooks = await Promise.all(
        ENDPOINTS.map((endpoint, i) =>
          processes[endpoint.via].api.webhooks.create({
            name: endpoint.name,
            url: receivers[i].url,
            events: [...endpoint.events],
            ordering: endpoint.ordering,
          }),
        ),
      );
      const published = await publishAll();
      const inFlightAtKill = await published.kill!;
      const publishedMs = Date.now();
      const events = await storedEvents();
      const seqOf = new Map(events.map((event) => [event.id, event.seq]));
      // Everything acknowledged was stored (by the victim too, before it died).
      expect([...published.acked.keys()].filter((id) => !seqOf.has(id))).toEqual([]);

      const expected = ENDPOINTS.map(
        (endpoint) => new Set(events.filter((event) => matches(endpoint.events, event.type)).map((event) => event.id)),
      );
      await Promise.all(
        receivers.slice(0, ENDPOINTS.length).map((r, i) => r.waitUntil(hasAll(expected[i]), RUN_TIMEOUT_MS)),
      );
      const openCount = async () =>
        Number((await db!.query(`SELECT count(*) AS n FROM deliveries WHERE status <> 'succeeded'`)).rows[0].n);
      await until(async () => (await openCount()) === 0, 'every delivery to succeed', 60_000);
      const deliveredMs = Date.now();

      const { rows } = await db!.query('SELECT id, subscription_id, event_id FROM deliveries');
      const deliveryId = new Map(
        rows.map((row: Record<string, string>) => [`${row.subscription_id} ${row.event_id}`, row.id]),
      );
      const totalExpected = expected.reduce((sum, ids) => sum + ids.size, 0);
      expect(rows.length).toBe(totalExpected);
      let repeats = 0;
      const unexplained: string[] = [];
      ENDPOINTS.forEach((endpoint, i) => {
        const { first, repeated } = arrivals(receivers[i].requests);
        expect(new Set(first), `${endpoint.name} received exactly its events`).toEqual(expected[i]);
        if (endpoint.ordering === 'ordered') expect(orderViolations(first, seqOf), `${endpoint.name} order`).toBe(0);
        for (const [eventId, count] of repeated) {
          repeats += count - 1;
          const id = deliveryId.get(`${webhooks[i].id} ${eventId}`)!;
          if (!inFlightAtKill.has(id)) unexplained.push(`${endpoint.name}: ${id} (${eventId}) ×${count}`);
        }
      });
      const viaVictim = [...published.acked.values()].filter((index) => index === VICTIM).length;
      console.log(
        `[scale-out] ${EVENT_COUNT} events asked, ${published.acked.size} acknowledged (${viaVictim} by the killed process, ` +
          `killed after ${published.ackedAtKill}), ${events.length} stored; ${rows.length} deliveries, ` +
          `${inFlightAtKill.size} in flight at the kill, ${repeats} repeats; published in ${publishedMs - startedMs} ms, ` +
          `all delivered after ${deliveredMs - startedMs} ms`,
      );
      expect(unexplained).toEqual([]);
    },
  );

  it('matches an event published on one process with a subscription created on another', async () => {
    const [creator, sender] = processes.filter((_, index) => index !== VICTIM);
    const receiver = await startReceiver();
    receivers.push(receiver);
    await creator.api.webhooks.create({ name: 'cross-process', url: receiver.url, events: ['audit.logged'] });
    // Only the publishing process is left to fan the event out: it must have picked up the new subscription.
    await creator.stop();
    const { event_id } = await sender.api.events.publish({ type: 'audit.logged', data: { n: 0 } });
    const [request] = await receiver.waitFor(1, 30_000);
    expect(webhookId(request)).toBe(event_id);
  }, 60_000);
});
