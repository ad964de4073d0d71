/**
 * How the pool is shared between endpoints, against real receivers: a `rate_limit` paces an
 * endpoint's deliveries (measured at the receiver, as a lower bound on the time its arrivals
 * span, which a loaded machine can only lengthen), keeps an ordered endpoint's order, and a
 * receiver that never answers holds at most its share of the pool while a healthy one is served.
 */
import { vi } from 'vitest';
import { Hookline } from '../../engine/index.js';
import { startReceiver, type ReceivedRequest } from '../fixtures/receiver.js';
import { bodies, describe, expect, it } from '../helpers/engine-fixture.js';
import { until } from '../helpers/wait.js';

const API_KEY = 'hk_pacing_admin_0123456789';
vi.setConfig({ testTimeout: 120_000 });
const WAIT_MS = 60_000;

/** The time the arrivals span at the receiver: the sum of the gaps between them. */
const spanMs = (requests: readonly ReceivedRequest[]): number =>
  requests[requests.length - 1].receivedAtMs - requests[0].receivedAtMs;

describe('rate_limit', () => {
  it.for([
    ['unordered', 3],
    ['ordered', 2],
  ] as const)(
    'paces an %s endpoint to its deliveries per second, dropping none',
    async ([ordering, rate], { setup }) => {
      const { receiver, hookline, running } = await setup({ apiKey: API_KEY });
      const client = new Hookline({ baseUrl: running.url, apiKey: API_KEY });
      const hook = await client.webhooks.create({ url: receiver.url, events: ['order.*'], ordering, rate_limit: rate });
      expect(hook.rate_limit).toBe(rate);
      // One delivery first, so the pool's threads are up before the measured ones.
      await hookline.publishEvent('order.warmup', { n: 0 });
      await receiver.waitFor(1, WAIT_MS);
      const n = 8;
      for (let i = 1; i <= n; i++) await hookline.publishEvent('order.completed', { n: i });
      const measured = (await receiver.waitFor(n + 1, WAIT_MS)).slice(1);
      // n arrivals at most `rate` a second span at least (n - 1) / rate seconds. The receiver shares
      // this process's event loop with the engine: a stall there stamps the first arrivals late
      // (never the last early), so one send interval of slack allows for it.
      const intervalMs = 1000 / rate;
      expect(spanMs(measured)).toBeGreaterThanOrEqual((n - 2) * intervalMs);
      const numbers = bodies(receiver)
        .slice(1)
        .map((b) => b.data.n as number);
      if (ordering === 'ordered') expect(numbers).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      else expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    },
  );

  it('is set, changed and removed through the API, in Svix’s spelling too', async ({ setup }) => {
    const { receiver, running } = await setup({ apiKey: API_KEY });
    const client = new Hookline({ baseUrl: running.url, apiKey: API_KEY });
    const hook = await client.webhooks.create({ url: receiver.url, events: ['order.*'], rateLimit: 20 });
    expect(hook.rate_limit).toBe(20);
    expect((await client.webhooks.update(hook.id, { rate_limit: 3 })).rate_limit).toBe(3);
    expect((await client.webhooks.update(hook.id, { rate_limit: null })).rate_limit).toBeNull();
    for (const rate_limit of [0, -1, 1.5, 'fast']) {
      const error = await client.webhooks
        .update(hook.id, { rate_limit } as unknown as { rate_limit: number })
        .catch((e: unknown) => e as { code: string });
      expect((error as { code: string }).code, String(rate_limit)).toBe('INVALID_INPUT');
    }
  });
});

describe('pool slots', () => {
  it('serves a healthy endpoint while one that never answers holds its share of the pool', async ({ setup }) => {
    // One thread: four tasks in flight at most, two per endpoint.
    const { receiver, hookline, running } = await setup({ apiKey: API_KEY, poolThreads: 1, maxTasksPerEndpoint: 2 });
    const hanging = await startReceiver({ behaviour: { hang: true } });
    try {
      const client = new Hookline({ baseUrl: running.url, apiKey: API_KEY });
      const stuck = await client.webhooks.create({
        url: hanging.url,
        events: ['load.*'],
        ordering: 'unordered',
        timeout: 120,
      });
      const healthy = await client.webhooks.create({ url: receiver.url, events: ['load.*'], ordering: 'unordered' });
      const n = 400;
      for (let i = 0; i < n; i++) await hookline.publishEvent('load.tick', { i });
      await receiver.waitFor(n, WAIT_MS);
      // Every healthy delivery arrived while the hanging receiver still holds its requests: none of
      // its attempts has ended, and some are in flight.
      const stuckRows = await hookline.store.deliveryLog.listDeliveries({ subscriptionId: stuck.id, limit: 1000 });
      expect(stuckRows.filter((d) => d.attemptCount > 0)).toEqual([]);
      expect(stuckRows.some((d) => d.status === 'in_flight')).toBe(true);
      expect(hanging.requests.length).toBeGreaterThan(0);
      await until(
        async () =>
          (
            await hookline.store.deliveryLog.listDeliveries({
              subscriptionId: healthy.id,
              statuses: ['succeeded'],
              limit: 1000,
            })
          ).length === n,
        'the healthy deliveries settled',
        WAIT_MS,
      );
    } finally {
      // Drops the hung sockets: the tasks end and the engine can stop.
      await hanging.close();
    }
  });
});
