import SwaggerParser from '@apidevtools/swagger-parser';
import { startReceiver, sequence } from '../fixtures/receiver.js';
import { credentials, incomingWorkflows, TOKENS } from '../fixtures/incoming.js';
import { describe, expect, test as fixtureTest } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/engine.js';
import { until } from '../helpers/wait.js';

const KEY = 'hk_test_admin_0123456789';

/** The admin API of one engine, answering with status, parsed body and headers. */
function apiOf(running: TestEngine) {
  return async function api(method: string, path: string, body?: unknown, key: string | null = KEY) {
    const response = await fetch(`${running.url}/api/v1${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  };
}

/**
 * Each test gets its own engine (the orders workflow, the incoming credentials, the admin key,
 * quick retries) and its own receiver (`receiver`, from the engine fixture), so no test sees
 * another's webhooks, deliveries or requests.
 */
const it = fixtureTest.extend<{ running: TestEngine; api: ReturnType<typeof apiOf> }>({
  running: async ({ startEngine }, use) => {
    await use(
      await startEngine({
        workflows: { orders: incomingWorkflows.orders },
        credentials,
        config: { apiKey: KEY, retryScheduleSec: [0.05, 0.05], retryJitter: 0, pollIntervalMs: 20 },
      }),
    );
  },
  api: async ({ running }, use) => {
    await use(apiOf(running));
  },
});

describe('auth and OpenAPI', () => {
  it('refuses requests without a valid API key, in the seed error shape', async ({ api }) => {
    const none = await api('GET', '/webhooks', undefined, null);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await api('GET', '/webhooks', undefined, 'wrong')).status).toBe(401);
  });

  it('answers a write once the store says it is durable, and a read without asking', async ({
    api,
    running,
    receiver,
  }) => {
    const store = running.engine.store;
    const real = store.durable.bind(store);
    let asked = 0;
    // The real sync still runs: this only counts that the API waited for it.
    store.durable = async () => {
      asked++;
      await real();
    };
    expect((await api('POST', '/webhooks', { url: receiver.url, events: ['order.*'] })).status).toBe(201);
    expect(asked).toBe(1);
    expect((await api('GET', '/webhooks')).status).toBe(200);
    expect(asked).toBe(1);
  });

  it('publishes a valid OpenAPI document listing the routes', async ({ running }) => {
    const response = await fetch(`${running.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const document = await response.json();
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeTruthy();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/webhooks',
        '/api/v1/webhooks/{id}/rotate-secret',
        '/api/v1/webhooks/{id}/replay',
        '/api/v1/deliveries',
        '/api/v1/executions/{id}',
        '/api/v1/events/{id}',
        '/api/v1/events/{id}/content',
        '/api/v1/api-keys',
        '/api/v1/api-keys/{id}',
      ]),
    );
    // PUT is a merge like PATCH (seed 002), and the document says so.
    for (const method of ['put', 'patch'])
      expect(document.paths['/api/v1/webhooks/{id}'][method].description).toContain('PUT and PATCH behave the same');
    expect((await fetch(`${running.url}/api/v1/docs`)).status).toBeLessThan(400);
  });
});

