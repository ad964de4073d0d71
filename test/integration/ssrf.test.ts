/**
 * SSRF: an engine with `allowPrivateTargets` off and a receiver on 127.0.0.1. Literal spellings
 * of special-purpose addresses are refused when saved; names that resolve to loopback pass the
 * save and are refused when sent (API webhook, test endpoint, replay, sender node in URL mode).
 * Either way the receiver never sees a connection, and the records say why.
 */
import type { LookupAddress } from 'node:dns';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../engine/pool/dispatcher.js';
import { startReceiver, type Receiver } from '../fixtures/receiver.js';
import { chain, node } from '../fixtures/workflows.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { until } from '../helpers/wait.js';

const KEY = 'hk_test_admin_0123456789';
const SENDER = 'n8n-nodes-hookline.webhookSender';

/** The test's DNS: every name here resolves to loopback, as a rebinding attacker would arrange. */
const LOOPBACK_NAMES: Record<string, LookupAddress[]> = {
  'hooks.example': [{ address: '127.0.0.1', family: 4 }],
  'rebind.example': [
    { address: '93.184.215.14', family: 4 },
    { address: '127.0.0.1', family: 4 },
  ],
};

let receiver: Receiver;
let running: TestEngine;
let resolved: string[];

/** The receiver's URL under another host name. */
const via = (host: string, path = '/hook') => `${receiver.url.replace('127.0.0.1', host)}${path}`;

function senderWorkflow(url: string) {
  return {
    id: 'notify',
    name: 'notify',
    nodes: [
      node('Start', 'hookline.manualTrigger'),
      node('Notify', SENDER, { mode: 'url', url, eventType: 'order.created', signature: 'none' }),
    ],
    connections: chain('Start', 'Notify'),
  };
}

beforeEach(async () => {
  receiver = await startReceiver();
  resolved = [];
  const dispatcher = createDispatcher({
    threads: 1,
    inline: true,
    resolve: async (hostname) => {
      resolved.push(hostname);
      const found = LOOPBACK_NAMES[hostname];
      if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return found;
    },
  });
  running = await startTestEngine({
    workflows: {
      'notify-name': { ...senderWorkflow(via('hooks.example')), id: 'notify-name' },
      'notify-localhost': { ...senderWorkflow(via('localhost')), id: 'notify-localhost' },
    },
    dispatcher,
    config: {
      apiKey: KEY,
      allowPrivateTargets: false,
      retryScheduleSec: [0.05, 0.05],
      retryJitter: 0,
      pollIntervalMs: 20,
    },
  });
});

