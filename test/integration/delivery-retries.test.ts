import { describe, expect, it } from '../helpers/engine-fixture.js';
import { sequence } from '../fixtures/receiver.js';
import { until, untilValue } from '../helpers/wait.js';

describe('retries: schedule, Retry-After, abort, operational events, leases and retention', () => {
  it('retries a failing receiver until it recovers, recording every attempt', async ({ setup }) => {
    const { receiver, hookline } = await setup(
      {},
      { behaviour: sequence([{ status: 500, body: 'down' }, { status: 502 }, { status: 200, body: 'ok' }]) },
    );
    const { subscription } = await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
    });
    await hookline.publishEvent('order.completed', { id: 1 });
    await receiver.waitFor(3);
    let delivery = (await hookline.store.deliveryLog.listDeliveries({ subscriptionId: subscription.id }))[0];
    await until(
      async () => (delivery = (await hookline.store.deliveryLog.getDelivery(delivery.id))!).status === 'succeeded',
      'delivery succeeded',
    );
    expect(delivery.attemptCount).toBe(3);
    const attempts = await hookline.store.deliveryLog.listAttempts(delivery.id);
    expect(attempts.map((a) => [a.attemptNo, a.statusCode, a.errorCode])).toEqual([
      [1, 500, 'DELIVERY_REJECTED'],
      [2, 502, 'DELIVERY_REJECTED'],
      [3, 200, null],
    ]);
    expect(attempts[0].responseExcerpt).toBe('down');
    expect(new Set(receiver.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    await until(
      async () => (await hookline.store.listEvents({ type: 'delivery.recovered' })).length === 1,
      'delivery.recovered',
    );
  });

  it('honours Retry-After on 429', async ({ setup }) => {
    const { receiver, hookline } = await setup(
      {},
      { behaviour: sequence([{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]) },
    );
    await hookline.delivery.subscriptions.create({ url: receiver.url, events: ['order.completed'] });
    await hookline.publishEvent('order.completed', { id: 1 });
    await receiver.waitFor(2);
    const delivery = await untilValue(
      async () => (await hookline.store.deliveryLog.listDeliveries({}))[0],
      (d) => d?.status === 'succeeded',
      'delivery succeeded',
    );
    const attempts = await hookline.store.deliveryLog.listAttempts(delivery.id);
    // The engine's own record: the retry was set 1 s after the 429 (not the 50 ms schedule) and not sent before.
    expect(delivery.nextAttemptAtMs - attempts[0].startedAtMs).toBeGreaterThanOrEqual(1000);
    expect(attempts[1].startedAtMs).toBeGreaterThanOrEqual(delivery.nextAttemptAtMs);
  });

  it('stops retrying one message when the receiver answers webhook-delivery: abort-message', async ({ setup }) => {
    const { receiver, hookline } = await setup(
      {},
      { behaviour: { status: 500, headers: { 'webhook-delivery': 'abort-message' } } },
    );
    await hookline.delivery.subscriptions.create({ url: receiver.url, events: ['order.completed'] });
    await hookline.publishEvent('order.completed', { id: 1 });
    await receiver.waitFor(1);
    await until(
      async () => (await hookline.store.deliveryLog.listDeliveries({ statuses: ['failed'] })).length === 1,
      'delivery failed',
    );
    expect(receiver.requests).toHaveLength(1);
  });

  it('emits delivery.failing after the 4th failed attempt and delivery.exhausted when retries run out', async ({
    setup,
  }) => {
    const { receiver, hookline } = await setup(
      {},
      { behaviour: (req) => (req.url === '/ops' ? { status: 200 } : { status: 503 }) },
    );
    await hookline.delivery.subscriptions.create({
      url: `${receiver.url}/down`,
      events: ['order.completed'],
      retry_policy: { max_retries: 4 },
    });
    await hookline.delivery.subscriptions.create({ url: `${receiver.url}/ops`, events: ['delivery.*'] });
    await hookline.publishEvent('order.completed', { id: 1 });
    await receiver.waitUntil((requests) => requests.filter((r) => r.url === '/ops').length >= 2);
    const ops = receiver.requests.filter((r) => r.url === '/ops').map((r) => JSON.parse(r.body));
    expect(ops.map((o) => o.type)).toEqual(['delivery.failing', 'delivery.exhausted']);
    expect(ops[1].data).toMatchObject({ attempts: 5, last_status_code: 503, event_type: 'order.completed' });
    expect(receiver.requests.filter((r) => r.url === '/down')).toHaveLength(5);
  });

  it('reclaims deliveries whose worker died once the lease expires', async ({ setup }) => {
    const { receiver, hookline } = await setup({ leaseMs: 300 });
    const { subscription } = await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
    });
    await hookline.delivery.worker.stop();
    await hookline.publishEvent('order.completed', { n: 1 });
    // Another worker fans the event out, claims its delivery and dies without settling.
    await hookline.store.outbox.fanOut((event) => hookline.delivery.matcher.plan(event), 100);
    const claimed = await hookline.store.outbox.claim(
      { subscriptionId: subscription.id, ordered: true, limit: 10 },
      Date.now(),
      'dead-worker',
      300,
    );
    expect(claimed).toHaveLength(1);
    await hookline.delivery.worker.start();
    await receiver.waitFor(1);
    const [attempt] = await untilValue(
      () => hookline.store.deliveryLog.listAttempts(claimed[0].id),
      (attempts) => attempts.length === 1,
      'the attempt row',
    );
    // Sent by the live worker only once the dead worker's lease had run out.
    expect(attempt.startedAtMs).toBeGreaterThanOrEqual(claimed[0].leaseExpiresAtMs!);
  });

  it('keeps undelivered events for the retention window, then expires them', async ({ setup }) => {
    const { receiver, hookline } = await setup(
      { retentionSec: 1, retryScheduleSec: [0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2] },
      { behaviour: { status: 503 } },
    );
    await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
      retry_policy: { max_retries: 20 },
    });
    await hookline.publishEvent('order.completed', { n: 1 });
    await until(
      async () => (await hookline.store.deliveryLog.listDeliveries({ statuses: ['expired'] })).length === 1,
      'expiry',
      10_000,
    );
  });
});
