/**
 * The client SDK against a real engine over HTTP (no mocks), and `verifyWebhook` against real
 * deliveries caught by a real receiver, for every scheme the engine signs with.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Hookline, HooklineApiError, verifyWebhook, WebhookVerificationError } from '../../engine/index.js';
import type { SignatureScheme } from '../../engine/signing/index.js';
import { scoringWorkflow } from '../fixtures/workflows.js';
import { startReceiver, type Receiver, type ReceivedRequest } from '../fixtures/receiver.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { until } from '../helpers/wait.js';

// Real engine, real sockets, a shared 2-core machine: allow for slow starts and slow answers.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const API_KEY = 'test-admin-key';
/** How long to wait for a delivery to reach the receiver. */
const ARRIVAL_MS = 30_000;
let running: TestEngine;
let receiver: Receiver;
let client: Hookline;

beforeEach(async () => {
  receiver = await startReceiver();
  running = await startTestEngine({
    workflows: { scoring: scoringWorkflow() },
    config: {
      apiKey: API_KEY,
      retryScheduleSec: [0.05, 0.05],
      retryJitter: 0,
      pollIntervalMs: 20,
      failureThreshold: 1000,
    },
  });
  client = new Hookline({ baseUrl: running.url, apiKey: API_KEY });
});
afterEach(async () => {
  await running.stop();
  await receiver.close();
});

/** Resolves with the API error a call rejects with. */
async function apiError(call: Promise<unknown>): Promise<HooklineApiError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HooklineApiError);
  return error as HooklineApiError;
}

const webhook = (extra: Record<string, unknown> = {}) =>
  client.webhooks.create({ name: 'Orders', url: `${receiver.url}/hook`, events: ['order.*'], ...extra });