describe('webhooks', () => {
  it('creates with seed spellings, answers in canonical form, shows the secret once', async ({ api, receiver }) => {
    const created = await api('POST', '/webhooks', {
      name: 'Orders',
      targetUrl: `${receiver.url}/a`,
      events: ['order.completed'],
      isActive: true,
      headers: { 'X-Custom-Header': 'v' },
      retry_policy: { max_retries: 3, backoff_multiplier: 2 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Orders',
      url: `${receiver.url}/a`,
      enabled: true,
      status: 'active',
      retry_policy: { max_retries: 3, backoff_multiplier: 2 },
      delivery_stats: { total_deliveries: 0, successful_deliveries: 0, failed_deliveries: 0 },
    });
    expect(created.body.secret).toMatch(/^whsec_/);
    const fetched = await api('GET', `/webhooks/${created.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.secret).toBeUndefined();
    expect(fetched.body.url).toBe(`${receiver.url}/a`);
  });

  it('rejects unknown fields, bad values and missing fields with 400 naming the field', async ({
    api,
    receiver,
    running,
  }) => {
    const unknown = await api('POST', '/webhooks', { url: receiver.url, events: ['*'], colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'colour' } });
    expect(unknown.body.error.message).toContain("Unknown field 'colour'");
    const badEvents = await api('POST', '/webhooks', { url: receiver.url, events: 'order.completed' });
    expect(badEvents.status).toBe(400);
    expect(badEvents.body.error.details.field).toBe('events');
    const missing = await api('POST', '/webhooks', { events: ['*'] });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.field).toBe('url');
    const badJson = await fetch(`${running.url}/api/v1/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: '{"url":',
    });
    expect(badJson.status).toBe(400);
    const empty = await fetch(`${running.url}/api/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { message: string } }).error.message).toBe(
      'The request body is empty: send a JSON object',
    );
    const list = await api('POST', '/webhooks', [{ url: receiver.url }]);
    expect(list.status).toBe(400);
    expect(list.body.error.message).toBe('The request body must be a JSON object, not an array');
  });

  it('lists with limit, offset and cursor, filtered by status', async ({ api, receiver }) => {
    for (let i = 0; i < 3; i++)
      await api('POST', '/webhooks', {
        name: `L${i}`,
        url: `${receiver.url}/l${i}`,
        events: ['list.test'],
        organization: 'listing',
      });
    const page = await api('GET', '/webhooks?organization=listing&limit=2');
    expect(page.body.webhooks.map((w: { name: string }) => w.name)).toEqual(['L0', 'L1']);
    expect(page.body.total).toBe(3);
    const next = await api('GET', `/webhooks?organization=listing&limit=2&cursor=${page.body.next_cursor}`);
    expect(next.body.webhooks.map((w: { name: string }) => w.name)).toEqual(['L2']);
    expect(next.body.next_cursor).toBeNull();
    await api('POST', `/webhooks/${page.body.webhooks[0].id}/disable`);
    const disabled = await api('GET', '/webhooks?organization=listing&status=disabled');
    expect(disabled.body.webhooks.map((w: { name: string }) => w.name)).toEqual(['L0']);
    await api('POST', '/webhooks', {
      name: 'P',
      url: `${receiver.url}/p`,
      events: ['list.test'],
      organization: 'listing',
      project: 'proj-123',
    });
    expect(
      (await api('GET', '/webhooks?organization=listing&project=proj-123')).body.webhooks.map(
        (w: { name: string }) => w.name,
      ),
    ).toEqual(['P']);
    expect((await api('GET', '/webhooks?limit=0')).status).toBe(400);
  });

  it('updates, patches, enables, disables, replaces filters and deletes', async ({ api, receiver, running }) => {
    const { body: created } = await api('POST', '/webhooks', {
      name: 'Before',
      description: 'Kept by PUT',
      url: `${receiver.url}/u`,
      events: ['order.completed'],
      timeout: 7,
      metadata: { team: 'ops' },
    });
    // Seed 002's PUT: url and events only; every field it leaves out keeps its value.
    const put = await api('PUT', `/webhooks/${created.id}`, {
      url: `${receiver.url}/u2`,
      events: ['order.completed', 'workflow.execution.failed'],
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      name: 'Before',
      description: 'Kept by PUT',
      timeout_ms: 7000,
      metadata: { team: 'ops' },
      url: `${receiver.url}/u2`,
      events: ['order.completed', 'workflow.execution.failed'],
    });
    expect((await api('GET', `/webhooks/${created.id}`)).body).toMatchObject({ name: 'Before', timeout_ms: 7000 });
    const renamed = await api('PUT', `/webhooks/${created.id}`, { name: 'Only the name' });
    expect(renamed.body).toMatchObject({ name: 'Only the name', url: `${receiver.url}/u2` });
    expect((await api('PUT', `/webhooks/${created.id}`, { url: 'ftp://x' })).status).toBe(400);
    const emptyJson = await fetch(`${running.url}/api/v1/webhooks/${created.id}/disable`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    });
    expect(emptyJson.status).toBe(200);
    const patch = await api('PATCH', `/webhooks/${created.id}`, { name: 'Renamed' });
    expect(patch.body).toMatchObject({ name: 'Renamed', url: `${receiver.url}/u2` });
    expect((await api('POST', `/webhooks/${created.id}/disable`)).body).toMatchObject({
      enabled: false,
      status: 'disabled',
    });
    expect((await api('POST', `/webhooks/${created.id}/enable`)).body).toMatchObject({
      enabled: true,
      status: 'active',
    });
    const filters = await api('PUT', `/webhooks/${created.id}/filters`, { 'order.completed': { total: { gt: 100 } } });
    expect(filters.body.filters).toEqual({ 'order.completed': { total: { gt: 100 } } });
    const badFilter = await api('PUT', `/webhooks/${created.id}/filters`, {
      'order.completed': { total: { $nope: 1 } },
    });
    expect(badFilter.status).toBe(400);
    expect((await api('PATCH', `/webhooks/${created.id}`, { secret: 'x'.repeat(20) })).status).toBe(400);
    expect((await api('DELETE', `/webhooks/${created.id}`)).body).toEqual({ success: true, id: created.id });
    expect((await api('GET', `/webhooks/${created.id}`)).status).toBe(404);
    expect((await api('DELETE', `/webhooks/${created.id}`)).status).toBe(404);
  });

  it('rotates the secret: the new one is shown once and the old one keeps signing', async ({ api, receiver }) => {
    const { body: created } = await api('POST', '/webhooks', { url: `${receiver.url}/r`, events: ['order.completed'] });
    const rotated = await api('POST', `/webhooks/${created.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect(rotated.body.secret_rotation.previous_secret_expires_at).toBeTruthy();
  });

  it('sends a test event synchronously and reports the receiver’s answer', async ({ api, receiver }) => {
    const { body: created } = await api('POST', '/webhooks', { url: `${receiver.url}/t`, events: ['order.completed'] });
    const test = await api('POST', `/webhooks/${created.id}/test`, {
      event: 'workflow.execution.completed',
      data: { workflow_id: 'test_workflow', status: 'success' },
    });
    expect(test.body).toMatchObject({
      success: true,
      status_code: 200,
      response_body: 'ok',
      event: 'workflow.execution.completed',
    });
    expect(typeof test.body.response_time_ms).toBe('number');
    // Only this webhook's path, never an index (the receiver is this test's own).
    const sent = receiver.requests.filter((r) => r.url === '/t');
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0].body)).toMatchObject({
      type: 'workflow.execution.completed',
      data: { workflow_id: 'test_workflow' },
    });
    expect((await api('POST', '/webhooks/wh_missing/test', {})).status).toBe(404);
  });
});

