/**
 * Hostile or broken subscription rules end to end: a rule is compiled at save time exactly as it
 * will be loaded, a stored rule that no longer loads disables its webhook instead of stopping
 * the engine, a failed PATCH changes nothing, and a rule over its work budget is reported.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../engine/config.js';
import { createEngine, type Engine } from '../../engine/index.js';
import { RULE_LIMITS } from '../../engine/rules/index.js';
import { startReceiver, type Receiver } from '../fixtures/receiver.js';
import { FAST_DELIVERY } from '../helpers/engine-fixture.js';
import { makeTempDir, type TempDir } from '../helpers/temp.js';
import { until } from '../helpers/wait.js';

const KEY = 'hk_test_admin_0123456789';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiverForTest(): Promise<Receiver> {
  const receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  return receiver;
}

function tempDir(): TempDir {
  const dir = makeTempDir();
  cleanups.push(() => dir.remove());
  return dir;
}

/** A real engine on `dbPath` (an existing file is reused: that is a restart). */
async function startEngineOn(
  dir: TempDir,
  dbPath: string,
): Promise<{ engine: Engine; url: string; stop(): Promise<void> }> {
  const config = loadConfig({
    overrides: {
      ...FAST_DELIVERY,
      port: 0,
      host: '127.0.0.1',
      workflowsDir: dir.path,
      dbPath,
      logLevel: 'silent',
      encryptionKey: 'test-key',
      allowPrivateTargets: true,
      poolThreads: 1,
      apiKey: KEY,
      // The property test below may accept more webhooks than the default per-workspace limit.
      maxSubscriptionsPerWorkspace: 10_000,
    },
  });
  const engine = createEngine({ config, env: {} });
  const { url } = await engine.start();
  let stopped = false;
  cleanups.push(() => (stopped ? undefined : engine.stop()));
  return {
    engine,
    url,
    // A restart stops it first; the cleanup then leaves it alone.
    async stop() {
      stopped = true;
      await engine.stop();
    },
  };
}

async function api(base: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${KEY}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    // A string is sent as it is, so a test can send JSON that `JSON.stringify` cannot make (1e999).
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function settled(engine: Engine): Promise<void> {
  await until(
    async () =>
      (await engine.store.deliveryLog.listDeliveries({ statuses: ['pending', 'retrying', 'in_flight'] })).length ===
        0 && engine.delivery.backlog === 0,
    'all deliveries settled',
  );
}

describe('rules are compiled at save time as they load', () => {
  it('refuses a non-finite number (1e999) with 400 naming the field, and stores nothing', async () => {
    const receiver = await receiverForTest();
    const dir = tempDir();
    const { url } = await startEngineOn(dir, `${dir.path}/hookline.db`);
    const raw = `{"url":"${receiver.url}/x","events":["agent.*"],"conditions":{"n":{"lt":1e999}}}`;
    const created = await api(url, 'POST', '/webhooks', raw);
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({
      success: false,
      error: { code: 'INVALID_INPUT', details: { field: 'conditions.n.lt', expected: 'finite number' } },
    });
    expect((await api(url, 'GET', '/webhooks')).body.webhooks).toHaveLength(0);
  });

  it('refuses at save time a rule whose worst case over literal lists is over the budget', async () => {
    const dir = tempDir();
    const receiver = await receiverForTest();
    const { url } = await startEngineOn(dir, `${dir.path}/hookline.db`);
    let rule: unknown = { '==': [1, 1] };
    for (let i = 0; i < 8; i++) rule = { all: [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], rule] };
    const created = await api(url, 'POST', '/webhooks', {
      url: `${receiver.url}/x`,
      events: ['agent.*'],
      conditions: rule,
    });
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({
      code: 'INVALID_INPUT',
      details: { expected: `at most ${RULE_LIMITS.maxSteps} steps` },
    });
    expect(created.body.error.details.field).toMatch(/^conditions(\.all\[1\])*\.all$/);
  });

  it('leaves the row as it was when a PATCH with a valid name has an invalid condition', async () => {
    const receiver = await receiverForTest();
    const dir = tempDir();
    const { url } = await startEngineOn(dir, `${dir.path}/hookline.db`);
    const created = await api(url, 'POST', '/webhooks', {
      name: 'Before',
      url: `${receiver.url}/x`,
      events: ['agent.*'],
      conditions: { n: { lt: 3 } },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const before = (await api(url, 'GET', `/webhooks/${id}`)).body;
    for (const body of [
      `{"name":"After","conditions":{"n":{"lt":1e999}}}`,
      { name: 'After', conditions: { n: { $bogus: 1 } } },
      { name: 'After', filters: { 'agent.*': { n: { lt: [1] } } } },
      { name: 'After', include_fields: ['a..b'] },
    ]) {
      const patched = await api(url, 'PATCH', `/webhooks/${id}`, body);
      expect(patched.status).toBe(400);
      expect(patched.body.error.code).toBe('INVALID_INPUT');
      expect((await api(url, 'GET', `/webhooks/${id}`)).body).toEqual(before);
    }
    const ok = await api(url, 'PATCH', `/webhooks/${id}`, { name: 'After', conditions: { n: { lt: 5 } } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: 'After', conditions: { n: { lt: 5 } } });
  });
});

/** Rule-like JSON with hostile leaves; non-finite numbers are sent as `1e999` / `-1e999`. */
const { node: hostileNode } = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.double({ noNaN: true }),
    fc.string({ maxLength: 6 }),
    fc.constantFrom(null, true, 0),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(
      fc.constantFrom('n', 'a.b', 'lt', '$gt', 'in', '$not', '$or', 'var', 'all', 'merge', 'reduce', '<', 'agent.*'),
      tie('node'),
      { maxKeys: 3 },
    ),
  ),
}));
const hostileBody = fc
  .record(
    {
      conditions: fc.dictionary(fc.constantFrom('n', '$or', 'some', '<', 'var', 'x.y'), hostileNode, { maxKeys: 2 }),
      filters: fc.dictionary(fc.constantFrom('agent.*', '*', 'include_fields', 'bad*'), hostileNode, { maxKeys: 2 }),
    },
    { requiredKeys: [] },
  )
  .map((rules) =>
    JSON.stringify({ url: 'http://127.0.0.1:9/x', events: ['agent.*'], ...rules }, (_key, value: unknown) =>
      typeof value === 'number' && !Number.isFinite(value) ? `__${value > 0 ? '' : '-'}INF__` : value,
    )
      .replaceAll('"__INF__"', '1e999')
      .replaceAll('"__-INF__"', '-1e999'),
  );

