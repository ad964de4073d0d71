/**
 * API keys (seed 004's "Settings > API Keys"): list, create and revoke through the API, the SDK
 * and the CLI, never showing a key after its creation; and keys scoped to one organization, which
 * see and change only that organization's webhooks, deliveries and events.
 */
import { main } from '../../engine/cli.js';
import { Hookline } from '../../engine/sdk/index.js';
import { incomingWorkflows } from '../fixtures/incoming.js';
import { describe, expect, test as fixtureTest } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/engine.js';
import { TEST_ENCRYPTION_KEY } from '../helpers/store.js';

const ADMIN = 'hk_test_admin_api_keys_0123456';

function apiOf(running: TestEngine) {
  return async function api(method: string, path: string, body?: unknown, key: string = ADMIN) {
    const response = await fetch(`${running.url}${path.startsWith('/metrics') ? '' : '/api/v1'}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };
}

const it = fixtureTest.extend<{ running: TestEngine; api: ReturnType<typeof apiOf> }>({
  running: async ({ startEngine }, use) => {
    await use(
      await startEngine({
        workflows: { orders: incomingWorkflows.orders },
        config: { apiKey: ADMIN, pollIntervalMs: 20 },
      }),
    );
  },
  api: async ({ running }, use) => {
    await use(apiOf(running));
  },
});

describe('managing API keys', () => {
  it('creates, lists and revokes keys: name, created and last used, never the key', async ({ api }) => {
    const created = await api('POST', '/api-keys', { name: 'ci' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^key_/),
      name: 'ci',
      organization: null,
      last_used_at: null,
      key: expect.stringMatching(/^hk_/),
    });
    const { id, key } = created.body;
    const listed = await api('GET', '/api-keys');
    expect(listed.body.api_keys).toEqual([
      {
        id,
        name: 'ci',
        prefix: key.slice(0, 8),
        organization: null,
        created_at: created.body.created_at,
        last_used_at: null,
      },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(key);

    expect((await api('GET', '/webhooks', undefined, key)).status).toBe(200);
    const [used] = (await api('GET', '/api-keys')).body.api_keys;
    expect(Date.parse(used.last_used_at)).toBeGreaterThanOrEqual(Date.parse(created.body.created_at));
    // At most one write a minute per key: the next use does not move it.
    expect((await api('GET', '/webhooks', undefined, key)).status).toBe(200);
    expect((await api('GET', '/api-keys')).body.api_keys[0].last_used_at).toBe(used.last_used_at);

    expect(await api('DELETE', `/api-keys/${id}`)).toEqual({ status: 200, body: { success: true, id } });
    expect((await api('GET', '/webhooks', undefined, key)).status).toBe(401);
    expect((await api('DELETE', `/api-keys/${id}`)).body.error.code).toBe('NOT_FOUND');
    expect((await api('GET', '/api-keys')).body.api_keys).toEqual([]);
  });

  it('refuses bad key input with the field named', async ({ api }) => {
    for (const [body, field] of [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x', organization: '' }, 'organization'],
      [{ name: 'x', organization: ' padded ' }, 'organization'],
      [{ name: 'x', organization: 'default' }, 'organization'],
      [{ name: 'x', secret: 'mine' }, 'secret'],
    ] as const) {
      const answer = await api('POST', '/api-keys', body);
      expect([answer.status, answer.body.error.code, answer.body.error.details?.field], JSON.stringify(body)).toEqual([
        400,
        'INVALID_INPUT',
        field,
      ]);
    }
  });

  it('lists, creates and revokes keys through the SDK', async ({ running }) => {
    const hookline = new Hookline({ baseUrl: running.url, apiKey: ADMIN });
    const made = await hookline.apiKeys.create({ name: 'dashboard', organization: 'org-123' });
    expect(made).toMatchObject({ name: 'dashboard', organization: 'org-123', key: expect.stringMatching(/^hk_/) });
    expect((await hookline.apiKeys.list()).map((k) => [k.id, k.organization])).toEqual([[made.id, 'org-123']]);
    const scoped = new Hookline({ baseUrl: running.url, apiKey: made.key });
    await expect(scoped.apiKeys.list()).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect(await hookline.apiKeys.revoke(made.id)).toEqual({ success: true, id: made.id });
    await expect(scoped.webhooks.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(hookline.apiKeys.revoke(made.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("creates, lists and revokes keys in the engine's store with the CLI", async ({ running, api }) => {
    const url = running.engine.config.databaseUrl;
    const where = url ? ['--database-url', url] : ['--db', running.dbPath];
    const env = { HOOKLINE_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY };
    const cli = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main([...argv, ...where], { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const created = await cli('api-key', 'create', '--name', 'acme', '--organization', 'org-123', '--json');
    expect(created.code).toBe(0);
    const key = JSON.parse(created.out);
    expect(key).toMatchObject({ name: 'acme', organization: 'org-123', key: expect.stringMatching(/^hk_/) });
    // The running engine accepts it, scoped.
    expect((await api('GET', '/workflows', undefined, key.key)).status).toBe(403);
    expect((await api('GET', '/webhooks', undefined, key.key)).status).toBe(200);

    const table = await cli('api-key', 'list');
    expect(table.out).toMatch(/^ID\s+NAME\s+PREFIX\s+ORGANIZATION\s+CREATED\s+LAST USED/);
    expect(table.out).toContain(key.id);
    expect(table.out).toContain('org-123');
    expect(table.out).not.toContain(key.key);
    const json = JSON.parse((await cli('api-key', 'list', '--json')).out);
    expect(json).toEqual([expect.objectContaining({ id: key.id, name: 'acme', last_used_at: expect.any(String) })]);

    expect((await cli('api-key', 'revoke', key.id)).code).toBe(0);
    expect((await api('GET', '/webhooks', undefined, key.key)).status).toBe(401);
    const again = await cli('api-key', 'revoke', key.id);
    expect([again.code, again.err]).toEqual([1, expect.stringContaining('not found')]);
    expect((await cli('api-key', 'revoke')).code).toBe(2);
  });
});

describe('keys scoped to an organization', () => {
  /** Webhooks of org-123, org-456 and no organization (the fixture's receiver), and a key of org-123. */
  async function scopedSetup(api: ReturnType<typeof apiOf>, receiverUrl: string) {
    const ids: Record<string, string> = {};
    for (const org of ['org-123', 'org-456', 'default']) {
      const created = await api('POST', '/webhooks', {
        url: `${receiverUrl}/${org}`,
        events: ['order.*'],
        ...(org === 'default' ? {} : { organization: org }),
      });
      ids[org] = created.body.id;
    }
    const { key } = (await api('POST', '/api-keys', { name: 'acme', organization: 'org-123' })).body;
    const scoped = (method: string, path: string, body?: unknown) => api(method, path, body, key);
    return { ids, scoped };
  }

  it("sees and changes only its organization's webhooks; another's are not found", async ({ api, receiver }) => {
    const { ids, scoped } = await scopedSetup(api, receiver.url);
    const list = await scoped('GET', '/webhooks');
    expect([list.body.total, list.body.webhooks.map((w: { id: string }) => w.id)]).toEqual([1, [ids['org-123']]]);
    expect((await scoped('GET', '/webhooks?organization=org-456')).status).toBe(403);
    expect((await scoped('GET', `/webhooks/${ids['org-123']}`)).status).toBe(200);
    for (const other of [ids['org-456'], ids.default, 'wh_missing']) {
      for (const [method, path, body] of [
        ['GET', `/webhooks/${other}`],
        ['PUT', `/webhooks/${other}`, { name: 'taken' }],
        ['PATCH', `/webhooks/${other}`, { name: 'taken' }],
        ['DELETE', `/webhooks/${other}`],
        ['POST', `/webhooks/${other}/disable`],
        ['POST', `/webhooks/${other}/rotate-secret`, {}],
        ['POST', `/webhooks/${other}/test`, {}],
        ['GET', `/webhooks/${other}/deliveries`],
        ['GET', `/webhooks/${other}/stats`],
      ] as const)
        expect((await scoped(method, path, body)).body.error?.code, `${method} ${path}`).toBe('NOT_FOUND');
    }
    // Untouched, as the admin key sees it.
    expect((await api('GET', `/webhooks/${ids['org-456']}`)).body).toMatchObject({ enabled: true, name: 'Webhook' });

    const made = await scoped('POST', '/webhooks', { url: `${receiver.url}/new`, events: ['order.*'] });
    expect([made.status, made.body.organization]).toEqual([201, 'org-123']);
    const elsewhere = await scoped('POST', '/webhooks', {
      url: `${receiver.url}/x`,
      events: ['order.*'],
      organization: 'org-456',
    });
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect((await scoped('PATCH', `/webhooks/${made.body.id}`, { workspace: 'org-456' })).status).toBe(403);
    expect((await scoped('PATCH', `/webhooks/${made.body.id}`, { name: 'Mine' })).body.name).toBe('Mine');
  });

  it("publishes and reads its organization's events and sees only its deliveries", async ({ api, receiver }) => {
    const { ids, scoped } = await scopedSetup(api, receiver.url);
    const own = await scoped('POST', '/events', { type: 'order.paid', data: { by: 'acme' } });
    expect([own.status, own.body.deliveries]).toEqual([202, 2]);
    expect((await scoped('POST', '/events', { type: 'order.paid', data: {}, organization: 'org-456' })).status).toBe(
      403,
    );
    const other = await api('POST', '/events', { type: 'order.paid', data: { by: 'globex' }, organization: 'org-456' });
    await receiver.waitFor(4, 30_000); // patient: two shared, loaded cores
    const paths = receiver.requests.map((r) => r.url).sort();
    expect(paths).toEqual(['/default', '/default', '/org-123', '/org-456']);

    expect((await scoped('GET', `/events/${own.body.event_id}`)).body.metadata).toEqual({ organization: 'org-123' });
    expect((await scoped('GET', `/events/${other.body.event_id}`)).status).toBe(404);
    const relayed = await scoped('POST', '/webhooks/receive', { from: 'zapier' });
    expect(relayed.status).toBe(202);
    expect((await scoped('GET', `/events/${relayed.body.event_id}`)).body.metadata).toMatchObject({
      organization: 'org-123',
    });
    const mine = (await scoped('GET', '/deliveries')).body.deliveries;
    expect(mine.map((d: { webhook_id: string }) => d.webhook_id)).toEqual([ids['org-123']]);
    expect((await api('GET', '/deliveries')).body.deliveries).toHaveLength(4);
  });

  it('is refused on routes outside its scope, and may not manage keys', async ({ api, receiver }) => {
    const { scoped } = await scopedSetup(api, receiver.url);
    for (const [method, path, body] of [
      ['GET', '/workflows'],
      ['POST', '/workflows/orders/deactivate'],
      ['GET', '/executions'],
      ['DELETE', '/events/evt_x/content'],
      ['GET', '/api-keys'],
      ['POST', '/api-keys', { name: 'escalate' }],
      ['DELETE', '/api-keys/key_x'],
      ['GET', '/metrics'],
    ] as const) {
      const answer = await scoped(method, path, body);
      expect([answer.status, answer.body.error?.code], `${method} ${path}`).toEqual([403, 'FORBIDDEN']);
    }
    expect((await scoped('GET', '/events')).status).toBe(200);
    expect((await api('GET', '/workflows')).status).toBe(200);
  });
});
