/**
 * Crash proof: `hookline serve` on a SQLite file takes trigger requests for the bundled
 * contact-form example (each run announces a `lead.received` event and ends with
 * `workflow.execution.completed`) and delivers those events to three endpoints of a receiver
 * process: two ordered, one unordered. At a seeded random moment, while requests and deliveries are
 * in flight, the engine gets SIGKILL. The deliveries the store then holds in flight are read from
 * the file (read-only), the engine is started again on the same file, and every request that got
 * no 2xx is sent again with its idempotency key, as a client would. Once nothing is left to do,
 * crash-checks.ts holds the run to the promises: every acknowledged request has its execution,
 * every event's deliveries arrive, ordered endpoints get them in order, and a message arrives twice
 * only if the kill caught it in flight (or an attempt of it failed).
 *
 * The short run is test/integration/crash-proof.test.ts; the long one the bench figure `crash`.
 */
import Database from 'better-sqlite3';
import { startChild } from './child.js';
import { checkCrashRun, type CrashVerdict } from './crash-checks.js';
import { settingsEnv, startServeProcess, type ServeProcess } from './serve-process.js';
import { CONTACT_FORM, INGRESS_BODY, makeBenchDir, type BenchDir } from './workspace.js';

export interface CrashProofOptions {
  requests: number;
  seed: number;
  /** Trigger requests in flight at once. @defaultValue 32 */
  concurrency?: number;
  log?(message: string): void;
}

export interface CrashRun extends CrashVerdict {
  seed: number;
  requests: number;
  /** Acknowledged requests when the kill came. */
  killedAfter: number;
  /** Deliveries the store held in flight after the kill. */
  inFlightAtKill: number;
  /** Requests without a 2xx before the kill, sent again after the restart. */
  resent: number;
  durationMs: number;
}

/** The endpoints (paths of one receiver), with the events they take. */
export const CRASH_ENDPOINTS = [
  { path: '/ordered-leads', events: ['lead.received'], ordering: 'ordered' },
  { path: '/unordered-leads', events: ['lead.received'], ordering: 'unordered' },
  { path: '/ordered-runs', events: ['workflow.execution.completed'], ordering: 'ordered' },
] as const;

const API_KEY = 'crash-proof-admin-key';
/**
 * A short lease, so that the rows the kill leaves in flight come back soon after the restart; a
 * live engine renews its leases every third of it, so only a stall that long would let another
 * claim send them again while the first sends still go (repeats that are not the kill's).
 */
const LEASE_MS = 5_000;
/** Long enough that a loaded machine's slow answer is no failed attempt (one would be sent again). */
const DELIVERY_TIMEOUT_MS = 10_000;