describe('webhooks', () => {
  it('creates with either seed spelling, shows the secret once and reads back the canonical form', async () => {
    const created = await client.webhooks.create({
      name: 'Seed',
      targetUrl: `${receiver.url}/a`,
      events: ['order.completed'],
      isActive: false,
      organization: 'org-1',
      timeout: 5,
    });
    expect(created).toMatchObject({
      name: 'Seed',
      url: `${receiver.url}/a`,
      enabled: false,
      status: 'disabled',
      organization: 'org-1',
      timeout_ms: 5000,
      signature_scheme: 'standard-webhooks',
    });
    expect(created.secret).toMatch(/^whsec_/);
    const read = await client.webhooks.get(created.id);
    expect(read).not.toHaveProperty('secret');
    expect(read.delivery_stats).toEqual({
      total_deliveries: 0,
      successful_deliveries: 0,
      failed_deliveries: 0,
      pending_deliveries: 0,
    });
  });

  it('lists with filters, pages by cursor and iterates over every page', async () => {
    const a = await webhook({ organization: 'org-a' });
    const b = await webhook({ organization: 'org-a', enabled: false });
    await webhook({ organization: 'org-b' });
    expect((await client.webhooks.list({ organization: 'org-a' })).total).toBe(2);
    expect(
      (await client.webhooks.list({ organization: 'org-a', status: 'disabled' })).webhooks.map((w) => w.id),
    ).toEqual([b.id]);
    const first = await client.webhooks.list({ limit: 2 });
    expect(first).toMatchObject({ total: 3, next_cursor: expect.any(String) });
    const second = await client.webhooks.list({ limit: 2, cursor: first.next_cursor! });
    expect(second.next_cursor).toBeNull();
    const all: string[] = [];
    for await (const item of client.webhooks.iterate({ limit: 1 })) all.push(item.id);
    expect(all).toHaveLength(3);
    expect(all).toContain(a.id);
  });

  it('updates some fields, replaces filters, disables, enables and deletes', async () => {
    const { id } = await webhook();
    expect(
      await client.webhooks.update(id, { name: 'Renamed', events: ['order.completed', 'order.refunded'] }),
    ).toMatchObject({ name: 'Renamed', url: `${receiver.url}/hook`, events: ['order.completed', 'order.refunded'] });
    const filters = { 'order.completed': { total: { gt: 10 } } };
    expect((await client.webhooks.updateFilters(id, filters)).filters).toEqual(filters);
    expect(await client.webhooks.disable(id)).toMatchObject({ enabled: false, status: 'disabled' });
    expect(await client.webhooks.enable(id)).toMatchObject({ enabled: true, status: 'active' });
    expect(await client.webhooks.delete(id)).toEqual({ success: true, id });
    const gone = await apiError(client.webhooks.get(id));
    expect([gone.code, gone.status]).toEqual(['NOT_FOUND', 404]);
  });

  it('rotates the secret to a generated or given one, keeping the old one in the overlap', async () => {
    const created = await webhook();
    const rotated = await client.webhooks.rotateSecret(created.id);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.secret_rotation?.previous_secret_expires_at).toEqual(expect.any(String));
    const own = `whsec_${Buffer.from('my-own-secret-123').toString('base64')}`;
    expect((await client.webhooks.rotateSecret(created.id, own)).secret).toBe(own);
    const plain = await apiError(client.webhooks.rotateSecret(created.id, 'my-own-secret-123'));
    expect([plain.code, plain.details]).toEqual(['INVALID_INPUT', expect.objectContaining({ field: 'secret' })]);
    expect((await apiError(client.webhooks.rotateSecret('wh_missing'))).code).toBe('NOT_FOUND');
  });

  it('sends a test event and reports what the receiver answered', async () => {
    const { id } = await webhook();
    const ok = await client.webhooks.test(id, { event: 'order.completed', data: { order_id: 'o-1' } });
    expect(ok).toMatchObject({
      success: true,
      status_code: 200,
      response_body: 'ok',
      event: 'order.completed',
      error: null,
    });
    expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({
      type: 'order.completed',
      data: { order_id: 'o-1' },
    });
    receiver.respondWith({ status: 500, body: 'boom' });
    expect(await client.webhooks.test(id)).toMatchObject({ success: false, status_code: 500, response_body: 'boom' });
  });

  it('fails with the API code: 401 for a bad key, 400 naming the field, 404 for an unknown id', async () => {
    const denied = await apiError(new Hookline({ baseUrl: running.url, apiKey: 'wrong' }).webhooks.list());
    expect([denied.code, denied.status]).toEqual(['UNAUTHORIZED', 401]);
    const missing = await apiError(client.webhooks.create({ events: ['order.completed'] }));
    expect([missing.code, missing.status, missing.details?.field]).toEqual(['INVALID_INPUT', 400, 'url']);
    const unknown = await apiError(
      client.webhooks.create({ url: receiver.url, events: ['a.b'], colour: 'red' } as never),
    );
    expect([unknown.code, unknown.details?.field]).toEqual(['INVALID_INPUT', 'colour']);
    expect((await apiError(client.webhooks.update('wh_missing', { name: 'x' }))).status).toBe(404);
  });

  it('reports an unreachable server as NETWORK_ERROR and a non-API answer as UNEXPECTED_RESPONSE', async () => {
    const closed = await startReceiver();
    await closed.close();
    const network = await apiError(new Hookline({ baseUrl: closed.url, apiKey: API_KEY }).webhooks.list());
    expect([network.code, network.status]).toEqual(['NETWORK_ERROR', 0]);
    receiver.respondWith({ status: 502, body: '<html>bad gateway</html>' });
    const proxy = await apiError(new Hookline({ baseUrl: receiver.url, apiKey: API_KEY }).webhooks.list());
    expect([proxy.code, proxy.status]).toEqual(['UNEXPECTED_RESPONSE', 502]);
  });
});

