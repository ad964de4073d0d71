/**
 * Hostile bodies, connections and callers: deep JSON, prototype keys, guessing credentials,
 * telling trigger ids apart, slow and endless uploads, odd query strings, long ids, short secrets.
 */
import { connect, type Socket } from 'node:net';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { credentials, incomingWorkflows, TOKENS } from '../fixtures/incoming.js';
import { describe, expect, it } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/engine.js';

const API_KEY = 'hk_admin_hardening_0123456789';
const bearer = { authorization: `Bearer ${TOKENS.bearer}` };
const admin = { authorization: `Bearer ${API_KEY}` };
const engineOptions = (config: Record<string, unknown> = {}) => ({
  workflows: incomingWorkflows,
  credentials,
  config: { apiKey: API_KEY, ...config },
});

/** The fields of the answers these tests read. */
interface ReplyBody {
  success: boolean;
  error: { code: string; message: string; details: { field: string } };
  id: string;
  secret: string;
  webhooks: Array<{ id: string }>;
  next_cursor: string | null;
}

/** A request from a given loopback address (127.0.0.0/8 is all local on Linux), so tests can be several callers. */
function send(
  running: TestEngine,
  method: 'GET' | 'POST',
  path: string,
  options: { body?: string; headers?: Record<string, string>; from?: string } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: ReplyBody }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      `${running.url}${path}`,
      {
        method,
        localAddress: options.from ?? '127.0.0.1',
        agent: false,
        headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: text ? JSON.parse(text) : null,
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('deep and hostile JSON', () => {
  it('answers 400 naming the depth limit on every JSON route, and keeps listings working', async ({
    startEngine,
    receiver,
  }) => {
    const running = await startEngine(engineOptions({ maxJsonDepth: 64 }));
    const deep = nested(5000);
    const routes: Array<[string, string, Record<string, string>]> = [
      ['/webhooks/workflows/orders', `{"input_data":{"list":${deep}}}`, bearer],
      ['/api/v1/events', `{"type":"custom.deep","data":${deep}}`, admin],
      ['/api/v1/webhooks/receive', `{"a":${deep}}`, admin],
      ['/api/v1/webhooks', `{"url":"${receiver.url}","events":["*"],"metadata":${deep}}`, admin],
    ];
    for (const [path, body, headers] of routes) {
      const response = await send(running, 'POST', path, { body, headers });
      expect(response.status, path).toBe(400);
      expect(response.body.success).toBe(false);
      expect(response.body.error.code).toBe('INVALID_INPUT');
      expect(response.body.error.message).toContain('64');
    }
    // Just inside the limit (the trigger's own body is level 1, input_data level 2).
    const inside = await send(running, 'POST', '/webhooks/workflows/orders', {
      body: `{"input_data":{"list":${nested(61)}}}`,
      headers: bearer,
    });
    expect(inside.status).toBe(202);
    const listing = await send(running, 'GET', '/api/v1/executions?limit=500', { headers: admin });
    expect(listing.status).toBe(200);
  });

  it('refuses __proto__ and constructor.prototype keys, even when spelled with escapes', async ({ startEngine }) => {
    const running = await startEngine(engineOptions());
    for (const body of [
      '{"input_data":{"__proto__":{"polluted":true}}}',
      '{"input_data":{"\\u005f_proto__":{"polluted":true}}}',
      '{"input_data":{"constructor":{"prototype":{"polluted":true}}}}',
    ]) {
      const response = await send(running, 'POST', '/webhooks/workflows/orders', { body, headers: bearer });
      expect(response.status, body).toBe(400);
      expect(response.body.error.code).toBe('INVALID_INPUT');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const plain = await send(running, 'POST', '/webhooks/workflows/orders', {
      body: '{"input_data":{"constructor":"a name","text":"\\u00e9"}}',
      headers: bearer,
    });
    expect(plain.status).toBe(202);
  });
});

describe('failed authentication', () => {
  it('throttles an address that keeps guessing, and only that address', async ({ startEngine }) => {
    const running = await startEngine(engineOptions({ failedAuthLimit: 3, failedAuthWindowSec: 60 }));
    const body = '{"input_data":{}}';
    const guess = (from: string) =>
      send(running, 'POST', '/webhooks/workflows/orders', { body, headers: { authorization: 'Bearer guess' }, from });
    const valid = (from: string) =>
      send(running, 'POST', '/webhooks/workflows/orders', { body, headers: bearer, from });

    // A valid caller's successes never count as failures.
    for (let i = 0; i < 5; i++) expect((await valid('127.0.0.1')).status).toBe(202);
    for (let i = 0; i < 3; i++) expect((await guess('127.0.0.2')).status).toBe(404);
    const throttled = await guess('127.0.0.2');
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('RATE_LIMITED');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // The right credentials from the throttled address are not even looked at.
    expect((await valid('127.0.0.2')).status).toBe(429);
    // The trigger's valid caller elsewhere keeps getting through.
    expect((await valid('127.0.0.1')).status).toBe(202);
  });

  it('counts wrong API keys the same way', async ({ startEngine }) => {
    const running = await startEngine(engineOptions({ failedAuthLimit: 2, failedAuthWindowSec: 60 }));
    const wrong = { authorization: 'Bearer hk_guess' };
    expect((await send(running, 'GET', '/api/v1/webhooks', { headers: wrong, from: '127.0.0.3' })).status).toBe(401);
    expect((await send(running, 'GET', '/api/v1/webhooks', { from: '127.0.0.3' })).status).toBe(401);
    const throttled = await send(running, 'POST', '/api/v1/webhooks/receive', {
      body: '{}',
      headers: wrong,
      from: '127.0.0.3',
    });
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBeDefined();
    expect((await send(running, 'GET', '/api/v1/webhooks', { headers: admin })).status).toBe(200);
  });
});

describe('trigger enumeration', () => {
  it('answers an unknown, a known and an inactive trigger alike to a caller without credentials', async ({
    startEngine,
  }) => {
    const running = await startEngine(engineOptions());
    const body = '{"input_data":{}}';
    const answers = await Promise.all(
      [
        ['/webhooks/workflows/no-such-workflow', {}],
        ['/webhooks/workflows/orders', {}],
        ['/webhooks/workflows/orders', { authorization: 'Bearer wrong' }],
        ['/webhooks/workflows/paused', {}],
        ['/webhooks/workflows/paused', { authorization: 'Bearer wrong' }],
      ].map(([path, headers]) =>
        send(running, 'POST', path as string, { body, headers: headers as Record<string, string> }),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('NOT_FOUND');
      expect(answer.body.error.message).toMatch(/^No trigger listens on POST \/webhooks\/workflows\//);
      expect(answer.headers['www-authenticate']).toBeUndefined();
    }
    // An authenticated caller learns that the workflow is inactive.
    const paused = await send(running, 'POST', '/webhooks/workflows/paused', { body, headers: bearer });
    expect(paused.status).toBe(409);
    expect(paused.body.error.code).toBe('WORKFLOW_INACTIVE');
  });
});

/** Resolves when the server closes `socket`, with everything it sent before. */
function closed(socket: Socket): Promise<string> {
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  return new Promise((resolve) => socket.on('close', () => resolve(received)));
}

function open(running: TestEngine): Promise<Socket> {
  const { port } = new URL(running.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('connections', () => {
  const timeouts = { headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 300, connectionTimeoutMs: 5000 };

  it('closes a connection whose headers trickle in (slowloris)', { timeout: 20_000 }, async ({ startEngine }) => {
    const running = await startEngine(engineOptions(timeouts));
    const socket = await open(running);
    const done = closed(socket);
    socket.write('POST /webhooks/workflows/orders HTTP/1.1\r\nHost: hookline\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X'), 50);
    try {
      expect(await done).toMatch(/^(HTTP\/1\.1 408|$)/);
    } finally {
      clearInterval(drip);
    }
  });

  it('closes a connection whose body trickles in, with 408', { timeout: 20_000 }, async ({ startEngine }) => {
    const running = await startEngine(engineOptions(timeouts));
    const socket = await open(running);
    const done = closed(socket);
    socket.write(
      'POST /webhooks/workflows/orders HTTP/1.1\r\nHost: hookline\r\nContent-Type: application/json\r\n' +
        `Authorization: Bearer ${TOKENS.bearer}\r\nContent-Length: 1000\r\n\r\n{`,
    );
    const drip = setInterval(() => socket.writable && socket.write(' '), 50);
    try {
      expect(await done).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      clearInterval(drip);
    }
  });

  it('answers an unauthenticated upload and closes the connection instead of reading it', async ({ startEngine }) => {
    // Long timeouts: only the early close can end this connection before the test's own timeout.
    const running = await startEngine(engineOptions());
    const socket = await open(running);
    const done = closed(socket);
    socket.write(
      'POST /webhooks/workflows/orders HTTP/1.1\r\nHost: hookline\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${200 * 1024 * 1024}\r\n\r\n`,
    );
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (socket.writable && socket.write(chunk));
    };
    socket.on('drain', pump);
    pump();
    const received = await done;
    expect(received).toMatch(/^HTTP\/1\.1 404/);
    expect(received.toLowerCase()).toContain('connection: close');
  });

  it('closes an idle keep-alive connection', { timeout: 20_000 }, async ({ startEngine }) => {
    const running = await startEngine(engineOptions(timeouts));
    const socket = await open(running);
    const done = closed(socket);
    socket.write('GET /healthz HTTP/1.1\r\nHost: hookline\r\n\r\n');
    expect(await done).toMatch(/^HTTP\/1\.1 200/);
  });
});

describe('query strings, ids and secrets', () => {
  it('answers 400 to offsets and cursors that are not small whole numbers', async ({ startEngine }) => {
    const running = await startEngine(engineOptions());
    const cursor = (text: string) => Buffer.from(text).toString('base64url');
    for (const path of [
      '/webhooks?offset=99999999999999999999',
      '/webhooks?offset=1.5',
      '/webhooks?offset=-1',
      `/webhooks?cursor=${cursor('1.5')}`,
      `/webhooks?cursor=${cursor('1e400')}`,
      `/webhooks?cursor=${cursor('99999999999999999999')}`,
      `/webhooks?cursor=${cursor('-3')}`,
      '/webhooks?cursor=!!!',
      '/executions?offset=99999999999999999999',
      '/deliveries?offset=1e400',
      '/webhooks/wh_x/deliveries?offset=99999999999999999999',
      '/webhooks/wh_x/logs?offset=99999999999999999999',
    ]) {
      const response = await send(running, 'GET', `/api/v1${path}`, { headers: admin });
      expect(response.status, path).toBe(400);
      expect(response.body.error.code, path).toBe('INVALID_INPUT');
    }
  });

  it('follows next_cursor through a listing', async ({ startEngine, receiver }) => {
    const running = await startEngine(engineOptions());
    for (const name of ['a', 'b'])
      expect(
        (
          await send(running, 'POST', '/api/v1/webhooks', {
            body: JSON.stringify({ name, url: receiver.url, events: ['*'] }),
            headers: admin,
          })
        ).status,
      ).toBe(201);
    const first = await send(running, 'GET', '/api/v1/webhooks?limit=1', { headers: admin });
    const second = await send(running, 'GET', `/api/v1/webhooks?limit=1&cursor=${first.body.next_cursor}`, {
      headers: admin,
    });
    expect(second.status).toBe(200);
    expect(second.body.webhooks).toHaveLength(1);
    expect(second.body.webhooks[0].id).not.toBe(first.body.webhooks[0].id);
    expect(second.body.next_cursor).toBeNull();
  });

  it('answers a too-long id with 414 and a bad URL with 400, in our error shape', async ({ startEngine }) => {
    const running = await startEngine(engineOptions());
    const long = await send(running, 'GET', `/api/v1/webhooks/${'x'.repeat(500)}`, { headers: admin });
    expect(long.status).toBe(414);
    expect(long.body).toMatchObject({ success: false, error: { code: 'URI_TOO_LONG' } });
    const bad = await send(running, 'GET', '/api/v1/webhooks/%E0%A4%A', { headers: admin });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, error: { code: 'INVALID_INPUT' } });
  });

  it('refuses user-chosen secrets shorter than 16 characters; generated ones are 32 random bytes', async ({
    startEngine,
    receiver,
  }) => {
    const running = await startEngine(engineOptions());
    const create = (secret?: string, profile?: string) =>
      send(running, 'POST', '/api/v1/webhooks', {
        body: JSON.stringify({ url: receiver.url, events: ['*'], ...(secret ? { secret } : {}), profile }),
        headers: admin,
      });
    const short = await create('eight-ch');
    expect(short.status).toBe(400);
    expect(short.body.error.details.field).toContain('secret');
    // Seed 000's plain secret suits its own profile, not Standard Webhooks (whose secrets are base64).
    const standard = await create('my-webhook-secret');
    expect(standard.status).toBe(400);
    expect(standard.body.error.details.field).toBe('secret');
    const seed = await create('my-webhook-secret', 'admin-do');
    expect(seed.status).toBe(201);
    expect(seed.body.secret).toBe('my-webhook-secret');
    const generated = await create();
    expect(Buffer.from(generated.body.secret.replace(/^whsec_/, ''), 'base64')).toHaveLength(32);
    const rotate = (secret: string) =>
      send(running, 'POST', `/api/v1/webhooks/${seed.body.id}/rotate-secret`, {
        body: JSON.stringify({ secret }),
        headers: admin,
      });
    expect((await rotate('12345678')).status).toBe(400);
    expect((await rotate('a-rotated-secret-long-enough')).status).toBe(200);
  });
});