export async function runCrashProof(options: CrashProofOptions): Promise<CrashRun> {
  const started = performance.now();
  const say = (what: string) =>
    options.log?.(`crash seed ${options.seed}: ${what} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  const dir = makeBenchDir();
  const receiver = await startChild('receiver-process');
  const engines: ServeProcess[] = [];
  try {
    await receiver.call('recordIds');
    const serve = { env: serveEnv(dir), apiKey: API_KEY };
    engines.push(await startServeProcess(serve));
    const subscriptionIds = await subscribe(engines[0], String(receiver.info.url));
    const killAt = Math.max(1, Math.floor(options.requests * (0.2 + 0.6 * mulberry32(options.seed)())));
    const acked = new Map<number, string>();
    await sendUntilKilled(engines[0], options, acked, killAt);
    await engines[0].exited;
    const inFlight = inFlightDeliveries(dir.dbPath);
    say(`killed after ${acked.size} acknowledged, ${inFlight.size} deliveries in flight`);
    engines.push(await startServeProcess(serve));
    const unacked = Array.from({ length: options.requests }, (_, i) => i).filter((i) => !acked.has(i));
    say('restarted');
    await sendAll(engines[1].url, unacked, options, acked);
    say(`all ${options.requests} acknowledged`);
    await waitUntilDone(dir.dbPath, engines[1].output);
    say('all delivered');
    await engines[1].stop();
    const arrivals = await receiver.call<Record<string, string[]>>('arrivals');
    const evidence = { dbPath: dir.dbPath, acked, inFlight, arrivals, subscriptionIds, endpoints: CRASH_ENDPOINTS };
    const verdict = checkCrashRun(evidence);
    say(
      `${verdict.repeats} repeats: ${verdict.repeatsInFlightAtKill} in flight at the kill, ${verdict.repeatsAfterFailedAttempt} after a failed attempt, ${verdict.unexplainedRepeats} unexplained`,
    );
    return {
      ...verdict,
      seed: options.seed,
      requests: options.requests,
      killedAfter: killAt,
      inFlightAtKill: inFlight.size,
      resent: unacked.length,
      durationMs: performance.now() - started,
    };
  } finally {
    for (const engine of engines) await engine.stop();
    await receiver.close();
    dir.remove();
  }
}

function serveEnv(dir: BenchDir): Record<string, string> {
  return settingsEnv({
    host: '127.0.0.1',
    workflowsDir: dir.path,
    dbPath: dir.dbPath,
    encryptionKey: 'crash-proof-encryption-key',
    apiKey: API_KEY,
    allowPrivateTargets: true,
    rateLimitPerMinute: 0,
    logLevel: 'warn',
    leaseMs: LEASE_MS,
    retryScheduleSec: [1, 1, 1, 1, 1, 1],
  });
}

/** Creates the endpoints through the management API; returns their ids by path. */
async function subscribe(serve: ServeProcess, receiverUrl: string): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const endpoint of CRASH_ENDPOINTS) {
    const { id } = await serve.api.webhooks.create({
      url: `${receiverUrl}${endpoint.path}`,
      events: [...endpoint.events],
      ordering: endpoint.ordering,
      timeout_ms: DELIVERY_TIMEOUT_MS,
      retry_policy: { max_retries: 50 },
    });
    ids.set(endpoint.path, id);
  }
  return ids;
}

/** One trigger request; its execution id on a 2xx, else null (an error, or no answer at all). */
async function trigger(url: string, seed: number, i: number): Promise<string | null> {
  try {
    const response = await fetch(`${url}${CONTACT_FORM.path}`, {
      method: 'POST',
      headers: { ...CONTACT_FORM.headers, 'idempotency-key': `crash-${seed}-${i}` },
      body: INGRESS_BODY,
      signal: AbortSignal.timeout(60_000),
    });
    const body = (await response.json()) as { execution_id?: string };
    return response.ok && body.execution_id ? body.execution_id : null;
  } catch {
    return null;
  }
}

/** Sends requests in order, `concurrency` at once, and SIGKILLs the engine at the `killAt`-th 2xx. */
async function sendUntilKilled(
  serve: ServeProcess,
  options: CrashProofOptions,
  acked: Map<number, string>,
  killAt: number,
): Promise<void> {
  let next = 0;
  let killed = false;
  const lane = async (): Promise<void> => {
    while (!killed && next < options.requests) {
      const i = next++;
      const executionId = await trigger(serve.url, options.seed, i);
      if (executionId === null || killed) continue;
      acked.set(i, executionId);
      if (acked.size >= killAt) {
        killed = true;
        serve.kill();
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 32 }, lane));
  serve.kill();
}

/** Sends each of `indices` until it gets a 2xx (a few tries each), `concurrency` at once. */
async function sendAll(url: string, indices: number[], options: CrashProofOptions, acked: Map<number, string>) {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < indices.length) {
      const i = indices[next++];
      for (let attempt = 0; attempt < 5 && !acked.has(i); attempt++) {
        const executionId = await trigger(url, options.seed, i);
        if (executionId !== null) acked.set(i, executionId);
      }
      if (!acked.has(i)) throw new Error(`request ${i} got no 2xx after the restart`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 32 }, lane));
}

/** The deliveries a killed engine left in flight, read from its file without writing to it. */
function inFlightDeliveries(dbPath: string): Set<string> {
  const db = new Database(dbPath, { readonly: true });
  try {
    return new Set(db.prepare("SELECT id FROM deliveries WHERE status = 'in_flight'").pluck().all() as string[]);
  } finally {
    db.close();
  }
}

const REMAINING = `SELECT
  (SELECT count(*) FROM executions WHERE status IN ('queued', 'running')) +
  (SELECT count(*) FROM deliveries WHERE status IN ('pending', 'in_flight', 'retrying')) +
  (SELECT COALESCE(MAX(seq), 0) FROM events) - (SELECT event_seq FROM fanout_cursor WHERE id = 1)`;

/** Polls the file until no execution runs, every event is fanned out and no delivery is open (twice in a row). */
async function waitUntilDone(dbPath: string, lastOutput: () => string, timeoutMs = 600_000): Promise<void> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const remaining = db.prepare(REMAINING).pluck();
    const giveUpAt = performance.now() + timeoutMs;
    for (let quiet = 0; quiet < 2;) {
      quiet = (remaining.get() as number) === 0 ? quiet + 1 : 0;
      if (performance.now() > giveUpAt) throw new Error(`work left after ${timeoutMs} ms:\n${lastOutput()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    db.close();
  }
}

/** A small seeded generator (mulberry32): the same seed kills at the same point of the run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