describe('deliveries', () => {
  async function deliveredOnce() {
    const hook = await webhook();
    const published = await client.events.publish({ type: 'order.completed', data: { order_id: 'o-1' } });
    expect(published).toMatchObject({ success: true, type: 'order.completed', deliveries: 1 });
    await receiver.waitFor(1, ARRIVAL_MS);
    await until(
      async () => (await client.webhooks.getDeliveries(hook.id, { status: 'success' })).deliveries.length === 1,
      'delivery settled',
      ARRIVAL_MS,
    );
    return { hook, published };
  }

  it('lists by time range and status, reads one with its attempts, and retries it', async () => {
    const { hook, published } = await deliveredOnce();
    const hourAgo = new Date(Date.now() - 3_600_000);
    const { deliveries } = await client.webhooks.getDeliveries(hook.id, {
      timeRange: { start: hourAgo, end: new Date(Date.now() + 60_000) },
      status: 'succeeded',
      limit: 10,
      offset: 0,
    });
    expect(deliveries).toEqual([
      expect.objectContaining({ webhook_id: hook.id, event_id: published.event_id, status: 'succeeded', attempts: 1 }),
    ]);
    expect((await client.webhooks.getDeliveries(hook.id, { timeRange: { end: hourAgo } })).deliveries).toEqual([]);
    const detail = await client.webhooks.getDelivery(hook.id, deliveries[0]!.id);
    expect(detail.attempt_log).toEqual([expect.objectContaining({ attempt: 1, response_code: 200 })]);
    expect(detail.payload).toMatchObject({ id: published.event_id, data: { order_id: 'o-1' } });
    expect(['pending', 'retrying']).toContain((await client.webhooks.retryDelivery(hook.id, detail.id)).status);
    await receiver.waitFor(2, ARRIVAL_MS);
    expect(receiver.requests[1]!.headers['webhook-id']).toBe(receiver.requests[0]!.headers['webhook-id']);
    expect((await apiError(client.webhooks.getDelivery(hook.id, 'del_missing'))).code).toBe('NOT_FOUND');
    expect((await apiError(client.webhooks.getDeliveries(hook.id, { timeRange: { start: 'yesterday' } }))).code).toBe(
      'INVALID_INPUT',
    );
  });

  it('shows logs and stats, and lists failed deliveries across webhooks', async () => {
    const { hook } = await deliveredOnce();
    expect(await client.webhooks.logs(hook.id)).toEqual([
      expect.objectContaining({ event: 'order.completed', status: 'success', response_code: 200, attempts: 1 }),
    ]);
    const stats = await client.webhooks.stats(hook.id);
    expect(stats).toMatchObject({
      webhook_id: hook.id,
      attempts: 1,
      successful_attempts: 1,
      success_rate: 1,
      deliveries: { total: 1, successful: 1 },
    });
    receiver.respondWith({ status: 500 });
    const failing = await client.webhooks.create({
      url: `${receiver.url}/down`,
      events: ['order.failed'],
      retry_policy: { max_retries: 0 },
    });
    await client.events.publish({ type: 'order.failed', data: {} });
    await until(
      async () => (await client.deliveries.list({ status: 'failed' })).deliveries.length === 1,
      'a failed delivery',
      ARRIVAL_MS,
    );
    expect((await client.deliveries.list({ status: 'failed' })).deliveries[0]).toMatchObject({
      webhook_id: failing.id,
      last_status_code: 500,
    });
    expect((await apiError(client.webhooks.stats('wh_missing'))).code).toBe('NOT_FOUND');
  });

  it('replays the events of a time range, or only the failed ones', async () => {
    const { hook } = await deliveredOnce();
    const replay = await client.webhooks.replay(hook.id, { since: new Date(Date.now() - 60_000) });
    expect(replay).toEqual({
      success: true,
      replayed: 1,
      webhook_id: hook.id,
      since: new Date(Date.parse(hook.created_at)).toISOString(),
      until: expect.any(String),
      only_failed: false,
    });
    expect((await client.webhooks.replay(hook.id, { only_failed: true })).replayed).toBe(0);
    await receiver.waitFor(2, ARRIVAL_MS);
    expect(JSON.parse(receiver.requests[1]!.body)).toMatchObject({ data: { order_id: 'o-1' } });
    expect((await client.webhooks.replay(hook.id, { since: new Date(Date.now() + 60_000) })).replayed).toBe(0);
    expect((await apiError(client.webhooks.replay(hook.id, { since: 'not a date' }))).code).toBe('INVALID_INPUT');
  });
});

describe('events, workflows and executions', () => {
  it('lists the catalog and rejects a bad event name with the field', async () => {
    const events = await client.events.list();
    expect(events.find((e) => e.type === 'workflow.completed')).toMatchObject({
      group: 'workflow',
      schema: expect.objectContaining({ type: 'object' }),
    });
    const bad = await apiError(client.events.publish({ type: 'Not A Name', data: {} }));
    expect([bad.code, bad.status, bad.details?.field]).toEqual(['INVALID_INPUT', 400, 'type']);
  });

  it('reads a stored event and erases its content everywhere', async () => {
    const hook = await webhook();
    const published = await client.events.publish({ type: 'order.completed', data: { email: 'ada@example.com' } });
    await receiver.waitFor(1, ARRIVAL_MS);
    expect(await client.events.get(published.event_id)).toMatchObject({
      id: published.event_id,
      type: 'order.completed',
      data: { email: 'ada@example.com' },
      erased: false,
    });
    const [delivery] = (await client.webhooks.getDeliveries(hook.id)).deliveries;
    expect(await client.events.eraseContent(published.event_id)).toMatchObject({
      success: true,
      event_id: published.event_id,
      deliveries: 1,
    });
    expect(await client.events.get(published.event_id)).toMatchObject({ data: null, metadata: null, erased: true });
    expect(await client.webhooks.getDelivery(hook.id, delivery!.id)).toMatchObject({ erased: true, payload: null });
    expect((await apiError(client.webhooks.retryDelivery(hook.id, delivery!.id))).code).toBe('CONTENT_ERASED');
    expect((await apiError(client.events.eraseContent('evt_missing'))).code).toBe('NOT_FOUND');
    expect((await apiError(client.events.get('evt_missing'))).status).toBe(404);
  });

  it('reads, deactivates and activates workflows', async () => {
    expect(await client.workflows.list()).toEqual([expect.objectContaining({ id: 'scoring', active: true })]);
    expect((await client.workflows.get('scoring')).definition).toMatchObject({ nodes: expect.any(Array) });
    expect(await client.workflows.deactivate('scoring')).toMatchObject({ id: 'scoring', active: false });
    expect(await client.workflows.activate('scoring')).toMatchObject({ id: 'scoring', active: true });
    expect((await apiError(client.workflows.get('nope'))).code).toBe('NOT_FOUND');
  });

  it('lists executions by workflow and status and polls one by id', async () => {
    const outcome = await running.engine.runManually('scoring', [{ name: 'ada', score: 9 }]);
    const listed = await client.executions.list({ workflowId: 'scoring', status: 'succeeded' });
    expect(listed.map((e) => e.execution_id)).toEqual([outcome.executionId]);
    expect(await client.executions.get(outcome.executionId)).toMatchObject({
      workflow_id: 'scoring',
      status: 'succeeded',
      error: null,
    });
    expect(await client.executions.list({ status: 'failed' })).toEqual([]);
    expect((await apiError(client.executions.get('exe_missing'))).status).toBe(404);
  });
});

