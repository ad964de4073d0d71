/**
 * Replay through the API and the SDK, on the run's store, to a real receiver: by default only the
 * events that happened once the webhook existed, `only_failed` only those whose delivery did not
 * succeed, and either way in event order on an ordered endpoint.
 */
import { vi } from 'vitest';
import { Hookline, type Engine, type HooklineApiError } from '../../engine/index.js';
import type { Receiver } from '../fixtures/receiver.js';
import { bodies, describe, expect, it } from '../helpers/engine-fixture.js';
import { until } from '../helpers/wait.js';

const API_KEY = 'hk_replay_admin_0123456789';
// Real engines, real sockets, two shared cores: allow for slow starts and slow answers.
vi.setConfig({ testTimeout: 90_000 });
/** How long to wait for deliveries: two shared cores are often loaded by other runs. */
const WAIT_MS = 30_000;

/** The `n` of each request the receiver got, in arrival order. */
const numbers = (receiver: Receiver): number[] => bodies(receiver).map((b) => b.data.n as number);

/** Resolves once every delivery of the webhook reached a final state and the fan-out has caught up. */
async function settled(hookline: Engine, webhookId: string, count: number): Promise<void> {
  await until(
    async () => {
      const rows = await hookline.store.deliveryLog.listDeliveries({ subscriptionId: webhookId, limit: 1000 });
      const open = rows.filter((d) => ['pending', 'in_flight', 'retrying'].includes(d.status));
      return rows.length === count && open.length === 0;
    },
    `${count} settled deliveries`,
    WAIT_MS,
  );
}

describe('replay', () => {
  it('sends by default only the events that happened once the webhook existed, in order', async ({ setup }) => {
    const { receiver, hookline, running } = await setup({ apiKey: API_KEY });
    const client = new Hookline({ baseUrl: running.url, apiKey: API_KEY });
    const { event: before } = await hookline.publishEvent('order.completed', { n: 0 });
    // The webhook must be younger than the first event by at least a millisecond.
    await until(() => Date.now() > Date.parse(before.timestamp), 'the clock to pass the first event');
    const hook = await client.webhooks.create({ url: receiver.url, events: ['order.completed'] });
    for (let n = 1; n <= 5; n++) await hookline.publishEvent('order.completed', { n });
    await receiver.waitFor(5, WAIT_MS);

    const replay = await client.webhooks.replay(hook.id);
    expect(replay).toEqual({
      success: true,
      webhook_id: hook.id,
      replayed: 5,
      since: new Date(Date.parse(hook.created_at)).toISOString(),
      until: expect.any(String),
      only_failed: false,
    });
    // A range reaching back before the webhook is cut at its creation.
    const wide = await client.webhooks.replay(hook.id, { since: new Date(Date.parse(before.timestamp) - 60_000) });
    expect([wide.replayed, wide.since]).toEqual([5, replay.since]);
    await receiver.waitFor(15, WAIT_MS);
    expect(numbers(receiver)).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
  });

  it('with only_failed sends only the events whose delivery did not succeed', async ({ setup }) => {
    const { receiver, hookline, running } = await setup({ apiKey: API_KEY });
    const client = new Hookline({ baseUrl: running.url, apiKey: API_KEY });
    receiver.respondWith((request) => ({ status: JSON.parse(request.body).data.fail ? 500 : 200 }));
    const hook = await client.webhooks.create({
      url: receiver.url,
      events: ['order.completed'],
      retry_policy: { max_retries: 0 },
    });
    for (let n = 1; n <= 6; n++) await hookline.publishEvent('order.completed', { n, fail: n === 2 || n === 5 });
    await settled(hookline, hook.id, 6);
    // An event that happens while the webhook is disabled gets no delivery: it did not succeed either.
    await client.webhooks.disable(hook.id);
    await hookline.publishEvent('order.completed', { n: 7 });
    await until(async () => (await hookline.store.outbox.pendingFanOut()) === 0, 'the fan-out of event 7', WAIT_MS);
    await client.webhooks.enable(hook.id);

    receiver.respondWith({ status: 200 });
    const recovered = await client.webhooks.replay(hook.id, { only_failed: true });
    expect([recovered.replayed, recovered.only_failed]).toEqual([3, true]);
    await receiver.waitFor(9, WAIT_MS);
    expect(numbers(receiver).slice(6)).toEqual([2, 5, 7]);
    await settled(hookline, hook.id, 9);
    // Everything has succeeded now: a second recovery has nothing to send.
    expect((await client.webhooks.replay(hook.id, { only_failed: true })).replayed).toBe(0);
  });

  it('leaves out events still on their way to the endpoint', async ({ setup }) => {
    // The next retry is an hour away: the delivery stays retrying for the whole test.
    const { receiver, hookline } = await setup({ retryScheduleSec: [3600] }, { behaviour: { status: 503 } });
    const { subscription } = await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
    });
    await hookline.publishEvent('order.completed', { n: 1 });
    await receiver.waitFor(1, WAIT_MS);
    await until(
      async () => (await hookline.store.deliveryLog.listDeliveries({ statuses: ['retrying'] })).length === 1,
      'a retrying delivery',
      WAIT_MS,
    );
    // Retrying, not failed: a recovery would only send it twice.
    expect((await hookline.delivery.replay(subscription.id, { onlyFailed: true })).replayed).toBe(0);
    expect((await hookline.delivery.replay(subscription.id)).replayed).toBe(1);
  });

  it('reaches an ordered endpoint in event order, after a head that failed and recovered', async ({ setup }) => {
    const { receiver, hookline } = await setup();
    const { subscription } = await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
      retry_policy: { max_retries: 50 },
    });
    for (let n = 1; n <= 30; n++) await hookline.publishEvent('order.completed', { n });
    await settled(hookline, subscription.id, 30);
    // The replay's head fails twice: everything behind it waits, then follows in order.
    let failures = 2;
    receiver.respondWith(() => (failures-- > 0 ? { status: 500 } : { status: 200 }));
    expect((await hookline.delivery.replay(subscription.id)).replayed).toBe(30);
    await receiver.waitFor(62, WAIT_MS);
    const replayed = numbers(receiver).slice(30);
    expect(replayed).toEqual([1, 1, ...Array.from({ length: 30 }, (_, i) => i + 1)]);
  });

  it('answers 400 for a bad range or flag, 404 for an unknown webhook', async ({ setup }) => {
    const { receiver, running } = await setup({ apiKey: API_KEY });
    const client = new Hookline({ baseUrl: running.url, apiKey: API_KEY });
    const hook = await client.webhooks.create({ url: receiver.url, events: ['order.completed'] });
    const errorOf = (call: Promise<unknown>) =>
      call.then(
        () => null,
        (error: unknown) => error as HooklineApiError,
      );
    const backwards = await errorOf(
      client.webhooks.replay(hook.id, { since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' }),
    );
    expect([backwards?.code, backwards?.details?.field]).toEqual(['INVALID_INPUT', 'since']);
    const flag = await fetch(`${running.url}/api/v1/webhooks/${hook.id}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ only_failed: 'yes' }),
    });
    expect(flag.status).toBe(400);
    const noBody = await fetch(`${running.url}/api/v1/webhooks/${hook.id}/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect([noBody.status, (await noBody.json()).replayed]).toEqual([202, 0]);
    expect((await errorOf(client.webhooks.replay('wh_missing')))?.code).toBe('NOT_FOUND');
  });
});