describe('hostile rules over the API', () => {
  it('answer 201 or 400 naming a field, and every accepted rule loads after a restart', async () => {
    const dir = tempDir();
    const dbPath = `${dir.path}/hookline.db`;
    const first = await startEngineOn(dir, dbPath);
    const accepted: string[] = [];
    await fc.assert(
      fc.asyncProperty(hostileBody, async (body) => {
        const answer = await api(first.url, 'POST', '/webhooks', body);
        expect([201, 400]).toContain(answer.status);
        if (answer.status === 201) {
          accepted.push(answer.body.id);
          return;
        }
        expect(answer.body).toMatchObject({ success: false, error: { code: 'INVALID_INPUT' } });
        expect(typeof answer.body.error.details.field).toBe('string');
      }),
      { numRuns: 80, seed: 11 },
    );
    expect(accepted.length).toBeGreaterThan(0);
    await first.stop();
    const second = await startEngineOn(dir, dbPath);
    const reloaded = await second.engine.delivery.subscriptions.list();
    expect(reloaded.map((s) => s.id).sort()).toEqual([...accepted].sort());
    expect(reloaded.filter((s) => !s.enabled)).toEqual([]);
  });
});

describe('a stored rule that no longer loads', () => {
  it('disables its webhook with the reason and an event, and the engine starts and delivers the others', async () => {
    const receiver = await receiverForTest();
    const dir = tempDir();
    const dbPath = `${dir.path}/hookline.db`;
    const first = await startEngineOn(dir, dbPath);
    const subscriptions = first.engine.delivery.subscriptions;
    const broken = await subscriptions.create({
      url: `${receiver.url}/broken`,
      events: ['agent.*'],
      conditions: { n: { lt: 3 } },
    });
    const garbled = await subscriptions.create({
      url: `${receiver.url}/garbled`,
      events: ['agent.*'],
      filters: { 'agent.*': { n: 1 } },
    });
    const trimmed = await subscriptions.create({
      url: `${receiver.url}/trimmed`,
      events: ['agent.*'],
      include_fields: ['n'],
    });
    await subscriptions.create({ url: `${receiver.url}/ok`, events: ['agent.*'], conditions: { n: { lt: 3 } } });
    await subscriptions.create({ url: `${receiver.url}/ops`, events: ['webhook.disabled'] });
    await first.stop();

    // What the 1e999 left behind before this fix, or a hand edit: valid JSON, not a valid rule.
    const db = new Database(dbPath);
    const changed = db
      .prepare('UPDATE subscriptions SET conditions = ? WHERE id = ?')
      .run('{"n":{"lt":null}}', broken.subscription.id);
    // A hand edit that is not even JSON.
    const garbledRow = db
      .prepare('UPDATE subscriptions SET filters = ? WHERE id = ?')
      .run('{"agent.*": {"n": 1', garbled.subscription.id);
    db.prepare('UPDATE subscriptions SET include_fields = ? WHERE id = ?').run('["n"', trimmed.subscription.id);
    db.close();
    expect(changed.changes).toBe(1);
    expect(garbledRow.changes).toBe(1);

    const second = await startEngineOn(dir, dbPath);
    const engine = second.engine;
    const stored = await engine.delivery.subscriptions.get(broken.subscription.id);
    expect(stored.enabled).toBe(false);
    expect(stored.disabledReason).toContain('conditions.n.lt');
    expect(stored.disabledReason).toMatch(/^Rules failed to load: /);

    // The API still shows both, disabled with the reason.
    for (const id of [broken.subscription.id, garbled.subscription.id, trimmed.subscription.id]) {
      const shown = await api(second.url, 'GET', `/webhooks/${id}`);
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({ status: 'disabled' });
      expect(shown.body.disabled_reason).toMatch(/^Rules failed to load: /);
    }
    const garbledNow = await engine.delivery.subscriptions.get(garbled.subscription.id);
    expect(garbledNow).toMatchObject({ enabled: false, filters: '{"agent.*": {"n": 1' });
    expect(garbledNow.disabledReason).toMatch(/^Rules failed to load: .*'filters'/);

    await receiver.waitUntil((requests) => requests.filter((r) => r.url === '/ops').length === 3);
    const disabled = receiver.requests.filter((r) => r.url === '/ops').map((r) => JSON.parse(r.body));
    expect(disabled.map((event) => [event.type, event.data.webhook_id, event.data.field]).sort()).toEqual(
      [
        ['webhook.disabled', broken.subscription.id, 'conditions.n.lt'],
        ['webhook.disabled', garbled.subscription.id, 'filters'],
        ['webhook.disabled', trimmed.subscription.id, 'include_fields'],
      ].sort(),
    );

    await engine.publishEvent('agent.started', { n: 1 });
    await receiver.waitUntil((requests) => requests.some((r) => r.url === '/ok'));
    await settled(engine);
    expect(receiver.requests.filter((r) => ['/broken', '/garbled', '/trimmed'].includes(r.url))).toHaveLength(0);
    expect(receiver.requests.filter((r) => r.url === '/ok')).toHaveLength(1);

    // Enabling it again needs rules that load: refused naming the field, until they are fixed.
    await expect(engine.delivery.subscriptions.setEnabled(broken.subscription.id, true)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: { field: 'conditions.n.lt' },
    });
    expect((await engine.delivery.subscriptions.get(broken.subscription.id)).enabled).toBe(false);
    const fixed = await engine.delivery.subscriptions.update(broken.subscription.id, {
      conditions: { n: { lt: 3 } },
      enabled: true,
    });
    expect(fixed).toMatchObject({ enabled: true, disabledReason: null });
    await engine.publishEvent('agent.started', { n: 2 });
    await receiver.waitUntil((requests) => requests.some((r) => r.url === '/broken'));
    expect(engine.delivery.matcher.get(broken.subscription.id)?.rules.logic).not.toBeNull();
  });
});