describe('verifyWebhook on real deliveries', () => {
  /** Creates a webhook with `scheme`, publishes one event and returns the request it caused. */
  async function deliveryWith(scheme: SignatureScheme, extra: Record<string, unknown> = {}) {
    const created = await webhook({ signature_scheme: scheme, ...extra });
    await client.events.publish({ type: 'order.completed', data: { order_id: `o-${scheme}` } });
    const [request] = await receiver.waitFor(1, ARRIVAL_MS);
    return { request: request as ReceivedRequest, key: created.public_key ?? created.secret };
  }

  for (const scheme of ['standard-webhooks', 'ed25519', 'hex', 'sha256', 'timestamped', 'stripe'] as const) {
    it(`detects and verifies ${scheme}, and rejects a changed body or a wrong key`, async () => {
      const { request, key } = await deliveryWith(scheme);
      expect(verifyWebhook(request.body, request.headers, key)).toMatchObject({
        type: 'order.completed',
        data: { order_id: `o-${scheme}` },
      });
      expect(verifyWebhook(Buffer.from(request.body), request.headers, key, { scheme })).toMatchObject({
        data: { order_id: `o-${scheme}` },
      });
      const tampered = request.body.replace(`o-${scheme}`, 'o-forged');
      expect(() => verifyWebhook(tampered, request.headers, key)).toThrow(
        expect.objectContaining({ reason: 'mismatch' }),
      );
      const other = await client.webhooks.create({
        url: `${receiver.url}/other`,
        events: ['x.y'],
        signature_scheme: scheme,
      });
      expect(() => verifyWebhook(request.body, request.headers, other.public_key ?? other.secret)).toThrow(
        WebhookVerificationError,
      );
    });
  }

  it('accepts both secrets during a rotation and honours a custom signature header', async () => {
    const created = await webhook({ signature_scheme: 'hex', signature_header: 'X-Acme-Signature' });
    const rotated = await client.webhooks.rotateSecret(created.id);
    await client.events.publish({ type: 'order.completed', data: {} });
    const [request] = await receiver.waitFor(1, ARRIVAL_MS);
    expect(
      verifyWebhook(request!.body, request!.headers, created.secret, { headerName: 'X-Acme-Signature' }),
    ).toMatchObject({ type: 'order.completed' });
    expect(
      verifyWebhook(request!.body, request!.headers, [rotated.secret], { headerName: 'x-acme-signature' }),
    ).toMatchObject({ type: 'order.completed' });
    expect(() => verifyWebhook(request!.body, request!.headers, rotated.secret)).toThrow(
      expect.objectContaining({ reason: 'missing_header' }),
    );
  });

  it('rejects a delivery older than the tolerance', async () => {
    const { request, key } = await deliveryWith('standard-webhooks');
    const later = Math.floor(Date.now() / 1000) + 301;
    expect(() => verifyWebhook(request.body, request.headers, key, { nowSec: later })).toThrow(
      expect.objectContaining({ reason: 'timestamp' }),
    );
    expect(verifyWebhook(request.body, request.headers, key, { nowSec: later, toleranceSec: 600 })).toBeTruthy();
  });
});
