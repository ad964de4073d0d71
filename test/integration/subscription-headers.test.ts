/**
 * Custom subscription headers through the API and SDK of a real engine: values shown once (create),
 * masked after (get, list, PATCH, PUT), kept when the mask is sent back, delivered for real to a
 * real receiver, sealed in the database (either store); and refused with a 400 when they would break or
 * shadow a delivery.
 */
import fc from 'fast-check';
import { vi } from 'vitest';
import { HEADER_VALUE_MASK } from '../../engine/delivery/subscription-headers.js';
import { Hookline } from '../../engine/index.js';
import { describe, expect, it } from '../helpers/engine-fixture.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const API_KEY = 'hk_test_headers_0123456789';
const SECRET_VALUE = 'sk_live_custom_header_value_9876543210';
const TOKEN = 'receiver-bearer-token-123';

/** A raw API call: status and parsed body, for checking the exact error shape. */
async function call(baseUrl: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? JSON.parse(text) : null };
}

describe('custom subscription headers over the API', () => {
  it('shows values once, masks them after, keeps them through updates and delivers the real values', async ({
    setup,
  }) => {
    const { receiver, running } = await setup({ apiKey: API_KEY });
    const client = new Hookline({ baseUrl: running.url, apiKey: API_KEY });
    const created = await client.webhooks.create({
      url: `${receiver.url}/hook`,
      events: ['order.completed'],
      headers: { 'X-Api-Key': SECRET_VALUE, 'X-Team': 'blue' },
      authentication: { type: 'bearer', token: TOKEN },
    });
    expect(created.headers).toEqual({ 'X-Api-Key': SECRET_VALUE, 'X-Team': 'blue' });

    const masked = { 'X-Api-Key': HEADER_VALUE_MASK, 'X-Team': HEADER_VALUE_MASK };
    expect((await client.webhooks.get(created.id)).headers).toEqual(masked);
    expect((await client.webhooks.list()).webhooks.find((w) => w.id === created.id)?.headers).toEqual(masked);
    for (const path of [`/webhooks/${created.id}`, '/webhooks'])
      expect((await call(running.url, 'GET', path)).text).not.toContain(SECRET_VALUE);

    await client.events.publish({ type: 'order.completed', data: { n: 1 } });
    const [first] = await receiver.waitFor(1);
    expect(first!.headers).toMatchObject({
      'x-api-key': SECRET_VALUE,
      'x-team': 'blue',
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
    });

    // PATCH without headers keeps them; PATCH with the mask keeps that value and changes the other.
    expect((await client.webhooks.update(created.id, { name: 'Renamed' })).headers).toEqual(masked);
    const patched = await call(running.url, 'PATCH', `/webhooks/${created.id}`, {
      headers: { 'X-Api-Key': HEADER_VALUE_MASK, 'X-Team': 'green' },
    });
    expect(patched.status).toBe(200);
    expect(patched.text).not.toContain(SECRET_VALUE);
    expect(patched.text).not.toContain('green');
    await client.events.publish({ type: 'order.completed', data: { n: 2 } });
    const second = (await receiver.waitFor(2))[1]!;
    expect(second.headers).toMatchObject({ 'x-api-key': SECRET_VALUE, 'x-team': 'green' });

    // A headers object replaces the set: the mask keeps a value (under the spelling sent), a header left out is gone.
    const replaced = await call(running.url, 'PUT', `/webhooks/${created.id}`, {
      url: `${receiver.url}/hook`,
      events: ['order.completed'],
      headers: { 'x-api-key': HEADER_VALUE_MASK },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.headers).toEqual({ 'x-api-key': HEADER_VALUE_MASK });
    await client.events.publish({ type: 'order.completed', data: { n: 3 } });
    const third = (await receiver.waitFor(3))[2]!;
    expect(third.headers['x-api-key']).toBe(SECRET_VALUE);
    expect(third.headers['x-team']).toBeUndefined();

    const rows = await running.sql('SELECT * FROM subscriptions WHERE id = ?', [created.id]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(SECRET_VALUE);
  });

  it('refuses headers that would break or shadow a delivery with 400 naming the header, leaving the webhook as it was', async ({
    setup,
  }) => {
    const { receiver, running } = await setup({ apiKey: API_KEY });
    const refused = async (method: string, path: string, body: unknown, field: string) => {
      const answer = await call(running.url, method, path, body);
      expect(answer.status, answer.text).toBe(400);
      expect(answer.body).toMatchObject({
        success: false,
        error: { code: 'INVALID_INPUT', message: expect.any(String), details: { field } },
      });
    };
    const base = { url: `${receiver.url}/hook`, events: ['order.completed'] };
    await refused('POST', '/webhooks', { ...base, headers: { 'content-type': 'text/plain' } }, 'headers.content-type');
    await refused('POST', '/webhooks', { ...base, headers: { Host: 'evil.example' } }, 'headers.Host');
    await refused('POST', '/webhooks', { ...base, headers: { 'X-A': 'a\r\nHost: evil' } }, 'headers.X-A');
    await refused('POST', '/webhooks', { ...base, headers: { 'X-A': '1', 'x-a': '2' } }, 'headers.x-a');
    await refused('POST', '/webhooks', { ...base, headers: { 'X-A': HEADER_VALUE_MASK } }, 'headers.X-A');
    expect((await call(running.url, 'GET', '/webhooks')).body.webhooks).toEqual([]);

    const created = await call(running.url, 'POST', '/webhooks', {
      ...base,
      headers: { 'X-Api-Key': SECRET_VALUE },
      signature_scheme: 'sha256',
    });
    expect(created.status).toBe(201);
    const path = `/webhooks/${created.body.id}`;
    await refused(
      'PATCH',
      path,
      { authentication: { type: 'bearer', token: TOKEN }, headers: { Authorization: 'x' } },
      'headers.Authorization',
    );
    await refused('PATCH', path, { headers: { 'X-Hub-Signature-256': 'forged' } }, 'headers.X-Hub-Signature-256');
    await refused('PATCH', path, { headers: { 'X-Other': HEADER_VALUE_MASK } }, 'headers.X-Other');
    const after = await call(running.url, 'GET', path);
    expect(after.body).toMatchObject({ headers: { 'X-Api-Key': HEADER_VALUE_MASK }, authentication: { type: 'none' } });

    // Whatever a caller sends as headers, the answer is a 2xx or a 400 in the error shape, never a 5xx.
    const anyText = fc.string({ unit: 'binary', maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(fc.dictionary(anyText, anyText, { maxKeys: 3 }), async (headers) => {
        const answer = await call(running.url, 'PATCH', path, { headers });
        if (answer.status !== 200) {
          expect(answer.status, answer.text).toBe(400);
          expect(answer.body).toMatchObject({ success: false, error: { code: 'INVALID_INPUT' } });
        }
      }),
      { numRuns: 40 },
    );
  });
});