describe('deliveries, logs, stats, retry and replay', () => {
  it('records deliveries with attempts, logs in the seed format, stats, manual retry and replay', async ({ api }) => {
    const failing = await startReceiver({ behaviour: sequence([{ status: 500, body: 'nope' }]) });
    try {
      const { body: hook } = await api('POST', '/webhooks', {
        url: failing.url,
        events: ['invoice.paid'],
        retry_policy: { max_retries: 1 },
      });
      const publish = await api('POST', '/events', { type: 'invoice.paid', data: { invoice: 1 } });
      expect(publish.status).toBe(202);
      await until(
        async () => (await api('GET', `/webhooks/${hook.id}/deliveries?status=failed`)).body.deliveries.length === 1,
        'failed delivery',
      );
      const [delivery] = (await api('GET', `/webhooks/${hook.id}/deliveries`)).body.deliveries;
      expect(delivery).toMatchObject({ event: 'invoice.paid', status: 'failed', attempts: 2, last_status_code: 500 });
      const detail = await api('GET', `/webhooks/${hook.id}/deliveries/${delivery.id}`);
      expect(detail.body.attempt_log.map((a: { response_code: number }) => a.response_code)).toEqual([500, 500]);
      expect(detail.body.payload).toMatchObject({ type: 'invoice.paid', data: { invoice: 1 } });
      const logs = await api('GET', `/webhooks/${hook.id}/logs`);
      expect(logs.body.logs[0]).toMatchObject({
        id: delivery.id,
        event: 'invoice.paid',
        status: 'failed',
        response_code: 500,
        attempts: 2,
      });
      expect(logs.body.logs[0].payload_size).toBeGreaterThan(10);
      const stats = await api('GET', `/webhooks/${hook.id}/stats`);
      expect(stats.body).toMatchObject({
        attempts: 2,
        successful_attempts: 0,
        success_rate: 0,
        deliveries: { total: 1, failed: 1 },
      });
      const failedAll = await api('GET', '/deliveries?status=failed');
      expect(failedAll.body.deliveries.some((d: { id: string }) => d.id === delivery.id)).toBe(true);

      failing.respondWith({ status: 200 });
      expect((await api('POST', `/webhooks/${hook.id}/deliveries/${delivery.id}/retry`)).status).toBe(202);
      await until(
        async () => (await api('GET', `/webhooks/${hook.id}/deliveries/${delivery.id}`)).body.status === 'succeeded',
        'retried delivery',
      );

      const replay = await api('POST', `/webhooks/${hook.id}/replay`, {
        since: new Date(Date.now() - 60_000).toISOString(),
      });
      expect(replay).toMatchObject({ status: 202, body: { success: true, replayed: 1 } });
      await until(
        async () => (await api('GET', `/webhooks/${hook.id}/deliveries?status=succeeded`)).body.deliveries.length === 2,
        'replayed delivery',
      );
      expect((await api('GET', `/webhooks/${hook.id}`)).body.delivery_stats).toMatchObject({
        total_deliveries: 2,
        successful_deliveries: 2,
        failed_deliveries: 0,
      });
    } finally {
      await failing.close();
    }
  });

  it('answers 404 for unknown deliveries and 400 for bad ranges', async ({ api, receiver }) => {
    const { body: hook } = await api('POST', '/webhooks', { url: `${receiver.url}/d`, events: ['x.y'] });
    expect((await api('GET', `/webhooks/${hook.id}/deliveries/del_nope`)).status).toBe(404);
    expect((await api('POST', `/webhooks/${hook.id}/deliveries/del_nope/retry`)).status).toBe(404);
    expect((await api('GET', `/webhooks/${hook.id}/deliveries?start=yesterday`)).status).toBe(400);
    expect((await api('POST', `/webhooks/${hook.id}/replay`, { only_failed: 'yes' })).status).toBe(400);
    expect(
      (
        await api('POST', `/webhooks/${hook.id}/replay`, {
          since: '2026-01-02T00:00:00Z',
          until: '2026-01-01T00:00:00Z',
        })
      ).status,
    ).toBe(400);
    expect((await api('GET', '/deliveries?status=lost')).status).toBe(400);
  });
});

