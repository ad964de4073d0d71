import { createHmac, createPublicKey, verify as verifyEd25519 } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { verify as githubVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import type { HooklineConfig } from '../../engine/config.js';
import { startReceiver, sequence, type Receiver } from '../fixtures/receiver.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

const FAST: Partial<Record<keyof HooklineConfig, unknown>> = {
  retryScheduleSec: [0.05, 0.05, 0.05, 0.05, 0.05, 0.05],
  retryJitter: 0,
  pollIntervalMs: 20,
  failureThreshold: 1000,
};

let engine: TestEngine | undefined;
const receivers: Receiver[] = [];
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function setup(
  config: Partial<Record<keyof HooklineConfig, unknown>> = {},
  behaviour?: Parameters<typeof startReceiver>[0],
) {
  const receiver = await startReceiver(behaviour);
  receivers.push(receiver);
  engine = await startTestEngine({ config: { ...FAST, ...config } });
  return { receiver, hookline: engine.engine };
}

const bodies = (receiver: Receiver) => receiver.requests.map((r) => JSON.parse(r.body));

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('matching', () => {
  it('delivers exact names, groups and * and skips the rest', async () => {
    const { receiver, hookline } = await setup();
    await hookline.delivery.subscriptions.create({ url: `${receiver.url}/exact`, events: ['workflow.completed'] });
    await hookline.delivery.subscriptions.create({ url: `${receiver.url}/group`, events: ['agent.*'] });
    await hookline.delivery.subscriptions.create({ url: `${receiver.url}/all`, events: ['*'] });
    await hookline.publishEvent('workflow.completed', { n: 1 });
    await hookline.publishEvent('agent.conversation.completed', { n: 2 });
    await hookline.publishEvent('billing.invoice.paid', { n: 3 });
    const got = await receiver.waitFor(5);
    await until(
      async () =>
        (await hookline.store.deliveryLog.listDeliveries({ statuses: ['pending', 'retrying', 'in_flight'] })).length ===
        0,
      'all deliveries settled',
    );
    expect(await hookline.store.deliveryLog.listDeliveries({ statuses: ['succeeded'] })).toHaveLength(5);
    expect(got.map((r) => `${r.url} ${JSON.parse(r.body).data.n}`).sort()).toEqual([
      '/all 1',
      '/all 2',
      '/all 3',
      '/exact 1',
      '/group 2',
    ]);
  });

  it('applies seed shorthand conditions, seed filters and include_fields', async () => {
    const { receiver, hookline } = await setup();
    await hookline.delivery.subscriptions.create({
      url: `${receiver.url}/unhappy`,
      events: ['agent.conversation.completed'],
      conditions: { satisfaction_score: { lt: 3 }, message_count: { gt: 10 } },
    });
    await hookline.delivery.subscriptions.create({
      url: `${receiver.url}/filtered`,
      events: ['function.executed'],
      filters: {
        'function.executed': {
          function: { id: ['func-123', 'func-456'], name: { startsWith: 'My' } },
          execution: { status: ['success'] },
        },
      },
    });
    await hookline.delivery.subscriptions.create({
      url: `${receiver.url}/trimmed`,
      events: ['workflow.execution.completed'],
      filters: { include_fields: ['workflow_id', 'status', 'output_data.order_id'] },
    });
    await hookline.publishEvent('agent.conversation.completed', { satisfaction_score: 4.5, message_count: 8 });
    await hookline.publishEvent('agent.conversation.completed', {
      satisfaction_score: 2,
      message_count: 12,
      id: 'sad',
    });
    await hookline.publishEvent('function.executed', {
      function: { id: 'func-123', name: 'My Function' },
      execution: { status: 'success' },
      id: 'yes',
    });
    await hookline.publishEvent('function.executed', {
      function: { id: 'func-999', name: 'My Function' },
      execution: { status: 'success' },
      id: 'no',
    });
    await hookline.publishEvent('workflow.execution.completed', {
      workflow_id: 'wf_abc123',
      status: 'success',
      credits_used: 4.5,
      output_data: { order_id: 'o1', secret: 'x' },
    });
    await receiver.waitFor(3);
    await hookline.delivery.worker.stop();
    const byPath = Object.fromEntries(receiver.requests.map((r) => [r.url, JSON.parse(r.body).data]));
    expect(receiver.requests).toHaveLength(3);
    expect(byPath['/unhappy']).toMatchObject({ id: 'sad' });
    expect(byPath['/filtered']).toMatchObject({ id: 'yes' });
    expect(byPath['/trimmed']).toEqual({
      workflow_id: 'wf_abc123',
      status: 'success',
      output_data: { order_id: 'o1' },
    });
  });
});

describe('signing', () => {
  const event = { order_id: 'o-1', total: 42 };

  it('signs with Standard Webhooks by default, verified by standardwebhooks and svix', async () => {
    const { receiver, hookline } = await setup();
    const { secret } = await hookline.delivery.subscriptions.create({ url: receiver.url, events: ['order.completed'] });
    expect(secret).toMatch(/^whsec_/);
    const { event: sent } = await hookline.publishEvent('order.completed', event);
    const [request] = await receiver.waitFor(1);
    const headers = request.headers as Record<string, string>;
    expect(new Webhook(secret).verify(request.body, headers)).toMatchObject({
      id: sent.id,
      type: 'order.completed',
      data: event,
    });
    const svixHeaders = {
      'svix-id': headers['webhook-id'],
      'svix-timestamp': headers['webhook-timestamp'],
      'svix-signature': headers['webhook-signature'],
    };
    expect(new SvixWebhook(secret).verify(request.body, svixHeaders)).toMatchObject({ id: sent.id });
    expect(headers['idempotency-key']).toBe(sent.id);
    expect(headers['webhook-id']).toBe(sent.id);
    expect(headers['user-agent']).toMatch(/^Hookline\/\d+\.\d+\.\d+$/);
  });

  it('signs sha256= in a configurable header, verified by @octokit/webhooks-methods', async () => {
    const { receiver, hookline } = await setup();
    await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
      signature_scheme: 'sha256',
      signature_header: 'X-AgenticFlow-Signature',
      secret: 'octo-secret-123456',
    });
    await hookline.publishEvent('order.completed', event);
    const [request] = await receiver.waitFor(1);
    expect(
      await githubVerify('octo-secret-123456', request.body, String(request.headers['x-agenticflow-signature'])),
    ).toBe(true);
  });

  it('signs plain hex over the raw body (seed 003) and timestamped t.body (seed 000)', async () => {
    const { receiver, hookline } = await setup();
    await hookline.delivery.subscriptions.create({
      url: `${receiver.url}/hex`,
      events: ['order.completed'],
      signature_scheme: 'hex',
      secret: 'hex-secret-123456',
    });
    await hookline.delivery.subscriptions.create({
      url: `${receiver.url}/ts`,
      events: ['order.completed'],
      signature_scheme: 'timestamped',
      secret: 'ts-secret-1234567',
    });
    await hookline.publishEvent('order.completed', event);
    const requests = await receiver.waitFor(2);
    const hex = requests.find((r) => r.url === '/hex')!;
    expect(hex.headers['x-webhook-signature']).toBe(
      createHmac('sha256', 'hex-secret-123456').update(hex.body).digest('hex'),
    );
    const ts = requests.find((r) => r.url === '/ts')!;
    const timestamp = String(ts.headers['x-webhook-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(300);
    expect(ts.headers['x-webhook-signature']).toBe(
      createHmac('sha256', 'ts-secret-1234567').update(`${timestamp}.${ts.body}`).digest('hex'),
    );
  });

  it('signs v1a with ed25519 so receivers verify with the public key only', async () => {
    const { receiver, hookline } = await setup();
    const { publicKey } = await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
      signature_scheme: 'ed25519',
    });
    expect(publicKey).toMatch(/^whpk_/);
    await hookline.publishEvent('order.completed', event);
    const [request] = await receiver.waitFor(1);
    const [version, signature] = String(request.headers['webhook-signature']).split(',');
    expect(version).toBe('v1a');
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey!.slice(5), 'base64').toString('base64url') },
      format: 'jwk',
    });
    const content = `${request.headers['webhook-id']}.${request.headers['webhook-timestamp']}.${request.body}`;
    expect(verifyEd25519(null, Buffer.from(content), key, Buffer.from(signature, 'base64'))).toBe(true);
  });

  it('signs with both secrets during a rotation overlap, so old and new receivers verify', async () => {
    const { receiver, hookline } = await setup();
    const created = await hookline.delivery.subscriptions.create({ url: receiver.url, events: ['order.completed'] });
    const rotated = await hookline.delivery.subscriptions.rotateSecret(created.subscription.id);
    expect(rotated.secret).not.toBe(created.secret);
    await hookline.publishEvent('order.completed', event);
    const [request] = await receiver.waitFor(1);
    const headers = request.headers as Record<string, string>;
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(created.secret).verify(request.body, headers)).not.toThrow();
    expect(() => new Webhook(rotated.secret).verify(request.body, headers)).not.toThrow();
  });
});

