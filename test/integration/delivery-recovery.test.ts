/**
 * Fast recovery for ordered endpoints (HOOKLINE_RECOVERY_PROBE_SEC): while an endpoint fails, its
 * head is probed every probe interval whatever its backoff (an hour here) and its open circuit say;
 * the first 2xx releases the whole queue, in order, without waiting out the hour. Runs on both stores.
 */
import { bodies, describe, expect, it } from '../helpers/engine-fixture.js';

const EVENTS = 40;
/** One retry, an hour away: the head's schedule alone would hold the queue for that long. */
const HOUR_LATER = { retryScheduleSec: [3600], retryJitter: 0, recoveryProbeSec: 1, failureThreshold: 2 };

describe('recovery of an ordered endpoint', () => {
  it('probes a failing head every interval and delivers the queue in order once it answers', async ({ setup }) => {
    const { receiver, hookline, running } = await setup(HOUR_LATER, { behaviour: { status: 503 } });
    const { subscription } = await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
    });
    for (let n = 1; n <= EVENTS; n++) await hookline.publishEvent('order.completed', { n });
    // The first attempt, then probes an hour before the retry is due; the circuit opened at the
    // second failure and does not hold them back.
    await receiver.waitFor(3, 30_000);
    expect(bodies(receiver).map((b) => b.data.n)).toEqual([1, 1, 1]);
    receiver.respondWith({ status: 200 });
    await receiver.waitUntil((requests) => requests.some((r) => JSON.parse(r.body).data.n === EVENTS), 30_000);

    const delivered = bodies(receiver).map((b) => b.data.n as number);
    const firsts = delivered.filter((n, i) => delivered.indexOf(n) === i);
    expect(firsts).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
    // Probes used up none of the head's one retry: it was delivered, on its second counted attempt.
    const [head] = await running.sql(
      'SELECT id, status, attempt_count FROM deliveries WHERE subscription_id = ? ORDER BY seq LIMIT 1',
      [subscription.id],
    );
    expect(head).toMatchObject({ status: 'succeeded', attempt_count: 2 });
    // Every probe is an attempt all the same: each request the receiver got is logged.
    const attempts = await running.sql('SELECT count(*) AS n FROM attempts WHERE delivery_id = ?', [head.id]);
    expect(Number(attempts[0].n)).toBe(delivered.filter((n) => n === 1).length);
  });

  it('lets one new message of a failing unordered endpoint pass its open circuit per interval', async ({ setup }) => {
    const { receiver, hookline } = await setup({ ...HOUR_LATER, failureThreshold: 1 }, { behaviour: { status: 503 } });
    await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
      ordering: 'unordered',
    });
    await hookline.publishEvent('order.completed', { n: 1 });
    await receiver.waitFor(1, 30_000);
    // The circuit is open for the hour; new messages still probe the endpoint, one per interval.
    for (let n = 2; n <= 10; n++) await hookline.publishEvent('order.completed', { n });
    await receiver.waitFor(3, 30_000);
    receiver.respondWith({ status: 200 });
    // The first 2xx wakes every waiting retry (message 1's included) and closes the circuit.
    await receiver.waitUntil((requests) => new Set(requests.map((r) => JSON.parse(r.body).data.n)).size === 10, 30_000);
  });
});
