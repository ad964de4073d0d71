/**
 * Publishing events over real sockets: `POST /api/v1/events` under an `Idempotency-Key` (a repeat
 * answers with the first event and writes nothing; the same key with another body is a CONFLICT),
 * publishers' event type schemas (`PUT /api/v1/event-types/{type}`) that the publish then checks,
 * the catalog that lists them, and (on PostgreSQL) a registration made by one engine process used
 * by another on the same database. Runs on both stores.
 */
import { describe, expect, test as fixtureTest } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/engine.js';
import { TEST_STORE } from '../helpers/store.js';

const KEY = 'hk_test_event_types_0123';

function apiOf(running: TestEngine) {
  return async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${running.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${KEY}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
}

const it = fixtureTest.extend<{ running: TestEngine; api: ReturnType<typeof apiOf> }>({
  running: async ({ startEngine }, use) => {
    await use(await startEngine({ config: { apiKey: KEY } }));
  },
  api: async ({ running }, use) => {
    await use(apiOf(running));
  },
});

const ORDER_SCHEMA = {
  type: 'object',
  required: ['order_id', 'total'],
  properties: {
    order_id: { type: 'string', pattern: '^ord_[0-9a-z]+$' },
    total: { type: 'number', minimum: 0 },
    items: { type: 'array', items: { $ref: '#/$defs/item' } },
  },
  $defs: { item: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } } },
};

async function storedEvents(running: TestEngine, type: string) {
  return running.engine.store.listEvents({ type, limit: 100 });
}

describe('POST /api/v1/events with an Idempotency-Key', () => {
  it('answers a repeat with the first event and writes no second one', async ({ api, running }) => {
    const body = { type: 'order.completed', data: { order_id: 'o-1', lines: [1, 2] } };
    const first = await api('POST', '/events', body, { 'idempotency-key': 'pay-4711' });
    expect(first.status).toBe(202);
    // The same request with its fields in another order is the same request.
    const again = { data: { lines: [1, 2], order_id: 'o-1' }, type: 'order.completed' };
    const second = await api('POST', '/events', again, { 'idempotency-key': 'pay-4711' });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ success: true, event_id: first.body.event_id, duplicate: true });
    expect((await storedEvents(running, 'order.completed')).map((e) => e.id)).toEqual([first.body.event_id]);
  });

  it('accepts one event for one key when repeats arrive at once', async ({ api, running }) => {
    const body = { type: 'order.completed', data: { order_id: 'o-2' } };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => api('POST', '/events', body, { 'idempotency-key': 'burst-1' })),
    );
    const ids = new Set(answers.map((a) => a.body.event_id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(await storedEvents(running, 'order.completed')).toHaveLength(1);
  });

  it('refuses the same key with another body as a CONFLICT naming the first event', async ({ api, running }) => {
    const first = await api(
      'POST',
      '/events',
      { type: 'order.completed', data: { n: 1 } },
      { 'idempotency-key': 'k-9' },
    );
    const other = await api(
      'POST',
      '/events',
      { type: 'order.completed', data: { n: 2 } },
      { 'idempotency-key': 'k-9' },
    );
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({
      success: false,
      error: { code: 'CONFLICT', details: { idempotency_key: 'k-9', event_id: first.body.event_id } },
    });
    expect(await storedEvents(running, 'order.completed')).toHaveLength(1);
  });

  it('keeps different keys and unkeyed publishes apart', async ({ api, running }) => {
    const body = { type: 'order.completed', data: { n: 1 } };
    const a = await api('POST', '/events', body, { 'idempotency-key': 'a' });
    const b = await api('POST', '/events', body, { 'idempotency-key': 'b' });
    const c = await api('POST', '/events', body);
    const d = await api('POST', '/events', body);
    expect([a.status, b.status, c.status, d.status]).toEqual([202, 202, 202, 202]);
    expect(new Set([a, b, c, d].map((x) => x.body.event_id)).size).toBe(4);
    expect(await storedEvents(running, 'order.completed')).toHaveLength(4);
  });

  it('keeps each organization’s keys apart: one reusing another’s key publishes its own event', async ({ api }) => {
    const key = { 'idempotency-key': 'order-1' };
    const first = await api('POST', '/events', { type: 'order.completed', data: { n: 1 }, organization: 'org-a' }, key);
    const other = await api('POST', '/events', { type: 'order.completed', data: { n: 2 }, organization: 'org-b' }, key);
    const repeat = await api(
      'POST',
      '/events',
      { type: 'order.completed', data: { n: 1 }, organization: 'org-a' },
      key,
    );
    expect([first.status, other.status, repeat.status]).toEqual([202, 202, 200]);
    expect(other.body.event_id).not.toBe(first.body.event_id);
    expect(repeat.body.event_id).toBe(first.body.event_id);
  });

  it('refuses a key that is empty or too long', async ({ api }) => {
    const body = { type: 'order.completed', data: {} };
    for (const key of ['', 'x'.repeat(256)]) {
      const answer = await api('POST', '/events', body, { 'idempotency-key': key });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('INVALID_INPUT');
    }
  });
});