describe('retries and endpoint health', () => {
  it('retries a failing receiver until it recovers, recording every attempt', async () => {
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

  it('honours Retry-After on 429', async () => {
    const { receiver, hookline } = await setup(
      {},
      { behaviour: sequence([{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]) },
    );
    await hookline.delivery.subscriptions.create({ url: receiver.url, events: ['order.completed'] });
    await hookline.publishEvent('order.completed', { id: 1 });
    const [first, second] = await receiver.waitFor(2);
    expect(second.receivedAtMs - first.receivedAtMs).toBeGreaterThanOrEqual(950);
  });

  it('disables the endpoint on 410 Gone and emits webhook.disabled to other subscribers', async () => {
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

  it('stops retrying one message when the receiver answers webhook-delivery: abort-message', async () => {
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

  it('emits delivery.failing after the 4th failed attempt and delivery.exhausted when retries run out', async () => {
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
    await until(() => receiver.requests.filter((r) => r.url === '/ops').length >= 2, 'both operational events');
    const ops = receiver.requests.filter((r) => r.url === '/ops').map((r) => JSON.parse(r.body));
    expect(ops.map((o) => o.type)).toEqual(['delivery.failing', 'delivery.exhausted']);
    expect(ops[1].data).toMatchObject({ attempts: 5, last_status_code: 503, event_type: 'order.completed' });
    expect(receiver.requests.filter((r) => r.url === '/down')).toHaveLength(5);
  });

  it('opens the circuit after repeated failures and disables an endpoint failing past the window', async () => {
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
    await until(() => receiver.requests.some((r) => r.url === '/ops'), 'webhook.disabled', 15_000);
    expect((await hookline.delivery.subscriptions.get(subscription.id)).enabled).toBe(false);
    // Without the breaker 20 messages on a 50 ms schedule make ~400 attempts in a second; with it
    // the open circuit lets one probe through at a time.
    expect(receiver.requests.filter((r) => r.url === '/down').length).toBeLessThan(80);
  });
});

describe('order and batching', () => {
  it('keeps per-endpoint FIFO when the head fails', async () => {
    const { receiver, hookline } = await setup(
      {},
      { behaviour: sequence([{ status: 500 }, { status: 500 }, { status: 200 }]) },
    );
    await hookline.delivery.subscriptions.create({ url: receiver.url, events: ['order.completed'] });
    for (let n = 1; n <= 5; n++) await hookline.publishEvent('order.completed', { n });
    await receiver.waitFor(7);
    expect(bodies(receiver).map((b) => b.data.n)).toEqual([1, 1, 1, 2, 3, 4, 5]);
  });

  it('sends unordered subscriptions in parallel', async () => {
    const { receiver, hookline } = await setup({}, { behaviour: { status: 200, delayMs: 200 } });
    await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
      ordering: 'unordered',
    });
    await Promise.all(Array.from({ length: 10 }, (_, n) => hookline.publishEvent('order.completed', { n })));
    const requests = await receiver.waitFor(10);
    // Each answer takes 200 ms: sent one by one, no request could arrive before the previous answer.
    const overlapping = requests.filter((r) => r.receivedAtMs < requests[0].receivedAtMs + 150);
    expect(overlapping.length).toBeGreaterThan(1);
  });

  it('batches events into one POST with an array, by count and by wait', async () => {
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
    const lonely = Date.now();
    await hookline.publishEvent('order.completed', { n: 4 });
    const [, late] = await receiver.waitFor(2);
    expect(JSON.parse(late.body)).toHaveLength(1);
    expect(late.receivedAtMs - lonely).toBeGreaterThanOrEqual(250);
  });

  it('reclaims deliveries whose worker died once the lease expires', async () => {
    const { receiver, hookline } = await setup({ leaseMs: 300 });
    const { subscription } = await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
    });
    await hookline.delivery.worker.stop();
    await hookline.publishEvent('order.completed', { n: 1 });
    // Another worker claims it and dies without settling.
    const claimed = await hookline.store.outbox.claim(
      { subscriptionId: subscription.id, ordered: true, limit: 10 },
      Date.now(),
      'dead-worker',
      300,
    );
    expect(claimed).toHaveLength(1);
    await hookline.delivery.worker.start();
    const [request] = await receiver.waitFor(1);
    expect(request.receivedAtMs - claimed[0].createdAtMs).toBeGreaterThanOrEqual(250);
  });
});

describe('limits', () => {
  it('allows at most the configured enabled subscriptions per workspace', async () => {
    const { receiver, hookline } = await setup({ maxSubscriptionsPerWorkspace: 2 });
    await hookline.delivery.subscriptions.create({ url: receiver.url, events: ['*'] });
    await hookline.delivery.subscriptions.create({ url: receiver.url, events: ['*'], enabled: false });
    await hookline.delivery.subscriptions.create({ url: receiver.url, events: ['*'] });
    await expect(hookline.delivery.subscriptions.create({ url: receiver.url, events: ['*'] })).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      status: 422,
    });
    await expect(
      hookline.delivery.subscriptions.create({ url: receiver.url, events: ['*'], organization: 'other' }),
    ).resolves.toBeTruthy();
  });

  it('refuses private and loopback targets unless allowed', async () => {
    const { hookline } = await setup({ allowPrivateTargets: false });
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://localhost/x',
      'http://10.1.2.3/x',
      'http://[::1]/x',
      'http://169.254.169.254/latest',
    ]) {
      await expect(hookline.delivery.subscriptions.create({ url, events: ['*'] })).rejects.toMatchObject({
        code: 'TARGET_NOT_ALLOWED',
      });
    }
    await expect(
      hookline.delivery.subscriptions.create({ url: 'https://example.com/hook', events: ['*'] }),
    ).resolves.toBeTruthy();
  });

  it('rejects unknown fields and bad rules with the field named', async () => {
    const { hookline } = await setup();
    await expect(
      hookline.delivery.subscriptions.create({ url: 'https://example.com', events: ['*'], colour: 'red' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: "Unknown field 'colour'" });
    await expect(
      hookline.delivery.subscriptions.create({
        url: 'https://example.com',
        events: ['*'],
        conditions: { x: { $foo: 1 } },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { field: 'conditions.x.$foo' } });
  });
});

describe('end to end', () => {
  it('an incoming trigger runs a workflow whose completion event reaches a subscriber with a valid signature', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const { credentials, incomingWorkflows, TOKENS } = await import('../fixtures/incoming.js');
    engine = await startTestEngine({ workflows: { orders: incomingWorkflows.orders }, credentials, config: FAST });
    const hookline = engine.engine;
    const { secret } = await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['workflow.execution.completed'],
      payload_format: 'webhook',
    });
    const response = await fetch(`${engine.url}/webhooks/workflows/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.bearer}` },
      body: JSON.stringify({ input_data: { name: 'John Doe' } }),
    });
    const { execution_id } = await response.json();
    const [request] = await receiver.waitFor(1);
    const payload = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as Record<
      string,
      unknown
    >;
    expect(payload).toMatchObject({
      event: 'workflow.execution.completed',
      data: {
        workflow_id: 'orders',
        execution_id,
        status: 'success',
        input_data: { name: 'John Doe' },
        output_data: { greeting: 'hello John Doe' },
      },
    });
    expect(Object.keys(payload).sort()).toEqual(['data', 'event', 'timestamp', 'webhook_id']);
  });

  it('keeps undelivered events for the retention window, then expires them', async () => {
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

  it('delivers the backlog in order once an unreachable endpoint answers again', async () => {
    const { receiver, hookline } = await setup({}, { behaviour: { status: 503 } });
    await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
      retry_policy: { max_retries: 50 },
    });
    for (let n = 1; n <= 5; n++) await hookline.publishEvent('order.completed', { n });
    await receiver.waitFor(3);
    receiver.respondWith({ status: 200 });
    await until(() => bodies(receiver).filter((b) => b.data.n === 5).length === 1, 'the backlog');
    const delivered = bodies(receiver).map((b) => b.data.n);
    expect(delivered.slice(delivered.lastIndexOf(1))).toEqual([1, 2, 3, 4, 5]);
  });
});
