/**
 * Property-based bad input at every route: malformed, deep and prototype-polluting bodies, odd
 * headers, hostile query strings and path ids (the dashboard's files and the live stream too), and
 * garbage on the raw socket. Whatever arrives, the answer is never a 5xx, every error is in the
 * seed's shape, and `/healthz` keeps answering.
 */
import { mkdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { connect } from 'node:net';
import fc from 'fast-check';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { credentials, incomingWorkflows, TOKENS } from '../fixtures/incoming.js';
import {
  N8N_BAD_INPUT_ID,
  n8nBadInputCredentials,
  n8nBadInputJwt,
  n8nBadInputWorkflows,
} from '../fixtures/n8n-webhook.js';
import { hostileSchema, schemaWithOneHostilePart } from '../fixtures/hostile-schemas.js';
import { describe, expect, it } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/engine.js';
import { makeTempDir } from '../helpers/temp.js';

const API_KEY = 'hk_admin_bad_input_0123456789';
const RUNS = 200;

interface Answer {
  status: number;
  text: string;
}

interface Attempt {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** One connection per attempt: a refusal may close it, and a reused socket would blur which attempt failed. */
function send(running: TestEngine, attempt: Attempt): Promise<Answer> {
  const { port } = new URL(running.url);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port: Number(port),
        method: attempt.method,
        path: attempt.path + attempt.query,
        agent: false,
        // Framed explicitly: node's client sends a DELETE's body unframed, which reads as a second request.
        headers: {
          ...attempt.headers,
          ...(attempt.body !== undefined ? { 'content-length': String(Buffer.byteLength(attempt.body)) } : {}),
        },
      },
      (response) => {
        // A stream never ends by itself (GET /api/v1/stream): its status and type are the answer.
        if (String(response.headers['content-type']).startsWith('text/event-stream')) {
          response.destroy();
          return resolve({ status: response.statusCode ?? 0, text: '' });
        }
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(attempt.body);
  });
}

/** The property: no 5xx, and every refusal in `{"success":false,"error":{"code","message"}}`. */
function expectHandled(attempt: Attempt, answer: Answer): void {
  const where = `${attempt.method} ${attempt.path}${attempt.query} ${JSON.stringify(attempt.headers)} ${String(attempt.body).slice(0, 300)}\n→ ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, where).toBeLessThan(500);
  if (answer.status >= 400) {
    const body = JSON.parse(answer.text) as { success: unknown; error: { code: unknown; message: unknown } };
    expect(body.success, where).toBe(false);
    expect(typeof body.error.code, where).toBe('string');
    expect(typeof body.error.message, where).toBe('string');
  }
}

// Arbitraries.

const printable = (maxLength: number) => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${maxLength}}$`));
const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '\\u005f_proto__',
];
const HOSTILE_NUMBERS = [
  '1e400',
  '1.5',
  '-1',
  '99999999999999999999',
  'NaN',
  'Infinity',
  '-0',
  '0x10',
  '',
  ' ',
  '[]',
  '{}',
];

/** A type with a registered schema, so publishes of it are checked against one. */
const REGISTERED_TYPE = 'invoice.settled';
const REGISTERED_SCHEMA = {
  type: 'object',
  required: ['n'],
  properties: { n: { type: 'integer' }, code: { type: 'string', pattern: '^(a+)+$' } },
};

const deepJson = fc
  .tuple(fc.integer({ min: 50, max: 6000 }), fc.constantFrom('[', '{"a":', '{"input_data":'))
  .map(([depth, open]) => open.repeat(depth) + '1' + (open === '[' ? ']' : '}').repeat(depth));

/** An object spelled as text, so `__proto__` stays a key rather than becoming a prototype. */
const hostileObject: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 })), tie('value')), {
        maxLength: 4,
      })
      .map(
        (pairs) => `{${pairs.map(([k, v]) => `${k.startsWith('\\') ? `"${k}"` : JSON.stringify(k)}:${v}`).join(',')}}`,
      ),
  ),
})).value;

