import { describe, expect, it } from '../helpers/engine-fixture.js';
import { untilValue } from '../helpers/wait.js';

describe('batching: one POST with an array', () => {
  it('batches events into one POST with an array, by count and by wait', async ({ setup }) => {
    const { receiver, hookline } = await setup();
    await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
      batch_settings: { max_events: 3, max_wait_seconds: 0.3 },
    });
    await Promise.all([1, 2, 3].map((n) => hookline.publishEvent('order.completed', { n })));
    const [full] = await receiver.waitFor(1);
    expect(
      JSON.parse(full.body)
        .map((p: { data: { n: number } }) => p.data.n)
        .sort(),
    ).toEqual([1, 2, 3]);
    await hookline.publishEvent('order.completed', { n: 4 });
    const [, late] = await receiver.waitFor(2);
    expect(JSON.parse(late.body)).toHaveLength(1);
    const [lonely] = await hookline.store.deliveryLog.listDeliveries({ order: 'desc', limit: 1 });
    const [attempt] = await untilValue(
      () => hookline.store.deliveryLog.listAttempts(lonely.id),
      (attempts) => attempts.length === 1,
      'the attempt row',
    );
    // Sent alone only after it had waited max_wait_seconds for company.
    expect(attempt.startedAtMs).toBeGreaterThanOrEqual(lonely.createdAtMs + 300);
  });
});