afterEach(async () => {
  await running.stop();
  await receiver.close();
});

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${running.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

interface DeliveryView {
  id: string;
  status: string;
  attempts: number;
}

/** Waits for the webhook's deliveries to be final, then returns them with their attempt logs. */
async function failedDeliveries(webhookId: string, count: number) {
  await until(
    async () => (await api('GET', `/webhooks/${webhookId}/deliveries?status=failed`)).body.deliveries.length >= count,
    `${count} failed deliveries`,
  );
  const { deliveries } = (await api('GET', `/webhooks/${webhookId}/deliveries`)).body as { deliveries: DeliveryView[] };
  return Promise.all(deliveries.map(async (d) => (await api('GET', `/webhooks/${webhookId}/deliveries/${d.id}`)).body));
}

/** Spellings of loopback and metadata addresses that WHATWG URL parsing turns into dotted IPv4. */
const literalSpelling = fc
  .tuple(fc.constantFrom(0x7f000001, 0x7f0000ff, 0xa9fea9fe, 0x0a000001), fc.nat({ max: 4 }))
  .map(
    ([v, form]) =>
      [
        String(v),
        `0x${v.toString(16)}`,
        `0${v.toString(8)}`,
        `${v >>> 24}.${v & 0xffffff}`,
        `[::ffff:${(v >>> 16).toString(16)}:${(v & 0xffff).toString(16)}]`,
      ][form],
  );

describe('SSRF guard with allowPrivateTargets off', () => {
  it('refuses literal special-purpose spellings at create and update with a 422, sending nothing', async () => {
    const urls = [
      `${receiver.url}/hook`,
      via('[::ffff:127.0.0.1]'),
      via('[::ffff:7f00:1]'),
      via('[::7f00:1]'),
      via('[64:ff9b::7f00:1]'),
      via('[2002:7f00:1::]'),
      via('[fec0::1]'),
      via('localhost.'),
      'http://0177.0.0.1/hook',
      'http://0x7f.1/hook',
      'http://127.1/hook',
      'http://169.254.169.254/latest/meta-data',
    ];
    for (const url of urls) {
      const created = await api('POST', '/webhooks', { url, events: ['*'] });
      expect(created, url).toMatchObject({
        status: 422,
        body: { success: false, error: { code: 'TARGET_NOT_ALLOWED' } },
      });
    }
    await fc.assert(
      fc.asyncProperty(literalSpelling, async (host) => {
        const created = await api('POST', '/webhooks', {
          url: `http://${host}:${new URL(receiver.url).port}/`,
          events: ['*'],
        });
        expect(created.status).toBe(422);
        expect(created.body.error.code).toBe('TARGET_NOT_ALLOWED');
      }),
      { numRuns: 25 },
    );
    const { body: hook } = await api('POST', '/webhooks', { url: 'https://example.com/hook', events: ['*'] });
    const updated = await api('PATCH', `/webhooks/${hook.id}`, { url: via('[::ffff:a00:1]') });
    expect(updated).toMatchObject({ status: 422, body: { error: { code: 'TARGET_NOT_ALLOWED' } } });
    expect(receiver.connectionCount).toBe(0);
  });

  it('refuses a name that resolves to loopback at send time: live delivery, test endpoint and replay', async () => {
    const created = await api('POST', '/webhooks', { url: via('hooks.example'), events: ['order.created'] });
    expect(created.status).toBe(201);
    const hook = created.body;

    const test = await api('POST', `/webhooks/${hook.id}/test`, { event: 'order.created', data: { n: 0 } });
    expect(test).toMatchObject({
      status: 200,
      body: { success: false, status_code: null, error_code: 'DELIVERY_TARGET_REFUSED' },
    });
    expect(test.body.error).toContain('127.0.0.1');

    expect((await api('POST', '/events', { type: 'order.created', data: { n: 1 } })).status).toBe(202);
    const [live] = await failedDeliveries(hook.id, 1);
    // Final at the first refusal: retrying would only be refused again.
    expect(live).toMatchObject({ status: 'failed', attempts: 1 });
    expect(live.attempt_log).toEqual([expect.objectContaining({ error_code: 'DELIVERY_TARGET_REFUSED' })]);

    const replay = await api('POST', `/webhooks/${hook.id}/replay`, {
      since: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(replay).toMatchObject({ status: 202, body: { replayed: 1 } });
    const all = await failedDeliveries(hook.id, 2);
    expect(all.map((d) => d.attempt_log.map((a: { error_code: string }) => a.error_code))).toEqual([
      ['DELIVERY_TARGET_REFUSED'],
      ['DELIVERY_TARGET_REFUSED'],
    ]);
    expect(resolved.every((name) => name === 'hooks.example')).toBe(true);
    expect(receiver.connectionCount).toBe(0);
  });

  it('refuses a name with one public and one loopback address', async () => {
    const { body: hook } = await api('POST', '/webhooks', { url: via('rebind.example'), events: ['*'] });
    const test = await api('POST', `/webhooks/${hook.id}/test`, {});
    expect(test.body).toMatchObject({ success: false, error_code: 'DELIVERY_TARGET_REFUSED' });
    expect(receiver.connectionCount).toBe(0);
  });

  it('refuses the sender node in URL mode: a loopback name at send, `localhost` already at the node', async () => {
    const queued = await running.engine.runManually('notify-name', [{ order: 1 }]);
    expect(queued.result).toMatchObject({ status: 'succeeded' });
    await until(
      async () => (await api('GET', '/deliveries?status=failed')).body.deliveries.length === 1,
      'the node delivery fails',
    );
    const [delivery] = (await api('GET', '/deliveries?status=failed')).body.deliveries;
    expect(delivery).toMatchObject({ attempts: 1, last_status_code: null });
    expect(delivery.last_error).toContain("Target 'hooks.example' was refused before connecting");
    const detail = await api('GET', `/webhooks/${delivery.webhook_id}/deliveries/${delivery.id}`);
    expect(detail.body.attempt_log).toEqual([expect.objectContaining({ error_code: 'DELIVERY_TARGET_REFUSED' })]);

    const local = await running.engine.runManually('notify-localhost', [{ order: 2 }]);
    expect(local.result).toMatchObject({
      status: 'failed',
      error: { node: 'Notify', message: expect.stringContaining("Target 'localhost' is a private") },
    });
    expect(receiver.connectionCount).toBe(0);
  });
});

describe('httpsOnly', () => {
  it('refuses plain http targets at save with INVALID_INPUT naming the url field', async () => {
    const strict = await startTestEngine({ config: { apiKey: KEY, httpsOnly: true } });
    try {
      const post = (url: string) =>
        fetch(`${strict.url}/api/v1/webhooks`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url, events: ['*'] }),
        });
      const plain = await post('http://example.com/hook');
      expect(plain.status).toBe(400);
      expect(await plain.json()).toMatchObject({
        success: false,
        error: { code: 'INVALID_INPUT', details: { field: 'url' } },
      });
      expect((await post('https://example.com/hook')).status).toBe(201);
    } finally {
      await strict.stop();
    }
  });
});