describe('event type schemas', () => {
  it('registers a schema, lists it in the catalog, and checks published data against it', async ({ api }) => {
    const put = await api('PUT', '/event-types/invoice.settled', { description: 'Paid in full', schema: ORDER_SCHEMA });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ type: 'invoice.settled', description: 'Paid in full', schema: ORDER_SCHEMA });
    const catalog = (await api('GET', '/events')).body.events as {
      type: string;
      schema: { properties: { data: unknown } };
    }[];
    expect(catalog.find((e) => e.type === 'invoice.settled')).toMatchObject({
      description: 'Paid in full',
      source: 'custom',
      schema: { properties: { data: ORDER_SCHEMA } },
    });
    const good = { order_id: 'ord_1', total: 12.5, items: [{ sku: 'A' }] };
    expect((await api('POST', '/events', { type: 'invoice.settled', data: good })).status).toBe(202);
    const cases: [unknown, string][] = [
      [{ total: 1 }, 'data.order_id'],
      [{ order_id: 'ord_1', total: -1 }, 'data.total'],
      [{ order_id: 'ORD-1', total: 1 }, 'data.order_id'],
      [{ order_id: 'ord_1', total: 1, items: [{ sku: 3 }] }, 'data.items.0.sku'],
    ];
    for (const [data, field] of cases) {
      const bad = await api('POST', '/events', { type: 'invoice.settled', data });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'INVALID_INPUT', details: { field } });
    }
  });

  it('replaces a schema with a new version and removes it', async ({ api }) => {
    const v1 = await api('PUT', '/event-types/invoice.settled', { schema: { type: 'object' } });
    const v2 = await api('PUT', '/event-types/invoice.settled', { schema: ORDER_SCHEMA });
    expect(v2.status).toBe(200);
    expect(v2.body.version).toBeGreaterThan(v1.body.version);
    expect((await api('GET', '/event-types/invoice.settled')).body.version).toBe(v2.body.version);
    expect((await api('POST', '/events', { type: 'invoice.settled', data: {} })).status).toBe(400);
    expect((await api('DELETE', '/event-types/invoice.settled')).status).toBe(200);
    expect((await api('POST', '/events', { type: 'invoice.settled', data: {} })).status).toBe(202);
    expect((await api('GET', '/event-types/invoice.settled')).status).toBe(404);
    expect((await api('DELETE', '/event-types/invoice.settled')).status).toBe(404);
  });

  it('lets a publisher type a seed type it sends, and refuses types the engine emits', async ({ api }) => {
    const order = await api('PUT', '/event-types/order.completed', { schema: ORDER_SCHEMA });
    expect(order.status).toBe(201);
    expect((await api('POST', '/events', { type: 'order.completed', data: { total: 1 } })).status).toBe(400);
    const engine = await api('PUT', '/event-types/workflow.completed', { schema: { type: 'object' } });
    expect(engine.status).toBe(400);
    expect(engine.body.error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'type' } });
  });

  it('holds at most maxEventTypes registered types; replacing one still works', async ({ startEngine }) => {
    const api = apiOf(await startEngine({ config: { apiKey: KEY, maxEventTypes: 2 } }));
    for (const type of ['a.one', 'a.two'])
      expect((await api('PUT', `/event-types/${type}`, { schema: {} })).status).toBe(201);
    const third = await api('PUT', '/event-types/a.three', { schema: {} });
    expect(third.status).toBe(422);
    expect(third.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 2 } });
    expect((await api('PUT', '/event-types/a.two', { schema: { type: 'object' } })).status).toBe(200);
  });

  it('refuses hostile schemas with a 400 that names the problem', async ({ api }) => {
    const deep: Record<string, unknown> = { type: 'object' };
    let at = deep;
    for (let i = 0; i < 40; i++) at = (at.properties = { a: { type: 'object' } }).a as Record<string, unknown>;
    const cases: [unknown, RegExp][] = [
      [{ $ref: 'https://evil.example/schema.json' }, /schema\.\$ref/],
      [{ properties: { a: { $ref: '#/nowhere' } } }, /schema\.properties\.a\.\$ref/],
      [{ anyOf: [{ items: { $ref: '#' } }, { type: 'string' }] }, /recursive/],
      [{ type: 'string', pattern: '^(a+)\\1$' }, /back-references/],
      [{ type: 'string', pattern: '(?=x)' }, /look-around/],
      [{ type: 'array', uniqueItems: true }, /maxItems/],
      [{ type: 'object', $id: 'https://evil.example/s' }, /\$id/],
      [{ type: 'strnig' }, /not a valid JSON Schema/],
      [{ type: 'string', formatt: 'email' }, /not a valid JSON Schema.*formatt/],
      [deep, /nested deeper/],
    ];
    for (const [schema, problem] of cases) {
      const answer = await api('PUT', '/event-types/thing.happened', { schema });
      expect(answer.status, JSON.stringify(schema).slice(0, 80)).toBe(400);
      expect(answer.body.error.code).toBe('INVALID_INPUT');
      expect(answer.body.error.message).toMatch(problem);
    }
    expect((await api('GET', '/event-types')).body.event_types).toEqual([]);
  });

  it('checks a pattern in linear time: a catastrophic one for V8 answers at once', async ({ api }) => {
    const schema = { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } } };
    expect((await api('PUT', '/event-types/thing.happened', { schema })).status).toBe(201);
    const data = { s: `${'a'.repeat(50_000)}!` };
    const answer = await api('POST', '/events', { type: 'thing.happened', data });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.field).toBe('data.s');
  });
});