const printableJson = printable(120).map((text) => JSON.stringify(text));

/** A body that looks like what a route wants, with one field swapped for something hostile. */
const shapedBody = (receiverUrl: string) =>
  fc
    .record(
      {
        input_data: hostileObject,
        message: fc.oneof(fc.string(), hostileObject),
        type: fc.oneof(fc.constantFrom('custom.thing', 'a.b', '', REGISTERED_TYPE), fc.string()),
        data: hostileObject,
        url: fc.oneof(
          fc.constant(JSON.stringify(receiverUrl)),
          fc.string().map((s) => JSON.stringify(s)),
        ),
        events: fc.oneof(fc.constant('["*"]'), hostileObject),
        secret: fc.oneof(
          fc.string({ maxLength: 40 }).map((s) => JSON.stringify(s)),
          fc.constantFrom('"my-webhook-secret"', '"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"', '"whsec_abc"'),
        ),
        // Wire profiles (issue 15): a preset with the fields it sets, each of which may override it.
        profile: fc.oneof(
          fc.constantFrom('"admin-do"', '"aetherflow"', '"agenticflow"', '"unified"', '"admin"', 'null', '"none"'),
          hostileObject,
        ),
        signature_scheme: fc.oneof(
          fc.constantFrom('"standard-webhooks"', '"timestamped"', '"hex"', 'null'),
          hostileObject,
        ),
        signature_header: fc.oneof(fc.constantFrom('"X-Admin-Signature"', '"Content-Length"', 'null'), printableJson),
        timestamp_header: fc.oneof(
          fc.constantFrom('"X-Admin-Timestamp"', '"X-Webhook-Signature"', '"webhook-id"', '"Host"', 'null', '""'),
          printableJson,
        ),
        timestamp_unit: fc.oneof(fc.constantFrom('"s"', '"ms"', '"us"', '1000', 'null'), hostileObject),
        retry_policy: fc.oneof(
          fc.constantFrom('{"schedule_seconds":[]}', '{"schedule_seconds":[-1]}', '{"schedule_seconds":[1e400]}'),
          hostileObject,
        ),
        headers: hostileObject,
        since: fc.oneof(
          fc.constant('"2020-01-01T00:00:00Z"'),
          fc.string().map((s) => JSON.stringify(s)),
        ),
        only_failed: fc.oneof(fc.constantFrom('true', 'false'), hostileObject),
        limit: fc.constantFrom(...HOSTILE_NUMBERS.filter((n) => /^[-\d]/.test(n)), '1', '0', '1e400'),
        rate_limit: fc.constantFrom(...HOSTILE_NUMBERS.filter((n) => /^[-\d]/.test(n)), '1', '0', 'null', '"5"', '1.5'),
        rateLimit: fc.constantFrom('1', '10000', '10001', '-1', 'null', '{}'),
        name: fc.oneof(fc.constant('"ci"'), hostileObject),
        organization: fc.oneof(
          fc.constantFrom('"org-123"', '"org-456"', '"default"', '""', '" x "'),
          fc.string().map((s) => JSON.stringify(s)),
          hostileObject,
        ),
        workspace: fc.oneof(fc.constantFrom('"org-123"', '"org-456"'), hostileObject),
        // PUT /api/v1/event-types/{type}: a publisher's schema is hostile input too.
        schema: fc
          .oneof(hostileSchema, schemaWithOneHostilePart, fc.constant(REGISTERED_SCHEMA))
          .map((v) => JSON.stringify(v)),
        description: fc
          .oneof(fc.string({ maxLength: 20 }), hostileObject)
          .map((v) => (v.startsWith('{') ? v : JSON.stringify(v))),
      },
      { requiredKeys: [] },
    )
    .map(
      (fields) =>
        `{${Object.entries(fields)
          .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
          .join(',')}}`,
    );

