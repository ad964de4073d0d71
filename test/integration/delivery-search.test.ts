/**
 * Delivery search over the API and the SDK, against real receivers: every undelivered delivery
 * across webhooks, by event type, event id, webhook and time, page after page by `next_cursor`;
 * the per-webhook list with the same filters; and each attempt's request headers (secrets masked)
 * and response headers on the delivery detail and the log.
 */
import { vi } from 'vitest';
import { Hookline, type Engine, type HooklineApiError } from '../../engine/index.js';
import { startReceiver } from '../fixtures/receiver.js';
import { describe, expect, it } from '../helpers/engine-fixture.js';
import { until } from '../helpers/wait.js';

const API_KEY = 'hk_search_admin_0123456789';
vi.setConfig({ testTimeout: 90_000 });
const WAIT_MS = 30_000;

/** Resolves once `count` deliveries exist and none is open any more. */
async function settled(hookline: Engine, count: number): Promise<void> {
  await until(
    async () => {
      const rows = await hookline.store.deliveryLog.listDeliveries({ limit: 1000 });
      return rows.length === count && rows.every((d) => ['succeeded', 'failed', 'expired'].includes(d.status));
    },
    `${count} settled deliveries`,
    WAIT_MS,
  );
}

describe('delivery search', () => {
  it('finds undelivered ones across webhooks, by event type, event id and webhook, page by page', async ({ setup }) => {
    const { receiver, hookline, running } = await setup({ apiKey: API_KEY });
    const failing = await startReceiver({ behaviour: { status: 500 } });
    try {
      const client = new Hookline({ baseUrl: running.url, apiKey: API_KEY });
      const ok = await client.webhooks.create({ url: receiver.url, events: ['order.*'] });
      const bad = await client.webhooks.create({
        url: failing.url,
        events: ['order.completed'],
        retry_policy: { max_retries: 0 },
      });
      const completed: string[] = [];
      for (let n = 0; n < 3; n++) completed.push((await hookline.publishEvent('order.completed', { n })).event.id);
      for (let n = 0; n < 2; n++) await hookline.publishEvent('order.created', { n });
      await settled(hookline, 8);

      const undelivered = await client.deliveries.list({ status: 'undelivered' });
      expect(undelivered.deliveries.map((d) => [d.webhook_id, d.status])).toEqual(Array(3).fill([bad.id, 'failed']));
      expect(undelivered.next_cursor).toBeNull();
      const created = await client.deliveries.list({ eventType: 'order.created' });
      expect(created.deliveries.map((d) => d.webhook_id)).toEqual([ok.id, ok.id]);
      const oneEvent = await client.deliveries.list({ eventId: completed[1] });
      expect(oneEvent.deliveries.map((d) => d.webhook_id).sort()).toEqual([ok.id, bad.id].sort());
      const mixed = await client.deliveries.list({ webhookId: bad.id, status: ['succeeded', 'failed'] });
      expect(mixed.deliveries).toHaveLength(3);
      const perWebhook = await client.webhooks.getDeliveries(bad.id, {
        status: 'undelivered',
        eventType: 'order.completed',
      });
      expect(perWebhook.deliveries.map((d) => d.event_id)).toEqual([...completed].reverse());
      const later = await client.deliveries.list({ timeRange: { start: new Date(Date.now() + 60_000) } });
      expect(later.deliveries).toEqual([]);

      // Pages of 3 by cursor: every delivery once, newest first, and null after the last.
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.deliveries.list({ limit: 3, cursor });
        seen.push(...page.deliveries.map((d) => d.id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      const all = await client.deliveries.list({ limit: 100 });
      expect(seen).toEqual(all.deliveries.map((d) => d.id));
      expect(new Set(seen).size).toBe(8);
    } finally {
      await failing.close();
    }
  });

  it('refuses a cursor it did not give and a status word it does not know', async ({ setup }) => {
    const { running } = await setup({ apiKey: API_KEY });
    for (const query of ['cursor=bm9wZQ', 'status=delivered', 'status=failed,,expired', 'webhook_id=']) {
      const response = await fetch(`${running.url}/api/v1/deliveries?${query}`, {
        headers: { authorization: `Bearer ${API_KEY}` },
      });
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as { success: boolean; error: { code: string } };
      expect([body.success, body.error.code], query).toEqual([false, 'INVALID_INPUT']);
    }
    const client = new Hookline({ baseUrl: running.url, apiKey: API_KEY });
    const error = (await client.deliveries.list({ cursor: 'ZDA' }).catch((e: unknown) => e)) as HooklineApiError;
    expect(error.code).toBe('INVALID_INPUT');
  });

  it('keeps each attempt’s request headers with secrets masked, and the response headers', async ({ setup }) => {
    const { receiver, hookline, running } = await setup({ apiKey: API_KEY });
    receiver.respondWith({ status: 200, headers: { 'x-receiver-trace': 'trace-1', 'set-cookie': 'session=abc' } });
    const client = new Hookline({ baseUrl: running.url, apiKey: API_KEY });
    const hook = await client.webhooks.create({
      url: receiver.url,
      events: ['order.completed'],
      headers: { 'X-Api-Key': 'custom-secret-value' },
      authentication: { type: 'bearer', token: 'receiver-token-value' },
    });
    const { event } = await hookline.publishEvent('order.completed', { n: 1 });
    await receiver.waitFor(1, WAIT_MS);
    await settled(hookline, 1);

    const [delivery] = (await client.webhooks.getDeliveries(hook.id)).deliveries;
    const detail = await client.webhooks.getDelivery(hook.id, delivery.id);
    const [attempt] = detail.attempt_log;
    const sent = receiver.requests[0].headers;
    expect(attempt.request_headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': event.id,
      'webhook-timestamp': sent['webhook-timestamp'],
      'webhook-signature': '••••',
      authorization: '••••',
      'x-api-key': '••••',
      'x-hookline-attempt': '1',
    });
    expect(attempt.response_headers).toMatchObject({ 'x-receiver-trace': 'trace-1', 'set-cookie': '••••' });
    const text = JSON.stringify(detail);
    for (const secret of ['custom-secret-value', 'receiver-token-value', String(sent['webhook-signature'])])
      expect(text).not.toContain(secret);
    const [log] = await client.webhooks.logs(hook.id);
    expect(log.request_headers).toEqual(attempt.request_headers);
    expect(log.response_headers).toEqual(attempt.response_headers);
  });
});