describe('a rule over its work budget', () => {
  it('counts as no match, is counted on the matcher, and is reported once per webhook per minute', async () => {
    const receiver = await receiverForTest();
    const dir = tempDir();
    const { engine } = await startEngineOn(dir, `${dir.path}/hookline.db`);
    let rule: unknown = { '==': [1, 1] };
    for (let i = 0; i < 8; i++) rule = { all: [{ var: '$event.data.list' }, rule] };
    const hostile = await engine.delivery.subscriptions.create({
      url: `${receiver.url}/hostile`,
      events: ['agent.*'],
      conditions: rule,
    });
    await engine.delivery.subscriptions.create({
      url: `${receiver.url}/ops`,
      events: ['webhook.rule_budget_exceeded'],
    });
    await engine.delivery.subscriptions.create({ url: `${receiver.url}/plain`, events: ['agent.*'] });
    const list = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    await engine.publishEvent('agent.started', { list });
    await engine.publishEvent('agent.started', { list });
    await receiver.waitUntil((requests) => requests.filter((r) => r.url === '/plain').length === 2);
    await receiver.waitUntil((requests) => requests.some((r) => r.url === '/ops'));
    await settled(engine);
    // Each event's stopped evaluation is counted once, when the fan-out plans it (publishing's own
    // match count neither counts nor reports).
    expect(engine.delivery.matcher.budgetExceeded).toBe(2);
    expect(receiver.requests.filter((r) => r.url === '/hostile')).toHaveLength(0);
    const reports = receiver.requests.filter((r) => r.url === '/ops').map((r) => JSON.parse(r.body));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      type: 'webhook.rule_budget_exceeded',
      data: { webhook_id: hostile.subscription.id },
    });
    expect(reports[0].data.steps).toBeLessThanOrEqual(RULE_LIMITS.maxSteps);
    // A short list is within budget and delivered.
    await engine.publishEvent('agent.started', { list: [1] });
    await receiver.waitUntil((requests) => requests.some((r) => r.url === '/hostile'));
  });
});
