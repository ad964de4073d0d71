/**
 * The engine keeps answering while deliveries fan out: a trigger load with three healthy and
 * three hanging subscribers on `workflow.*`, `/healthz` polled all along, then every delivery to
 * the healthy ones arrives (lagging is allowed, losing is not). And with HOOKLINE_MAX_BACKLOG set,
 * triggers are shed with 503 and Retry-After while too much is waiting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../engine/store/sqlite-store.js';
import { credentials, incomingWorkflows, TOKENS } from '../fixtures/incoming.js';
import { startReceiver, type Receiver } from '../fixtures/receiver.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { TEST_STORE } from '../helpers/store.js';
import { until } from '../helpers/wait.js';

const REQUESTS = 150;
/** Delivered rows already there per healthy endpoint. */
const HISTORY = 50_000;
const CONCURRENCY = 15;
/** Generous on 2 loaded cores; before the pacing, a loaded engine took 11 s to answer. */
const WORST_HEALTHZ_MS = 1_000;

let engine: TestEngine | undefined;
const receivers: Receiver[] = [];

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  await engine?.stop();
  engine = undefined;
});

function trigger(url: string, i: number): Promise<Response> {
  return fetch(`${url}/webhooks/workflows/orders`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${TOKENS.bearer}`,
      'idempotency-key': `load-${i}`,
    },
    body: JSON.stringify({ input_data: { name: `caller ${i}` } }),
  });
}

/** Sends `total` trigger requests, `concurrency` at a time; returns their statuses. */
async function triggerLoad(url: string, total: number, concurrency: number): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < total) {
      const response = await trigger(url, next++);
      await response.arrayBuffer();
      statuses.push(response.status);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return statuses;
}

/** Polls `/healthz` one request at a time until `done` settles; returns the slowest answer in ms. */
async function pollHealth(url: string, done: Promise<unknown>): Promise<{ worstMs: number; polls: number }> {
  let finished = false;
  void done.finally(() => (finished = true));
  let worstMs = 0;
  let polls = 0;
  while (!finished) {
    const started = performance.now();
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    worstMs = Math.max(worstMs, performance.now() - started);
    polls++;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { worstMs, polls };
}

/** Months of delivered history: no hot-path statement may slow down with it. */
function seedHistory(db: SqliteStore['db'], subscriptionIds: string[], perSubscription: number): void {
  const insert = db.prepare(`INSERT INTO deliveries (id, subscription_id, event_id, event_type, payload, status,
    attempt_count, next_attempt_at, created_at, updated_at, completed_at, expires_at)
    VALUES (?, ?, ?, 'workflow.completed', '{}', 'succeeded', 1, 0, 0, 0, 0, 0)`);
  db.transaction(() => {
    for (const id of subscriptionIds)
      for (let i = 0; i < perSubscription; i++) insert.run(`del_seed_${id}_${i}`, id, `evt_seed_${i}`);
  })();
}

/** Waits until `receiver` has seen `count` distinct messages (at-least-once: a retry may repeat one). */
async function waitForDistinct(receiver: Receiver, count: number): Promise<Set<unknown>> {
  let seen = await receiver.waitFor(count, 150_000);
  for (;;) {
    const ids = new Set(seen.map((r) => r.headers['webhook-id']));
    if (ids.size >= count) return ids;
    seen = await receiver.waitFor(seen.length + (count - ids.size), 150_000);
  }
}

describe('overload', () => {
  it('answers /healthz during a fan-out load with healthy and hanging subscribers, then delivers everything', async ({
    skip,
  }) => {
    skip(TEST_STORE !== 'sqlite', "seeds history into, and counts deliveries from, the engine's SQLite file directly");
    engine = await startTestEngine({
      workflows: { orders: incomingWorkflows.orders },
      credentials,
      config: { rateLimitPerMinute: 0, poolThreads: 2 },
    });
    const healthy: Receiver[] = [];
    const healthyIds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const receiver = await startReceiver(i < 3 ? {} : { behaviour: { hang: true } });
      receivers.push(receiver);
      const { subscription } = await engine.engine.delivery.subscriptions.create({
        url: `${receiver.url}/r${i}`,
        events: ['workflow.*'],
        ordering: 'unordered',
        timeout: 1,
      });
      if (i < 3) {
        healthy.push(receiver);
        healthyIds.push(subscription.id);
      }
    }

    seedHistory((engine.engine.store as SqliteStore).db, healthyIds, HISTORY);
    const load = triggerLoad(engine.url, REQUESTS, CONCURRENCY);
    const health = await pollHealth(engine.url, load);
    const statuses = await load;
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    expect(health.polls).toBeGreaterThan(0);
    expect(health.worstMs).toBeLessThan(WORST_HEALTHZ_MS);

    // Every event written for a healthy endpoint arrives, once the runs have finished.
    await engine.engine.executor.idle();
    await engine.engine.committer.flush();
    // Deliveries are planned right after their events are written: wait for the fan-out to catch up.
    await until(async () => (await engine!.engine.store.outbox.pendingFanOut()) === 0, 'the fan-out', 150_000);
    const db = (engine.engine.store as SqliteStore).db;
    for (const [i, receiver] of healthy.entries()) {
      const expected = db
        .prepare("SELECT count(*) FROM deliveries WHERE subscription_id = ? AND id NOT LIKE 'del_seed_%'")
        .pluck()
        .get(healthyIds[i]) as number;
      expect(expected).toBeGreaterThanOrEqual(REQUESTS);
      expect((await waitForDistinct(receiver, expected)).size).toBe(expected);
    }
  }, 300_000);

  it('sheds triggers with 503 and Retry-After while more deliveries than HOOKLINE_MAX_BACKLOG are open', async () => {
    engine = await startTestEngine({
      workflows: { orders: incomingWorkflows.orders },
      credentials,
      config: { rateLimitPerMinute: 0, maxBacklog: 5 },
    });
    const receiver = await startReceiver({ behaviour: { hang: true } });
    receivers.push(receiver);
    await engine.engine.delivery.subscriptions.create({ url: receiver.url, events: ['workflow.*'], timeout: 5 });

    // Each accepted request opens several deliveries to the hanging receiver; soon the mark is passed.
    let shed: Response | undefined;
    for (let i = 0; i < 50 && !shed; i++) {
      const response = await trigger(engine.url, i);
      if (response.status === 503) shed = response;
      else {
        expect(response.status).toBe(202);
        await response.arrayBuffer();
        await engine.engine.executor.idle();
      }
    }
    expect(shed, 'no request was shed').toBeDefined();
    expect(shed!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await shed!.json()).toMatchObject({ success: false, error: { code: 'BACKLOG_FULL' } });
    expect(engine.engine.delivery.shedCount).toBeGreaterThan(0);
    expect(engine.engine.delivery.backlog).toBeGreaterThan(5);
  }, 60_000);
});
