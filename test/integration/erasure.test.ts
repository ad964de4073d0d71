/**
 * Erasure over HTTP on a real engine and receiver (SQLite or PostgreSQL):
 * `DELETE /api/v1/events/{id}/content` empties the event, its deliveries and their attempts, keeps
 * the records marked erased, and an erased delivery not sent yet is closed and never sent.
 */
import { describe, expect, test } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/engine.js';
import { until, untilValue } from '../helpers/wait.js';

const KEY = 'hk_test_erasure_0123456789';

function apiOf(running: TestEngine) {
  return async function api(method: string, path: string, body?: unknown) {
    const response = await fetch(`${running.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${KEY}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert the shape
    return { status: response.status, body: (text ? JSON.parse(text) : null) as any };
  };
}

const it = test.extend<{ api: ReturnType<typeof apiOf> }>({
  api: async ({ setup }, use) => {
    const { running } = await setup({ apiKey: KEY, retryScheduleSec: [60], retryJitter: 0 });
    await use(apiOf(running));
  },
});

/** A webhook for `order.*` on the receiver, and one event published to it. */
async function publishOne(api: ReturnType<typeof apiOf>, url: string) {
  const hook = await api('POST', '/webhooks', { url, events: ['order.*'] });
  expect(hook.status).toBe(201);
  const published = await api('POST', '/events', {
    type: 'order.completed',
    data: { email: 'ada@example.com' },
    metadata: { customer: 'ada' },
  });
  expect(published.status).toBe(202);
  return { hookId: hook.body.id as string, eventId: published.body.event_id as string };
}

describe('erasing an event’s content', () => {
  it('removes it from the event, its deliveries and their attempts, and keeps the records', async ({
    api,
    receiver,
  }) => {
    receiver.respondWith({ status: 200, body: 'thanks ada@example.com' });
    const { hookId, eventId } = await publishOne(api, receiver.url);
    await receiver.waitFor(1);
    const before = await api('GET', `/events/${eventId}`);
    expect(before.body).toMatchObject({
      id: eventId,
      data: { email: 'ada@example.com' },
      metadata: { customer: 'ada' },
      erased: false,
      erased_at: null,
    });
    const [delivered] = await untilValue(
      async () => (await api('GET', `/webhooks/${hookId}/deliveries?status=succeeded`)).body.deliveries,
      (deliveries: { id: string }[]) => deliveries.length === 1,
      'the delivery settled',
    );

    const erased = await api('DELETE', `/events/${eventId}/content`);
    expect(erased).toEqual({
      status: 200,
      body: {
        success: true,
        event_id: eventId,
        erased_at: expect.any(String),
        deliveries: 1,
        closed_deliveries: 0,
        attempts: 1,
      },
    });
    const after = await api('GET', `/events/${eventId}`);
    expect(after.body).toEqual({
      id: eventId,
      type: 'order.completed',
      timestamp: before.body.timestamp,
      data: null,
      metadata: null,
      erased: true,
      erased_at: erased.body.erased_at,
    });
    const detail = await api('GET', `/webhooks/${hookId}/deliveries/${delivered.id}`);
    expect(detail.body).toMatchObject({ status: 'succeeded', erased: true, payload: null, payload_size: 0 });
    expect(detail.body.attempt_log).toEqual([expect.objectContaining({ response_code: 200, response_body: null })]);
    expect(JSON.stringify(detail.body)).not.toContain('ada');
    const retry = await api('POST', `/webhooks/${hookId}/deliveries/${delivered.id}/retry`);
    expect(retry).toMatchObject({ status: 410, body: { success: false, error: { code: 'CONTENT_ERASED' } } });
    const since = new Date(Date.now() - 3_600_000).toISOString();
    expect((await api('POST', `/webhooks/${hookId}/replay`, { since })).body).toMatchObject({ replayed: 0 });
    expect((await api('DELETE', `/events/${eventId}/content`)).body).toMatchObject({
      deliveries: 1,
      closed_deliveries: 0,
    });
  });

  it('closes a delivery not sent yet, which then no longer holds its webhook’s line', async ({ api, receiver }) => {
    receiver.respondWith({ status: 500 });
    const { hookId, eventId } = await publishOne(api, receiver.url);
    await receiver.waitFor(1);
    await until(
      async () => (await api('GET', `/webhooks/${hookId}/deliveries?status=retrying`)).body.deliveries.length === 1,
      'the first attempt failed (the retry waits a minute)',
    );
    const erased = await api('DELETE', `/events/${eventId}/content`);
    expect(erased.body).toMatchObject({ deliveries: 1, closed_deliveries: 1, attempts: 1 });
    const [closed] = (await api('GET', `/webhooks/${hookId}/deliveries`)).body.deliveries;
    expect(closed).toMatchObject({
      status: 'failed',
      last_error: 'content erased',
      erased: true,
      next_attempt_at: null,
    });
    // The ordered line moves on: the next event is sent at once, not after the erased one's retry.
    receiver.respondWith({ status: 200 });
    await api('POST', '/events', { type: 'order.shipped', data: { n: 2 } });
    const requests = await receiver.waitFor(2);
    expect(JSON.parse(requests[1].body)).toMatchObject({ type: 'order.shipped', data: { n: 2 } });
  });

  it('answers 404 in the error shape for an unknown event', async ({ api }) => {
    for (const [method, path] of [
      ['GET', '/events/evt_missing'],
      ['DELETE', '/events/evt_missing/content'],
    ] as const) {
      const answer = await api(method, path);
      expect(answer).toEqual({
        status: 404,
        body: { success: false, error: { code: 'NOT_FOUND', message: "Event 'evt_missing' not found" } },
      });
    }
  });
});