const body = (receiverUrl: string) =>
  fc.oneof(
    fc.constant(undefined),
    fc.json(),
    hostileObject,
    deepJson,
    { weight: 3, arbitrary: shapedBody(receiverUrl) },
    fc.string({ maxLength: 200 }),
    fc.constantFrom('', '{', '[1,', '{"a":1}}', 'null', 'true', '"text"', '\u0000', '{"a":"\\ud800"}', '\ufeff{}'),
  );

const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          'limit',
          'offset',
          'cursor',
          'status',
          'start',
          'end',
          'workflow_id',
          'organization',
          'token',
          'event_type',
          'event_id',
          'webhook_id',
        ),
        fc.constantFrom(...HOSTILE_KEYS),
        fc.string({ maxLength: 10 }),
      ),
      fc.oneof(
        fc.constantFrom(...HOSTILE_NUMBERS, TOKENS.url),
        // Delivery search: status words and lists, and cursors that decode to a row position or past any.
        fc.constantFrom('undelivered', 'failed,expired', 'success,undelivered', ',', 'failed,', 'ZDE', 'ZDA', 'ZC0x'),
        fc.bigInt({ min: 0n, max: 10n ** 30n }).map((n) => Buffer.from(`d${n}`).toString('base64url')),
        fc.constantFrom(...HOSTILE_NUMBERS).map((n) => Buffer.from(n).toString('base64url')),
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
        fc.string({ maxLength: 30 }),
      ),
    ),
    { maxLength: 5 },
  )
  .map((pairs) =>
    pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : '',
  );

const pathValue = (known: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known) },
    fc.string({ minLength: 1, maxLength: 20 }).map(encodeURIComponent),
    fc.string({ minLength: 90, maxLength: 400 }).map(encodeURIComponent),
    fc.constantFrom('__proto__', 'constructor', 'prototype', '%00', '%E0%A4%A', '%', '..%2F..', '%2F', 'a%20b'),
  );

const headers = (authorizations: string[]) =>
  fc
    .record(
      {
        // Mostly valid credentials, so most attempts get past authentication to the code under test.
        authorization: fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...authorizations) },
          fc.constantFrom('Bearer', 'Bearer ', 'Basic !!!', `Basic ${Buffer.from(':').toString('base64')}`),
          printable(60),
        ),
        'content-type': fc.oneof(
          { weight: 6, arbitrary: fc.constant('application/json') },
          fc.constantFrom(
            'application/json',
            'application/json; charset=utf-8',
            'application/json; charset=utf-16',
            'application/vnd.api+json',
            'text/plain',
            'multipart/form-data; boundary=x',
            'application/x-www-form-urlencoded',
            'application/json;;;',
          ),
          printable(40),
        ),
        'idempotency-key': printable(80),
        'webhook-id': printable(80),
        'x-webhook-source': printable(40),
        'x-hub-signature-256': printable(80),
        'stripe-signature': printable(80),
      },
      { requiredKeys: ['authorization', 'content-type'] },
    )
    .map((record) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== '')));

// The routes.

interface Route {
  method: string;
  template: string;
  /** Path values that exist, tried most often. */
  known?: string[];
  /** Credentials that pass, tried most often. */
  auth?: string[];
  /** A query every attempt starts with (a URL token). */
  query?: string;
}