describe('events, workflows and executions', () => {
  it('lists the catalog with a schema per type and validates published events', async ({ api }) => {
    const catalog = await api('GET', '/events');
    const completed = catalog.body.events.find((e: { type: string }) => e.type === 'workflow.execution.completed');
    expect(completed.schema.properties.type).toEqual({ const: 'workflow.execution.completed' });
    expect((await api('POST', '/events', { type: 'Not A Type', data: {} })).status).toBe(400);
    expect((await api('POST', '/events', { type: 'order.completed', data: 'text' })).status).toBe(400);
    expect((await api('POST', '/events', { type: 'custom.thing_happened', data: [1, 2] })).status).toBe(202);
  });

  it('lists workflows, deactivates and activates them, and polls an execution', async ({ api, running }) => {
    expect((await api('GET', '/workflows')).body.workflows.map((w: { id: string }) => w.id)).toContain('orders');
    expect((await api('GET', '/workflows/orders')).body.definition.nodes).toHaveLength(2);
    expect((await api('GET', '/workflows/nope')).status).toBe(404);
    expect((await api('POST', '/workflows/orders/deactivate')).body).toMatchObject({ active: false });
    const inactive = await fetch(`${running.url}/webhooks/workflows/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.bearer}` },
      body: '{"input_data":{}}',
    });
    expect(inactive.status).toBe(409);
    expect((await api('POST', '/workflows/orders/activate')).body).toMatchObject({ active: true });
    const accepted = await fetch(`${running.url}/webhooks/workflows/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.bearer}` },
      body: '{"input_data":{"name":"Poll"}}',
    });
    const { execution_id } = await accepted.json();
    await until(async () => (await api('GET', `/executions/${execution_id}`)).body.status === 'succeeded', 'execution');
    expect((await api('GET', `/executions/${execution_id}`)).body).toMatchObject({
      execution_id,
      workflow_id: 'orders',
      status: 'succeeded',
      output: [{ greeting: 'hello Poll' }],
    });
    expect(
      (await api('GET', '/executions?workflow_id=orders&status=succeeded')).body.executions.some(
        (e: { execution_id: string }) => e.execution_id === execution_id,
      ),
    ).toBe(true);
    expect((await api('GET', '/executions/exec_nope')).status).toBe(404);
    expect((await api('GET', '/executions?status=weird')).status).toBe(400);
  });
});
