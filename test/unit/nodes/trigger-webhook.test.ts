import { createHmac } from 'node:crypto';
import { sign as octokitSign } from '@octokit/webhooks-methods';
import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { generateSecret } from '../../../engine/signing/index.js';
import { WebhookTrigger } from '../../../nodes/WebhookTrigger/WebhookTrigger.node.js';

const TOKEN = 'wh_1234567890abcdef';
const SIGNING_SECRET = 'a-shared-signing-secret-0123456789';

interface FakeRequest {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  ip?: string;
  rawBody?: Buffer;
}

interface Setup {
  params?: Record<string, unknown>;
  credentials?: Record<string, Record<string, unknown>>;
  request?: Partial<FakeRequest>;
  /** The body as sent; parsed for getBodyData() and kept as rawBody unless `rawBody: false`. */
  rawBody?: string | false;
  body?: unknown;
  /** `this.helpers` as a host sets it (the engine's `hooklineTrigger`); absent inside n8n. */
  helpers?: Record<string, unknown>;
}

interface Written {
  statusCode?: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** The n8n function context of a webhook call: the one stand-in the tests use. */
async function callWebhook(
  setup: Setup,
): Promise<{ result: IWebhookResponseData; written: Written; lookups: string[] }> {
  const raw =
    setup.rawBody === undefined ? JSON.stringify(setup.body ?? { input_data: { name: 'Ada' } }) : setup.rawBody;
  const body = setup.body ?? (raw === false ? {} : JSON.parse(raw));
  const request: FakeRequest = { headers: {}, query: {}, ip: '203.0.113.7', ...setup.request };
  if (raw !== false) request.rawBody = Buffer.from(raw, 'utf8');
  const written: Written = { headers: {} };
  const res = {
    status: (code: number) => ((written.statusCode = code), res),
    setHeader: (name: string, value: string) => ((written.headers[name] = value), res),
    json: (value: unknown) => ((written.body = value), res),
  };
  const params = setup.params ?? {};
  const credentials = setup.credentials ?? { hooklineTokenApi: { token: TOKEN } };
  const lookups: string[] = [];
  const context = {
    helpers: setup.helpers,
    getNodeParameter: (name: string, fallback?: unknown) => (name in params ? params[name] : fallback),
    getCredentials: async (type: string) => {
      lookups.push(type);
      if (!(type in credentials)) throw new Error(`Node has no credential of type '${type}'`);
      return credentials[type];
    },
    getRequestObject: () => request,
    getResponseObject: () => res,
    getBodyData: () => body,
    getParamsData: () => ({ id: 'wf_1' }),
  };
  const result = await new WebhookTrigger().webhook.call(context as unknown as IWebhookFunctions);
  return { result, written, lookups };
}

function errorOf(written: Written): { code: string; message: string; details?: Record<string, unknown> } {
  expect(written.body).toMatchObject({ success: false });
  return (written.body as { error: { code: string; message: string; details?: Record<string, unknown> } }).error;
}

describe('webhook(): accepted requests', () => {
  it('hands on one item with the body, redacted headers, query without token and params', async () => {
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'curl/8',
      authorization: 'Bearer other',
      cookie: 'session=1',
      'proxy-authorization': 'Basic eA==',
      'x-hub-signature-256': 'sha256=00',
      'stripe-signature': 't=1,v1=00',
      'webhook-signature': 'v1,AA==',
    };
    const { result, written } = await callWebhook({ request: { headers, query: { token: TOKEN, ref: 'abc' } } });
    expect(written.statusCode).toBeUndefined();
    expect(result.workflowData).toEqual([
      [
        {
          json: {
            body: { input_data: { name: 'Ada' } },
            headers: { 'content-type': 'application/json', 'user-agent': 'curl/8' },
            query: { ref: 'abc' },
            params: { id: 'wf_1' },
          },
        },
      ],
    ]);
  });

  it("answers onReceived with the seed's queued response, lastNode with none", async () => {
    const onReceived = await callWebhook({ request: { query: { token: TOKEN } } });
    expect(onReceived.result.webhookResponse).toEqual({
      success: true,
      message: 'Webhook processed successfully',
      status: 'queued',
    });
    const lastNode = await callWebhook({ params: { responseMode: 'lastNode' }, request: { query: { token: TOKEN } } });
    expect(lastNode.result.webhookResponse).toBeUndefined();
    expect(lastNode.result.workflowData).toHaveLength(1);
  });

  it('accepts an agent request with Basic auth', async () => {
    const { result } = await callWebhook({
      params: { kind: 'agent', agentId: 'abc123', authentication: 'basic' },
      credentials: { hooklineBasicAuthApi: { user: 'username', password: 'password' } },
      request: { headers: { authorization: 'Basic dXNlcm5hbWU6cGFzc3dvcmQ=' } },
      body: { message: 'Hello, I need help with my order #12345' },
    });
    expect(result.workflowData?.[0][0].json.body).toEqual({ message: 'Hello, I need help with my order #12345' });
    expect(result.workflowData?.[0][0].json.headers).toEqual({});
  });
});

