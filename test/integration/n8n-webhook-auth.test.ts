/**
 * n8n's Webhook node's caller checks over real sockets: basic, header and JWT authentication from
 * the credentials file (n8n's credential types), the IP allowlist, bots, CORS, the body types n8n
 * reads, and the ingress limits that hold for every trigger.
 */
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookTestNodes, webhookWorkflow } from '../fixtures/n8n-webhook.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const JWT_SECRET = 'a-long-jwt-passphrase-for-tests';

const CREDENTIALS = [
  { id: 'basic-1', name: 'Basic', type: 'httpBasicAuth', data: { user: 'ada', password: 'lovelace' } },
  { id: 'header-1', name: 'Header', type: 'httpHeaderAuth', data: { name: 'X-Api-Key', value: 'k-123' } },
  {
    id: 'jwt-1',
    name: 'Jwt',
    type: 'jwtAuth',
    data: { keyType: 'passphrase', secret: JWT_SECRET, algorithm: 'HS256' },
  },
  {
    id: 'jwt-2',
    name: 'JwtPem',
    type: 'jwtAuth',
    data: { keyType: 'pemKey', publicKey: PUBLIC_PEM, algorithm: 'RS256' },
  },
];

const echo = (id: string, extra: Record<string, unknown>, credentials?: Record<string, { name: string }>) =>
  webhookWorkflow({
    id,
    parameters: { httpMethod: 'POST', path: id, responseMode: 'lastNode', responseData: 'allEntries', ...extra },
    credentials,
  });

const WORKFLOWS = {
  basic: echo('basic', { authentication: 'basicAuth' }, { httpBasicAuth: { name: 'Basic' } }),
  header: echo('header', { authentication: 'headerAuth' }, { httpHeaderAuth: { name: 'Header' } }),
  jwt: echo('jwt', { authentication: 'jwtAuth' }, { jwtAuth: { name: 'Jwt' } }),
  jwtPem: echo('jwt-pem', { authentication: 'jwtAuth' }, { jwtAuth: { name: 'JwtPem' } }),
  noCredential: echo('no-credential', { authentication: 'basicAuth' }),
  allowlist: echo('allowlist', { options: { ipWhitelist: '10.1.2.0/24, 192.168.7.7' } }),
  local: echo('local', { options: { ipWhitelist: '127.0.0.1' } }),
  bots: echo('bots', { options: { ignoreBots: true } }),
  cors: echo('cors', { options: { allowedOrigins: 'https://app.example.com,https://other.example.com' } }),
  raw: webhookWorkflow({
    id: 'raw',
    parameters: { httpMethod: 'POST', path: 'raw', responseMode: 'lastNode', options: { rawBody: true } },
    chain: [{ name: 'Binary', type: 'test.binary' }],
  }),
  // Hookline's own trigger on a custom path, which shares n8n's `/webhook/` prefix.
  hookline: {
    id: 'hookline',
    name: 'hookline',
    active: true,
    nodes: [
      {
        id: 'h1',
        name: 'Trigger',
        type: 'n8n-nodes-hookline.webhookTrigger',
        typeVersion: 1,
        position: [0, 0],
        parameters: { path: 'hookline-custom', authentication: 'none', options: { validateBody: false } },
      },
    ],
    connections: {},
  },
};

let engine: TestEngine;

beforeAll(async () => {
  engine = await startTestEngine({
    workflows: WORKFLOWS,
    credentials: CREDENTIALS,
    nodeTypes: webhookTestNodes,
    // Refusals here are expected; the failed-authentication throttle is tested elsewhere.
    config: { failedAuthLimit: 0, bodyLimitBytes: 4096 },
  });
});

afterAll(async () => {
  await engine?.stop();
});

