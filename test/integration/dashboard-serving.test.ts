/**
 * The dashboard's files at /dashboard (content types, caching, no way out of the built folder) and
 * the live stream at /api/v1/stream (API key or single-use token, notices of new deliveries,
 * attempts and executions, a bound on clients, closed when the engine stops).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { chain, node } from '../fixtures/workflows.js';
import { openEventStream } from '../helpers/event-stream.js';
import { describe, expect, FAST_DELIVERY, test } from '../helpers/engine-fixture.js';
import { createTestSchema, postgresAvailable } from '../helpers/postgres.js';
import { TEST_STORE } from '../helpers/store.js';
import { makeTempDir, type TempDir } from '../helpers/temp.js';

const API_KEY = 'hk_dashboard_serving_0123456789';
const auth = { authorization: `Bearer ${API_KEY}` };
const SECRET = 'outside-the-dashboard-folder';

/** A raw GET: the path goes out exactly as written (fetch would resolve `..` first). */
function rawGet(base: string, path: string, headers: Record<string, string> = {}) {
  const { port } = new URL(base);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port: Number(port), path, headers, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

let site: TempDir;
let dashboardDir: string;
beforeEach(() => {
  site = makeTempDir('hookline-site-');
  dashboardDir = join(site.path, 'dashboard');
  mkdirSync(join(dashboardDir, 'assets'), { recursive: true });
  writeFileSync(join(dashboardDir, 'index.html'), '<!doctype html><title>Hookline</title>');
  writeFileSync(join(dashboardDir, 'app-ABCD1234.js'), 'console.log(1)');
  writeFileSync(join(dashboardDir, 'assets', 'logo.svg'), '<svg/>');
  site.file('secret.txt', SECRET);
});
afterEach(() => site.remove());

describe('dashboard files', () => {
  test('/ redirects to /dashboard/, which serves index.html with a CSP and revalidation', async ({ startEngine }) => {
    const { url } = await startEngine({ config: { dashboardDir } });
    const root = await rawGet(url, '/');
    expect([root.status, root.headers.location]).toEqual([302, '/dashboard/']);
    const bare = await rawGet(url, '/dashboard');
    expect([bare.status, bare.headers.location]).toEqual([301, '/dashboard/']);
    const page = await rawGet(url, '/dashboard/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Hookline</title>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    const again = await rawGet(url, '/dashboard/', { 'if-none-match': String(page.headers.etag) });
    expect(again.status).toBe(304);
  });

  test('hashed assets are cached for good, others typed by extension', async ({ startEngine }) => {
    const { url } = await startEngine({ config: { dashboardDir } });
    const script = await rawGet(url, '/dashboard/app-ABCD1234.js');
    expect([script.status, script.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(script.headers['x-content-type-options']).toBe('nosniff');
    const logo = await rawGet(url, '/dashboard/assets/logo.svg');
    expect([logo.status, logo.headers['content-type'], logo.headers['cache-control']]).toEqual([
      200,
      'image/svg+xml',
      'no-cache',
    ]);
  });

  test.for([
    '/dashboard/../secret.txt',
    '/dashboard/assets/../../secret.txt',
    '/dashboard/%2e%2e/secret.txt',
    '/dashboard/..%2fsecret.txt',
    '/dashboard/%2e%2e%2fsecret.txt',
    '/dashboard/..%5csecret.txt',
    '/dashboard/%252e%252e%252fsecret.txt',
    '/dashboard//etc/passwd',
    '/dashboard/index.html%00.txt',
    '/dashboard/assets',
    '/dashboard/nope.js',
  ])('%s is a 404 in the error shape, never a file outside the folder', async (path, { startEngine }) => {
    const { url } = await startEngine({ config: { dashboardDir } });
    const answer = await rawGet(url, path);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain(SECRET);
    expect(JSON.parse(answer.body)).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });

  test('an engine without a built dashboard says how to build it', async ({ startEngine }) => {
    const { url } = await startEngine({ config: { dashboardDir: join(site.path, 'missing') } });
    const answer = await rawGet(url, '/dashboard/');
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body).error.message).toContain('npm run build');
  });
});

describe('/api/v1/stream', () => {
  test('refuses a request without a key, with a wrong key, or with an unknown token', async ({ startEngine }) => {
    const { url } = await startEngine({ config: { apiKey: API_KEY } });
    for (const [path, headers] of [
      ['/api/v1/stream', {}],
      ['/api/v1/stream', { authorization: 'Bearer wrong' }],
      ['/api/v1/stream?token=not-a-token', {}],
    ] as const) {
      const answer = await rawGet(url, path, headers);
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Bearer realm="hookline-api"');
      expect(JSON.parse(answer.body)).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
    }
  });

  test('refuses a key scoped to an organization: the notices name every organization', async ({ startEngine }) => {
    const { url } = await startEngine({ config: { apiKey: API_KEY } });
    const made = await fetch(`${url}/api/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'org-123 only', organization: 'org-123' }),
    });
    const { key } = (await made.json()) as { key: string };
    const stream = await rawGet(url, '/api/v1/stream', { authorization: `Bearer ${key}` });
    expect(stream.status).toBe(403);
    expect(JSON.parse(stream.body)).toMatchObject({ success: false, error: { code: 'FORBIDDEN' } });
    const token = await fetch(`${url}/api/v1/stream/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(token.status).toBe(403);
  });

  test('a token opens one stream once; notices of deliveries and attempts arrive', async ({ setup }) => {
    const { receiver, running } = await setup({ apiKey: API_KEY });
    const issued = await fetch(`${running.url}/api/v1/stream/tokens`, { method: 'POST', headers: auth });
    expect(issued.status).toBe(201);
    const { token, stream_url: streamUrl } = (await issued.json()) as { token: string; stream_url: string };
    expect(streamUrl).toBe(`/api/v1/stream?token=${token}`);
    const stream = await openEventStream(`${running.url}${streamUrl}`);
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      await stream.next('ready');
      // Used once: the same token opens nothing more.
      expect((await rawGet(running.url, streamUrl)).status).toBe(401);
      const created = await fetch(`${running.url}/api/v1/webhooks`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url, events: ['order.created'] }),
      });
      const { id } = (await created.json()) as { id: string };
      await fetch(`${running.url}/api/v1/events`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'order.created', data: { n: 1 } }),
      });
      expect((await stream.next('deliveries')).data).toMatchObject({ kind: 'deliveries' });
      const attempts = (await stream.next('attempts')).data as { webhook_id: string; attempts: unknown[] };
      expect(attempts).toMatchObject({
        webhook_id: id,
        attempts: [{ attempt: 1, response_code: 200, status: 'succeeded' }],
      });
    } finally {
      stream.close();
    }
  });

  test('the API key opens it too; executions are announced', async ({ startEngine }) => {
    const running = await startEngine({
      config: { ...FAST_DELIVERY, apiKey: API_KEY },
      workflows: {
        hello: {
          id: 'hello',
          name: 'Hello',
          active: true,
          nodes: [node('Start', 'hookline.manualTrigger'), node('Set', 'hookline.set', { fields: { a: 1 } })],
          connections: chain('Start', 'Set'),
        },
      },
    });
    const stream = await openEventStream(`${running.url}/api/v1/stream`, auth);
    try {
      await stream.next('ready');
      await running.engine.runManually('hello', [{ n: 1 }]);
      expect((await stream.next('executions')).data).toMatchObject({ kind: 'executions' });
      expect((await stream.next('executions')).data).toMatchObject({ kind: 'executions', status: 'succeeded' });
    } finally {
      stream.close();
    }
  });

  test('one client more than streamMaxClients is refused with 429 and Retry-After', async ({ startEngine }) => {
    const running = await startEngine({ config: { apiKey: API_KEY, streamMaxClients: 1 } });
    const first = await openEventStream(`${running.url}/api/v1/stream`, auth);
    try {
      await first.next('ready');
      const second = await rawGet(running.url, '/api/v1/stream', auth);
      expect(second.status).toBe(429);
      expect(second.headers['retry-after']).toBe('5');
      expect(JSON.parse(second.body).error).toMatchObject({
        code: 'RATE_LIMITED',
        details: { retry_after_seconds: 5 },
      });
    } finally {
      first.close();
    }
  });

  test('stopping the engine ends every open stream', async ({ startEngine }) => {
    const running = await startEngine({ config: { apiKey: API_KEY } });
    const stream = await openEventStream(`${running.url}/api/v1/stream`, auth);
    await stream.next('ready');
    await running.engine.stop();
    await stream.ended;
  });
});

describe.skipIf(TEST_STORE !== 'postgres' || !(await postgresAvailable()))('/api/v1/stream on a shared store', () => {
  test('a stream on one process shows the deliveries of an event published through another', async ({
    startEngine,
    receiver,
  }) => {
    const schema = await createTestSchema('stream');
    try {
      const config = { ...FAST_DELIVERY, apiKey: API_KEY, databaseUrl: schema.urlWithSchema };
      const watched = await startEngine({ config });
      const other = await startEngine({ config });
      const stream = await openEventStream(`${watched.url}/api/v1/stream`, auth);
      try {
        await stream.next('ready');
        const created = await fetch(`${other.url}/api/v1/webhooks`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ url: receiver.url, events: ['order.created'] }),
        });
        expect(created.status).toBe(201);
        await fetch(`${other.url}/api/v1/events`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'order.created', data: { n: 1 } }),
        });
        expect((await stream.next('deliveries', 30_000)).data).toMatchObject({ kind: 'deliveries' });
        await receiver.waitFor(1);
      } finally {
        stream.close();
        await other.stop();
        await watched.stop();
      }
    } finally {
      await schema.drop();
    }
  });
});
