import { bodies, describe, expect, it } from '../helpers/engine-fixture.js';
import { sequence } from '../fixtures/receiver.js';
import { createGate } from '../helpers/wait.js';

describe('ordering: FIFO per endpoint, parallel when unordered', () => {
  it('keeps per-endpoint FIFO when the head fails', async ({ setup }) => {
    const { receiver, hookline } = await setup(
      {},
      { behaviour: sequence([{ status: 500 }, { status: 500 }, { status: 200 }]) },
    );
    await hookline.delivery.subscriptions.create({ url: receiver.url, events: ['order.completed'] });
    for (let n = 1; n <= 5; n++) await hookline.publishEvent('order.completed', { n });
    await receiver.waitFor(7);
    expect(bodies(receiver).map((b) => b.data.n)).toEqual([1, 1, 1, 2, 3, 4, 5]);
  });

  it('sends unordered subscriptions in parallel', async ({ setup }) => {
    const gate = createGate();
    const { receiver, hookline } = await setup({}, { behaviour: { status: 200, after: gate.opened } });
    await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
      ordering: 'unordered',
    });
    await Promise.all(Array.from({ length: 10 }, (_, n) => hookline.publishEvent('order.completed', { n })));
    // No answer leaves before the gate opens: sent one by one, a second request could never arrive.
    await receiver.waitFor(2);
    gate.open();
    await receiver.waitFor(10);
  });

  it('delivers the backlog in order once an unreachable endpoint answers again', async ({ setup }) => {
    const { receiver, hookline } = await setup({}, { behaviour: { status: 503 } });
    await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
      retry_policy: { max_retries: 50 },
    });
    for (let n = 1; n <= 5; n++) await hookline.publishEvent('order.completed', { n });
    await receiver.waitFor(3);
    receiver.respondWith({ status: 200 });
    await receiver.waitUntil((requests) => requests.some((r) => JSON.parse(r.body).data.n === 5));
    const delivered = bodies(receiver).map((b) => b.data.n);
    expect(delivered.slice(delivered.lastIndexOf(1))).toEqual([1, 2, 3, 4, 5]);
  });
});