const call = (path: string, headers: Record<string, string> = {}, body: string = '{}') =>
  fetch(`${engine.url}/webhook/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function expectRefused(answer: Response, status: number, message: string): Promise<void> {
  expect(answer.status).toBe(status);
  const code = status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'FORBIDDEN' : 'INVALID_CONFIG';
  expect(await answer.json()).toEqual({ success: false, error: { code, message } });
}

describe('basicAuth (httpBasicAuth)', () => {
  it("answers n8n's 401 and challenge without credentials, 403 with wrong ones", async () => {
    const none = await call('basic');
    expect(none.headers.get('www-authenticate')).toBe('Basic realm="Webhook"');
    await expectRefused(none, 401, 'Authorization is required!');
    await expectRefused(
      await call('basic', { authorization: basic('ada', 'wrong') }),
      403,
      'Authorization data is wrong!',
    );
    await expectRefused(
      await call('basic', { authorization: basic('bob', 'lovelace') }),
      403,
      'Authorization data is wrong!',
    );
  });

  it('lets the right user in, and hands the request on', async () => {
    const answer = await call('basic', { authorization: basic('ada', 'lovelace') }, '{"n":1}');
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject([{ body: { n: 1 } }]);
  });

  it('answers 500 when the node has no credential, as n8n does', async () => {
    await expectRefused(
      await call('no-credential', { authorization: basic('a', 'b') }),
      500,
      'No authentication data defined on node!',
    );
  });
});

describe('headerAuth (httpHeaderAuth)', () => {
  it('refuses a missing or wrong header with 403 and accepts the right one', async () => {
    await expectRefused(await call('header'), 403, 'Authorization data is wrong!');
    await expectRefused(await call('header', { 'x-api-key': 'k-124' }), 403, 'Authorization data is wrong!');
    expect((await call('header', { 'x-api-key': 'k-123' })).status).toBe(200);
  });
});

describe('jwtAuth (jwtAuth)', () => {
  const sign = (key: Uint8Array | typeof privateKey, alg: string, claims: Record<string, unknown> = { sub: 'ada' }) =>
    new SignJWT(claims).setProtectedHeader({ alg }).setIssuedAt().setExpirationTime('5m').sign(key);
  const secret = new TextEncoder().encode(JWT_SECRET);

  it('answers 401 without a token and 403 with a bad one, in the JWT library words', async () => {
    await expectRefused(await call('jwt'), 401, 'No token provided');
    const forged = await sign(new TextEncoder().encode('another-secret-entirely'), 'HS256');
    await expectRefused(await call('jwt', { authorization: `Bearer ${forged}` }), 403, 'invalid signature');
    await expectRefused(await call('jwt', { authorization: 'Bearer not.a.jwt' }), 403, 'jwt malformed');
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(1).sign(secret);
    await expectRefused(await call('jwt', { authorization: `Bearer ${expired}` }), 403, 'jwt expired');
  });

  it('accepts a token signed with the passphrase and adds its claims as jwtPayload', async () => {
    const token = await sign(secret, 'HS256', { sub: 'ada', role: 'admin' });
    const answer = await call('jwt', { authorization: `Bearer ${token}` });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject([{ jwtPayload: { sub: 'ada', role: 'admin' } }]);
  });

  it('verifies RS256 tokens against a PEM public key, refusing another algorithm', async () => {
    const token = await sign(privateKey, 'RS256');
    expect((await call('jwt-pem', { authorization: `Bearer ${token}` })).status).toBe(200);
    const hmac = await sign(secret, 'HS256');
    expect((await call('jwt-pem', { authorization: `Bearer ${hmac}` })).status).toBe(403);
  });
});

describe('source checks', () => {
  it('refuses an address outside the allowlist with 403 and lets a listed one in', async () => {
    await expectRefused(await call('allowlist'), 403, 'IP is not allowed to access the webhook!');
    expect((await call('local')).status).toBe(200);
  });

  it('refuses bots when ignoreBots is on', async () => {
    const bot = await call('bots', { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' });
    await expectRefused(bot, 403, 'Authorization data is wrong!');
    expect((await call('bots', { 'user-agent': 'curl/8.5.0' })).status).toBe(200);
  });

  it("answers a CORS preflight with 204 and n8n's headers, and sets the origin on the answer", async () => {
    const preflight = await fetch(`${engine.url}/webhook/cors`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://other.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://other.example.com');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('OPTIONS, POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
    const foreign = await call('cors', { origin: 'https://evil.example.com' });
    expect(foreign.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });
});

describe('bodies and limits', () => {
  it('reads form-urlencoded and text bodies as n8n does', async () => {
    const form = await call(
      'local',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'a=1&b=x&b=y&__proto__=z',
    );
    const [formItem] = (await form.json()) as Array<{ body: Record<string, unknown> }>;
    expect(formItem.body).toEqual({ a: '1', b: ['x', 'y'], ['__proto__']: 'z' });
    expect(Object.getPrototypeOf(formItem.body)).toBe(Object.prototype);
    const text = await call('local', { 'content-type': 'text/plain' }, 'hello');
    expect(await text.json()).toMatchObject([{ body: 'hello' }]);
  });

  it('keeps the raw body as binary data with rawBody, whatever its type', async () => {
    const bytes = await call('raw', { 'content-type': 'application/octet-stream' }, 'some bytes');
    expect(await bytes.json()).toEqual({ mimeType: 'application/octet-stream', text: 'some bytes' });
    const json = await call('raw', {}, '{"a":1}');
    expect(await json.json()).toEqual({ mimeType: 'application/json', text: '{"a":1}' });
  });

  it('hands other body types on with an empty body', async () => {
    const answer = await call('local', { 'content-type': 'application/octet-stream' }, 'bytes');
    expect(await answer.json()).toMatchObject([{ body: {} }]);
  });

  it('answers malformed JSON with 400 and an oversized body with 413, in the error shape', async () => {
    const malformed = await call('local', {}, '{"a":');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ success: false, error: { code: 'MALFORMED_JSON' } });
    const big = await call('local', {}, JSON.stringify({ pad: 'x'.repeat(8000) }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ success: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it("keeps Hookline's own trigger on JSON only: a form body there is still 415", async () => {
    const json = await fetch(`${engine.url}/webhook/hookline-custom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(json.status).toBe(202);
    const form = await fetch(`${engine.url}/webhook/hookline-custom`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.status).toBe(415);
    expect(await form.json()).toMatchObject({ success: false, error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });
});

describe('rate limits', () => {
  it('limits callers per workflow, node and credential with 429 and Retry-After', async () => {
    const limited = await startTestEngine({
      workflows: { basic: WORKFLOWS.basic },
      credentials: CREDENTIALS,
      config: { rateLimitPerMinute: 1 },
    });
    try {
      const send = () =>
        fetch(`${limited.url}/webhook/basic`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: basic('ada', 'lovelace') },
          body: '{}',
        });
      expect((await send()).status).toBe(200);
      const refused = await send();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ success: false, error: { code: 'RATE_LIMITED' } });
    } finally {
      await limited.stop();
    }
  });
});