describe('webhook(): rejected requests', () => {
  it('answers a wrong bearer token with 401 and WWW-Authenticate, and starts nothing', async () => {
    const { result, written } = await callWebhook({
      params: { authentication: 'bearer' },
      credentials: { hooklineBearerApi: { token: TOKEN } },
      request: { headers: { authorization: 'Bearer wh_wrong' } },
    });
    expect(result).toEqual({ noWebhookResponse: true });
    expect(written.statusCode).toBe(401);
    expect(written.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="hookline"' });
    expect(errorOf(written)).toEqual({ code: 'UNAUTHORIZED', message: 'Invalid bearer token' });
  });

  it('answers 401 for an authentication method it does not know, even one that is not text', async () => {
    for (const authentication of ['digest', 42]) {
      const { written } = await callWebhook({ params: { authentication }, request: { query: { token: TOKEN } } });
      expect(written.statusCode, String(authentication)).toBe(401);
    }
  });

  it('answers 401 when the configured credential cannot be loaded: never open', async () => {
    const { written } = await callWebhook({ credentials: {}, request: { query: { token: TOKEN } } });
    expect(written.statusCode).toBe(401);
    expect(errorOf(written).code).toBe('UNAUTHORIZED');
  });

  it('answers a caller outside the IP allowlist with 403 before checking credentials', async () => {
    const { result, written } = await callWebhook({
      params: { options: { ipAllowlist: '10.0.0.0/8' } },
      request: { ip: '::ffff:192.0.2.1' },
    });
    expect(result).toEqual({ noWebhookResponse: true });
    expect(written.statusCode).toBe(403);
    expect(errorOf(written).code).toBe('FORBIDDEN');
    const inside = await callWebhook({
      params: { options: { ipAllowlist: '10.0.0.0/8' } },
      request: { ip: '::ffff:10.1.2.3', query: { token: TOKEN } },
    });
    expect(inside.result.workflowData).toHaveLength(1);
  });

  it('answers a disallowed Origin with 403', async () => {
    const { written } = await callWebhook({
      params: { options: { allowedOrigins: 'https://app.example.com' } },
      request: { headers: { origin: 'https://evil.example' }, query: { token: TOKEN } },
    });
    expect(written.statusCode).toBe(403);
    expect(errorOf(written).message).toMatch(/Origin 'https:\/\/evil\.example'/);
  });

  it("answers a bad body with 400 INVALID_INPUT in the seed's shape", async () => {
    const { written } = await callWebhook({
      params: { kind: 'agent', agentId: 'abc123' },
      request: { query: { token: TOKEN } },
      body: { user_id: 'user_123' },
    });
    expect(written.statusCode).toBe(400);
    expect(written.body).toEqual({
      success: false,
      error: {
        code: 'INVALID_INPUT',
        message: "Required field 'message' is missing",
        details: { field: 'message', expected: 'string', received: 'null' },
      },
    });
  });

  it('lets any JSON object through when validateBody is off', async () => {
    const { result } = await callWebhook({
      params: { options: { validateBody: false } },
      request: { query: { token: TOKEN } },
      body: { anything: 1 },
    });
    expect(result.workflowData?.[0][0].json.body).toEqual({ anything: 1 });
  });
});

describe('webhook(): signatures made by the senders’ own libraries', () => {
  const body = JSON.stringify({ input_data: { order: 42, note: 'café ☕' } });
  const now = () => Math.floor(Date.now() / 1000);

  async function signed(
    signature: string,
    secret: string,
    headers: Record<string, string>,
    raw = body,
    extra: Record<string, unknown> = {},
  ) {
    return callWebhook({
      params: { authentication: 'none', signature, ...extra },
      credentials: { hooklineSigningSecretApi: { secret } },
      request: { headers },
      rawBody: raw,
      body: JSON.parse(body),
    });
  }

  it('accepts standardwebhooks Webhook.sign and rejects a tampered body', async () => {
    const secret = generateSecret();
    const timestampSec = now();
    const signature = new StandardWebhook(secret).sign('msg_1', new Date(timestampSec * 1000), body);
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(timestampSec),
      'webhook-signature': signature,
    };
    const ok = await signed('standard-webhooks', secret, headers);
    expect(ok.result.workflowData?.[0][0].json.headers).toEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(timestampSec),
    });
    const tampered = await signed('standard-webhooks', secret, headers, body.replace('42', '43'));
    expect(tampered.written.statusCode).toBe(401);
    expect(errorOf(tampered.written)).toMatchObject({ code: 'INVALID_SIGNATURE', details: { reason: 'mismatch' } });
  });

  it('rejects a standardwebhooks signature older than the tolerance', async () => {
    const secret = generateSecret();
    const timestampSec = now() - 120;
    const signature = new StandardWebhook(secret).sign('msg_2', new Date(timestampSec * 1000), body);
    const headers = {
      'webhook-id': 'msg_2',
      'webhook-timestamp': String(timestampSec),
      'webhook-signature': signature,
    };
    expect((await signed('standard-webhooks', secret, headers)).result.workflowData).toHaveLength(1);
    const strict = await signed('standard-webhooks', secret, headers, body, { toleranceSec: 60 });
    expect(errorOf(strict.written)).toMatchObject({ code: 'INVALID_SIGNATURE', details: { reason: 'timestamp' } });
  });

  it('accepts @octokit/webhooks-methods sign (GitHub) and rejects another secret', async () => {
    const headers = { 'x-hub-signature-256': await octokitSign(SIGNING_SECRET, body) };
    expect((await signed('github', SIGNING_SECRET, headers)).result.workflowData).toHaveLength(1);
    const forged = { 'x-hub-signature-256': await octokitSign('another-secret-entirely-000', body) };
    const rejected = await signed('github', SIGNING_SECRET, forged);
    expect(rejected.written.statusCode).toBe(401);
    expect(errorOf(rejected.written).code).toBe('INVALID_SIGNATURE');
  });

  it('accepts Stripe.webhooks.generateTestHeaderString and rejects a tampered body', async () => {
    const secret = 'whsec_test_secret_for_hookline';
    const stripe = new Stripe('sk_test_not_used');
    const headers = { 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: body, secret }) };
    expect((await signed('stripe', secret, headers)).result.workflowData).toHaveLength(1);
    const tampered = await signed('stripe', secret, headers, `${body} `);
    expect(errorOf(tampered.written).code).toBe('INVALID_SIGNATURE');
  });

  it('checks a plain hex HMAC in the configured header and redacts that header', async () => {
    const hex = createHmac('sha256', SIGNING_SECRET).update(body).digest('hex');
    const ok = await signed('hex', SIGNING_SECRET, { 'x-signature': hex, 'x-other': '1' }, body, {
      signatureHeader: 'X-Signature',
    });
    expect(ok.result.workflowData?.[0][0].json.headers).toEqual({ 'x-other': '1' });
    const missing = await signed('hex', SIGNING_SECRET, { 'x-webhook-signature': hex }, body, {
      signatureHeader: 'X-Signature',
    });
    expect(errorOf(missing.written)).toMatchObject({
      code: 'INVALID_SIGNATURE',
      details: { reason: 'missing_header' },
    });
  });

  it('answers 500 INVALID_CONFIG when signing is on but no secret is configured', async () => {
    const { written } = await callWebhook({
      params: { authentication: 'none', signature: 'github' },
      credentials: {},
      rawBody: body,
    });
    expect(written.statusCode).toBe(500);
    expect(errorOf(written).code).toBe('INVALID_CONFIG');
  });

  it('answers 500 INVALID_CONFIG, not 401, for a Standard Webhooks secret that is not base64', async () => {
    const headers = { 'webhook-id': 'msg_3', 'webhook-timestamp': String(now()), 'webhook-signature': 'v1,AAAA' };
    const { written } = await signed('standard-webhooks', 'whsec_not*base64!', headers);
    expect(written.statusCode).toBe(500);
    expect(errorOf(written)).toEqual({
      code: 'INVALID_CONFIG',
      message: 'Signature verification is not configured correctly on this webhook',
    });
  });

  it('verifies the re-serialised body when the host kept no raw bytes', async () => {
    const compact = JSON.stringify(JSON.parse(body));
    const headers = { 'x-hub-signature-256': await octokitSign(SIGNING_SECRET, compact) };
    const { result } = await callWebhook({
      params: { authentication: 'none', signature: 'github' },
      credentials: { hooklineSigningSecretApi: { secret: SIGNING_SECRET } },
      request: { headers },
      rawBody: false,
      body: JSON.parse(body),
    });
    expect(result.workflowData).toHaveLength(1);
  });

  it('checks authentication before the signature', async () => {
    const headers = { 'x-hub-signature-256': await octokitSign(SIGNING_SECRET, body) };
    const { written } = await callWebhook({
      params: { signature: 'github' },
      credentials: { hooklineTokenApi: { token: TOKEN }, hooklineSigningSecretApi: { secret: SIGNING_SECRET } },
      request: { headers },
      rawBody: body,
    });
    expect(errorOf(written).code).toBe('UNAUTHORIZED');
  });
});