describe.skipIf(TEST_STORE !== 'postgres')('event type schemas across processes (PostgreSQL)', () => {
  it('applies a registration made by one engine to the next publish on another', async ({ running, startEngine }) => {
    const other = await startEngine({ config: { apiKey: KEY }, sharedStore: running.location });
    const [here, there] = [apiOf(running), apiOf(other)];
    // The other process has read the (empty) registry before the registration.
    expect((await there('POST', '/events', { type: 'invoice.settled', data: {} })).status).toBe(202);
    expect((await here('PUT', '/event-types/invoice.settled', { schema: ORDER_SCHEMA })).status).toBe(201);
    const refused = await there('POST', '/events', { type: 'invoice.settled', data: { order_id: 'ord_1' } });
    expect(refused.body.error).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'data.total' } });
    expect((await there('GET', '/event-types/invoice.settled')).body.version).toBeGreaterThan(0);
    // And the same Idempotency-Key is one event across both.
    const body = { type: 'order.completed', data: { n: 1 } };
    const first = await here('POST', '/events', body, { 'idempotency-key': 'shared-1' });
    const repeat = await there('POST', '/events', body, { 'idempotency-key': 'shared-1' });
    expect(repeat.body).toMatchObject({ event_id: first.body.event_id, duplicate: true });
  });
});
