import { describe, expect, it } from '../helpers/engine-fixture.js';

describe('endpoint health: 410, circuit breaker, auto-disable', () => {
  it('disables the endpoint on 410 Gone and emits webhook.disabled to other subscribers', async ({ setup }) => {
    const { receiver, hookline } = await setup(
      {},
      { behaviour: (req) => (req.url === '/gone' ? { status: 410 } : { status: 200 }) },
    );
    const { subscription } = await hookline.delivery.subscriptions.create({
      url: `${receiver.url}/gone`,
      events: ['order.completed'],
    });
    await hookline.delivery.subscriptions.create({ url: `${receiver.url}/ops`, events: ['webhook.disabled'] });
    await hookline.publishEvent('order.completed', { id: 1 });
    const requests = await receiver.waitFor(2);
    const ops = requests.find((r) => r.url === '/ops')!;
    expect(JSON.parse(ops.body)).toMatchObject({ type: 'webhook.disabled', data: { webhook_id: subscription.id } });
    expect(await hookline.delivery.subscriptions.get(subscription.id)).toMatchObject({
      enabled: false,
      disabledReason: 'The endpoint answered 410 Gone',
    });
    expect(receiver.requests.filter((r) => r.url === '/gone')).toHaveLength(1);
  });

  it('opens the circuit after repeated failures and disables an endpoint failing past the window', async ({
    setup,
  }) => {
    const { receiver, hookline } = await setup(
      { failureThreshold: 2, disableAfterSec: 1 },
      { behaviour: (req) => (req.url === '/ops' ? { status: 200 } : { status: 500 }) },
    );
    const { subscription } = await hookline.delivery.subscriptions.create({
      url: `${receiver.url}/down`,
      events: ['order.completed'],
      retry_policy: { max_retries: 50 },
      ordering: 'unordered',
    });
    await hookline.delivery.subscriptions.create({ url: `${receiver.url}/ops`, events: ['webhook.disabled'] });
    await Promise.all(Array.from({ length: 20 }, (_, n) => hookline.publishEvent('order.completed', { n })));
    const requests = await receiver.waitUntil((all) => all.some((r) => r.url === '/ops'), 15_000);
    const disabled = JSON.parse(requests.find((r) => r.url === '/ops')!.body);
    expect(disabled).toMatchObject({ type: 'webhook.disabled', data: { webhook_id: subscription.id } });
    // The breaker had opened: failures past the threshold, the circuit held open by the last one.
    const stored = await hookline.delivery.subscriptions.get(subscription.id);
    expect(stored).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/failed every attempt/) });
    expect(stored.consecutiveFailures).toBeGreaterThanOrEqual(2);
    expect(stored.circuitOpenUntilMs).not.toBeNull();
    expect(disabled.data.consecutive_failures).toBeGreaterThanOrEqual(2);
  });
});