describe('webhook(): checks a host already ran', () => {
  const walledBearer = { authentication: 'bearer', options: { ipAllowlist: '10.0.0.0/8' } };
  const outsider = { ip: '192.0.2.1', headers: { authorization: 'Bearer wh_wrong' } };

  it('runs every check itself when the host says nothing (inside n8n)', async () => {
    const { written, lookups } = await callWebhook({
      params: { authentication: 'bearer' },
      credentials: { hooklineBearerApi: { token: TOKEN } },
      request: { headers: { authorization: 'Bearer wh_wrong' } },
    });
    expect(written.statusCode).toBe(401);
    expect(lookups).toEqual(['hooklineBearerApi']);
    const walled = await callWebhook({ params: walledBearer, request: outsider });
    expect(walled.written.statusCode).toBe(403);
    expect(walled.lookups).toEqual([]);
  });

  it('still rejects bad auth when the host ran no check', async () => {
    const { written } = await callWebhook({
      params: { authentication: 'bearer' },
      credentials: { hooklineBearerApi: { token: TOKEN } },
      request: { headers: { authorization: 'Bearer wh_wrong' } },
      helpers: { hooklineTrigger: { checksPassed: [] } },
    });
    expect(written.statusCode).toBe(401);
  });

  it('skips the source and credential checks the host ran, and loads no credential for them', async () => {
    const { result, lookups } = await callWebhook({
      params: walledBearer,
      credentials: {},
      request: outsider,
      helpers: { hooklineTrigger: { checksPassed: ['source', 'authentication'] } },
    });
    expect(result.workflowData).toHaveLength(1);
    expect(lookups).toEqual([]);
  });

  it('still runs the signature and body checks, once each', async () => {
    const body = JSON.stringify({ input_data: { name: 'Ada' } });
    const setup = {
      params: { authentication: 'bearer', signature: 'github' },
      credentials: { hooklineSigningSecretApi: { secret: SIGNING_SECRET } },
      request: { headers: { 'x-hub-signature-256': await octokitSign(SIGNING_SECRET, body) } },
      rawBody: body,
      helpers: { hooklineTrigger: { checksPassed: ['source', 'authentication'] } },
    };
    const signed = await callWebhook(setup);
    expect(signed.result.workflowData).toHaveLength(1);
    expect(signed.lookups).toEqual(['hooklineSigningSecretApi']);
    const tampered = await callWebhook({ ...setup, rawBody: body.replace('Ada', 'Eve') });
    expect(errorOf(tampered.written).code).toBe('INVALID_SIGNATURE');
    const shapeless = await callWebhook({
      ...setup,
      rawBody: '{}',
      request: { headers: { 'x-hub-signature-256': await octokitSign(SIGNING_SECRET, '{}') } },
    });
    expect(errorOf(shapeless.written).code).toBe('INVALID_INPUT');
  });
});