const BASIC = `Basic ${Buffer.from(`${TOKENS.user}:${TOKENS.password}`).toString('base64')}`;
const TRIGGER_ROUTES: Route[] = [
  { method: 'POST', template: '/webhooks/workflows/{workflow}', known: ['orders', 'paused', 'sync'] },
  { method: 'POST', template: '/webhooks/agents/{agent}', known: ['support-bot'], query: `token=${TOKENS.url}` },
  { method: 'POST', template: '/webhook/forms/contact', auth: [BASIC] },
  { method: 'PUT', template: '/webhook/{path}', known: ['forms%2Fcontact', 'nope'], auth: [BASIC] },
  { method: 'POST', template: '/api/v1/webhooks/receive', auth: [`Bearer ${API_KEY}`] },
  // n8n's Webhook node at n8n's URLs: basic and JWT auth, the test URL, a dynamic path, several methods.
  { method: 'POST', template: '/webhook/n8n/orders', auth: [BASIC] },
  { method: 'POST', template: '/webhook-test/n8n/respond', auth: [`Bearer ${n8nBadInputJwt()}`] },
  { method: 'GET', template: `/webhook/${N8N_BAD_INPUT_ID}/items/{item}`, known: ['7', '%2F', '..'] },
  {
    method: 'POST',
    template: '/webhook/{path}',
    known: [`${N8N_BAD_INPUT_ID}%2Fitems%2F7`, 'n8n%2Forders', 'n8n%2Frespond'],
    auth: [BASIC],
  },
  { method: 'OPTIONS', template: '/webhook-test/{path}', known: ['n8n%2Forders', `${N8N_BAD_INPUT_ID}%2Fitems%2Fx`] },
  { method: 'GET', template: '/metrics', auth: [`Bearer ${API_KEY}`] },
  // The dashboard's files: hidden from the OpenAPI document, served without a key.
  {
    method: 'GET',
    template: '/dashboard/{file}',
    known: ['index.html', 'app-ABCD1234.js', '..%2Fsecret.txt', '%2e%2e/secret.txt', '..', 'assets/../..'],
  },
  { method: 'GET', template: '/{file}', known: ['dashboard', 'dashboard/', ''] },
];

async function apiRoutes(running: TestEngine): Promise<Route[]> {
  const response = await fetch(`${running.url}/api/v1/openapi.json`, {
    headers: { authorization: `Bearer ${API_KEY}` },
  });
  const document = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths).flatMap(([template, operations]) =>
    Object.keys(operations)
      .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map((method) => ({ method: method.toUpperCase(), template })),
  );
}

/** A built dashboard's shape, in a folder removed when the process exits. */
function dashboardFiles(): string {
  const site = makeTempDir('hookline-bad-input-site-');
  process.once('exit', () => site.remove());
  mkdirSync(join(site.path, 'dashboard'));
  site.file('dashboard/index.html', '<!doctype html><title>Hookline</title>');
  site.file('dashboard/app-ABCD1234.js', 'console.log(1)');
  site.file('secret.txt', 'outside');
  return join(site.path, 'dashboard');
}

async function prepare(startEngine: (options: object) => Promise<TestEngine>, receiverUrl: string) {
  const running = await startEngine({
    workflows: { ...incomingWorkflows, ...n8nBadInputWorkflows },
    credentials: [...credentials, ...n8nBadInputCredentials],
    // Throttling would answer most attempts 429 before they reach the code under test.
    config: {
      apiKey: API_KEY,
      failedAuthLimit: 0,
      rateLimitPerMinute: 0,
      maxSubscriptionsPerWorkspace: 10_000,
      headersTimeoutMs: 2000,
      requestTimeoutMs: 2000,
      dashboardDir: dashboardFiles(),
    },
  });
  const created = await fetch(`${running.url}/api/v1/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: receiverUrl, events: ['*'] }),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  // A stored event, so the event routes (read, erase) are tried on one that exists too.
  const published = await fetch(`${running.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'custom.thing', data: { n: 1 } }),
  });
  expect(published.status).toBe(202);
  const { event_id: eventId } = (await published.json()) as { event_id: string };
  const registered = await fetch(`${running.url}/api/v1/event-types/${REGISTERED_TYPE}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ schema: REGISTERED_SCHEMA }),
  });
  expect(registered.status).toBe(201);
  // A key scoped to an organization: every route is tried with it too (403 off its scope, 404 for others' ids).
  const made = await fetch(`${running.url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'scoped', organization: 'org-123' }),
  });
  expect(made.status).toBe(201);
  const scoped = (await made.json()) as { id: string; key: string };
  // An execution, so the execution routes (read, stop) are tried on one that exists too.
  const triggered = await fetch(`${running.url}/webhooks/workflows/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKENS.bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ input_data: { n: 1 } }),
  });
  expect(triggered.status).toBe(202);
  const { execution_id: executionId } = (await triggered.json()) as { execution_id: string };
  return { running, webhookId: id, eventId, executionId, scopedKey: scoped.key, scopedKeyId: scoped.id };
}

const API_AUTH = [`Bearer ${API_KEY}`];
const TRIGGER_AUTH = [`Bearer ${TOKENS.bearer}`];

function attempts(route: Route, known: string[], receiverUrl: string, authorizations: string[]): fc.Arbitrary<Attempt> {
  return fc
    .record({
      values: fc.array(pathValue(route.known ?? known), { minLength: 2, maxLength: 2 }),
      query: queryString.map((q) => (route.query ? (q ? `?${route.query}&${q.slice(1)}` : `?${route.query}`) : q)),
      headers: headers(route.auth ?? authorizations),
      body: body(receiverUrl),
    })
    .map(({ values, query, headers: chosen, body: text }) => {
      let index = 0;
      const path = route.template.replace(/\{[^}]+\}/g, () => values[index++ % values.length]);
      // A body without a declared type is what fastify calls a bad media type; send one anyway.
      return { method: route.method, path, query, headers: chosen, body: route.method === 'GET' ? undefined : text };
    });
}

async function expectHealthy(running: TestEngine): Promise<void> {
  const health = await fetch(`${running.url}/healthz`);
  expect(health.status).toBe(200);
}

async function throwAt(
  running: TestEngine,
  route: Route,
  known: string[],
  receiverUrl: string,
  authorizations: string[],
): Promise<void> {
  let count = 0;
  // The engine runs in this process: its event loop is this one. No input may block it; p99 rather
  // than the maximum, because two shared cores can deschedule the whole process for a moment.
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  try {
    await fc.assert(
      fc.asyncProperty(attempts(route, known, receiverUrl, authorizations), async (attempt) => {
        expectHandled(attempt, await send(running, attempt));
        if (++count % 50 === 0) await expectHealthy(running);
      }),
      { numRuns: RUNS },
    );
  } finally {
    lag.disable();
  }
  await expectHealthy(running);
  expect(lag.percentile(99) / 1e6, `event-loop lag p99 during ${route.method} ${route.template}`).toBeLessThan(100);
}

describe('bad input at every route', () => {
  it(
    'trigger routes, /webhooks/receive, /metrics and the dashboard’s files answer 4xx in our shape, never 5xx',
    { timeout: 120_000 },
    async ({ startEngine, receiver }) => {
      const { running } = await prepare(startEngine, receiver.url);
      const ids = ['orders', 'paused', 'support-bot', 'forms/contact', 'nope'];
      for (const route of TRIGGER_ROUTES) await throwAt(running, route, ids, receiver.url, TRIGGER_AUTH);
    },
  );

  it(
    'every /api/v1 route answers 4xx in our shape, never 5xx',
    { timeout: 300_000 },
    async ({ startEngine, receiver }) => {
      const { running, webhookId, eventId, executionId, scopedKey, scopedKeyId } = await prepare(
        startEngine,
        receiver.url,
      );
      const routes = await apiRoutes(running);
      expect(routes.length).toBeGreaterThan(15);
      expect(routes).toContainEqual({ method: 'DELETE', template: '/api/v1/events/{id}/content' });
      expect(routes).toContainEqual({ method: 'DELETE', template: '/api/v1/api-keys/{id}' });
      expect(routes).toContainEqual({ method: 'POST', template: '/api/v1/executions/{id}/stop' });
      // Each route gets its own share of the runs, with ids that exist as well as hostile ones, and
      // with the admin key as well as one scoped to an organization.
      const known = [webhookId, eventId, executionId, 'orders', 'del_x', 'exec_x', scopedKeyId, REGISTERED_TYPE];
      for (const route of routes)
        await throwAt(running, route, known, receiver.url, [...API_AUTH, `Bearer ${scopedKey}`]);
    },
  );

  it(
    'garbage on the raw socket never gets a 5xx, and the server keeps answering',
    { timeout: 120_000 },
    async ({ startEngine, receiver }) => {
      const { running } = await prepare(startEngine, receiver.url);
      const { port } = new URL(running.url);
      const raw = fc.oneof(
        fc.string({ maxLength: 300 }),
        fc
          .tuple(
            fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'BREW', ''),
            fc.oneof(fc.constantFrom('/webhooks/workflows/orders', '/api/v1/webhooks', '/healthz', '*'), printable(80)),
            fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9', ''),
            fc.array(printable(60), { maxLength: 5 }),
            fc.string({ maxLength: 100 }),
          )
          .map(
            ([method, target, version, lines, rest]) =>
              `${method} ${target} ${version}\r\n${lines.join('\r\n')}\r\n\r\n${rest}`,
          ),
      );
      await fc.assert(
        fc.asyncProperty(raw, async (text) => {
          const received = await new Promise<string>((resolve) => {
            let data = '';
            const socket = connect({ host: '127.0.0.1', port: Number(port) }, () => socket.end(text, 'latin1'));
            socket.on('data', (chunk) => (data += chunk.toString('latin1')));
            socket.on('error', () => undefined);
            socket.on('close', () => resolve(data));
          });
          const status = /^HTTP\/1\.[01] (\d{3})/.exec(received)?.[1];
          expect(Number(status ?? 0), `${JSON.stringify(text)}\n→ ${received.slice(0, 200)}`).toBeLessThan(500);
        }),
        { numRuns: 200 },
      );
      await expectHealthy(running);
    },
  );
});

describe('bad input in the wire fields of a webhook (profile, timestamp_header, timestamp_unit, secret)', () => {
  it('create and patch answer 4xx in our shape, never 5xx', { timeout: 120_000 }, async ({ startEngine, receiver }) => {
    const { running, webhookId } = await prepare(startEngine, receiver.url);
    for (const route of [
      { method: 'POST', template: '/api/v1/webhooks' },
      { method: 'PATCH', template: '/api/v1/webhooks/{id}' },
    ])
      await throwAt(running, route, [webhookId], receiver.url, API_AUTH);
  });

  it('each bad value is INVALID_INPUT naming its field', async ({ startEngine, receiver }) => {
    const { running } = await prepare(startEngine, receiver.url);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ profile: 'stripe' }, 'profile'],
      [{ timestamp_unit: 'us' }, 'timestamp_unit'],
      [{ timestamp_header: 'X Bad' }, 'timestamp_header'],
      [{ signature_scheme: 'timestamped', timestamp_header: 'webhook-id' }, 'timestamp_header'],
      [{ signature_scheme: 'timestamped', timestamp_header: 'X-Webhook-Signature' }, 'timestamp_header'],
      [{ retry_policy: { schedule_seconds: [] } }, 'retry_policy.schedule_seconds'],
      [{ secret: 'my-webhook-secret' }, 'secret'],
      [{ secret: 'my-webhook-secret', profile: 'admin-do', signature_scheme: 'standard-webhooks' }, 'secret'],
    ];
    for (const [fields, field] of cases) {
      const response = await fetch(`${running.url}/api/v1/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url, events: ['*'], ...fields }),
      });
      const answer = (await response.json()) as {
        success: boolean;
        error: { code: string; details: { field: string } };
      };
      expect([response.status, answer.error.code, answer.error.details.field], JSON.stringify(fields)).toEqual([
        400,
        'INVALID_INPUT',
        field,
      ]);
    }
  });
});
