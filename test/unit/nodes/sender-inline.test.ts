import { createHmac } from 'node:crypto';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import type { IExecuteFunctions, IHttpRequestOptions, INodeExecutionData } from 'n8n-workflow';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSecret } from '../../../engine/signing/index.js';
import { NodeApiError, NodeOperationError } from '../../../engine/node-contract/n8n-runtime.js';
import { sequence, startReceiver, type Receiver, type ReceivedRequest } from '../../fixtures/receiver.js';
import { DEFAULTS, NODE, node } from './sender-node.js';

/** A parameter value, or a function of the item index standing in for an n8n expression. */
type Param = unknown | ((itemIndex: number) => unknown);

interface Setup {
  params?: Record<string, Param>;
  items?: Array<Record<string, unknown>>;
  credentials?: Record<string, Record<string, unknown>>;
  continueOnFail?: boolean;
}

/**
 * The n8n function context of one execution: the one stand-in the tests use. `httpRequest` is
 * real: it POSTs with fetch and answers in n8n's `returnFullResponse` shape.
 */
function createContext(setup: Setup, requests: IHttpRequestOptions[]): IExecuteFunctions {
  const params = setup.params ?? {};
  const items: INodeExecutionData[] = (setup.items ?? [{ order: 1 }]).map((json) => ({
    json: json as INodeExecutionData['json'],
  }));
  const credentials = setup.credentials ?? {};
  return {
    getInputData: () => items,
    getNodeParameter(name: string, itemIndex: number, fallback?: unknown) {
      const value = name in params ? params[name] : name in DEFAULTS ? DEFAULTS[name] : fallback;
      return typeof value === 'function' ? (value as (index: number) => unknown)(itemIndex) : value;
    },
    async getCredentials(type: string) {
      if (!(type in credentials))
        throw new NodeOperationError(NODE, `Node does not have any credentials set for "${type}"`);
      return credentials[type];
    },
    getNode: () => NODE,
    getWorkflow: () => ({ id: 'wf_42', name: 'Orders', active: true }),
    getExecutionId: () => 'exec_7',
    continueOnFail: () => setup.continueOnFail === true,
    helpers: {
      async httpRequest(options: IHttpRequestOptions) {
        requests.push(options);
        const response = await fetch(options.url, {
          method: options.method,
          headers: options.headers as Record<string, string>,
          body: options.body as string,
          redirect: options.disableFollowRedirect ? 'manual' : 'follow',
          signal: AbortSignal.timeout(options.timeout ?? 300_000),
        });
        const body = await response.text();
        if (!options.ignoreHttpStatusErrors && !response.ok)
          throw new Error(`Request failed with status code ${response.status}`);
        return options.returnFullResponse
          ? { statusCode: response.status, headers: Object.fromEntries(response.headers), body }
          : body;
      },
    },
  } as unknown as IExecuteFunctions;
}

let receiver: Receiver;
let sent: IHttpRequestOptions[];

beforeEach(async () => {
  receiver = await startReceiver();
  sent = [];
});

afterEach(async () => {
  await receiver.close();
});

async function run(setup: Setup): Promise<INodeExecutionData[]> {
  // The receiver is on 127.0.0.1: these tests allow private targets unless they say otherwise.
  const options = { allowPrivateTargets: true, ...(setup.params?.options as Record<string, unknown> | undefined) };
  const params = { url: receiver.url + '/hooks', signature: 'none', ...setup.params, options };
  const [output] = await node.execute.call(createContext({ ...setup, params }, sent));
  return output;
}

function stringHeaders(request: ReceivedRequest): Record<string, string> {
  return Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
}

function hex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

describe('WebhookSender inline (inside n8n): signing', () => {
  it('signs with Standard Webhooks so the standardwebhooks library verifies the exact body', async () => {
    const secret = generateSecret();
    const output = await run({
      params: { signature: 'standard-webhooks', eventType: 'order.completed' },
      items: [{ order_id: 'ord_1', total: 42 }],
      credentials: { hooklineSigningSecretApi: { secret } },
    });
    const [request] = receiver.requests;
    const verified = new StandardWebhook(secret).verify(request.body, stringHeaders(request));
    expect(verified).toMatchObject({ type: 'order.completed', data: { order_id: 'ord_1', total: 42 } });
    expect(request.headers['webhook-id']).toBe(
      output[0].json.hookline && (output[0].json.hookline as { event_id: string }).event_id,
    );
    expect(sent[0]).toMatchObject({
      method: 'POST',
      json: false,
      returnFullResponse: true,
      ignoreHttpStatusErrors: true,
      timeout: 10_000,
    });
    expect(typeof sent[0].body).toBe('string');
  });

  it('signs GitHub-style sha256 so @octokit/webhooks-methods verifies it', async () => {
    const secret = 'a-shared-signing-secret-0123456789';
    await run({ params: { signature: 'sha256' }, credentials: { hooklineSigningSecretApi: { secret } } });
    const [request] = receiver.requests;
    expect(await octokitVerify(secret, request.body, String(request.headers['x-hub-signature-256']))).toBe(true);
  });

  it('puts a plain hex HMAC in the configured header', async () => {
    const secret = 'a-shared-signing-secret-0123456789';
    await run({
      params: { signature: 'hex', signatureHeader: 'X-Signature' },
      credentials: { hooklineSigningSecretApi: { secret } },
    });
    const [request] = receiver.requests;
    expect(request.headers['x-signature']).toBe(hex(secret, request.body));
  });

  it('signs "<timestamp>.<body>" for the timestamped scheme and sends the timestamp', async () => {
    const secret = 'a-shared-signing-secret-0123456789';
    const startedAtSec = Math.floor(Date.now() / 1000);
    await run({ params: { signature: 'timestamped' }, credentials: { hooklineSigningSecretApi: { secret } } });
    const [request] = receiver.requests;
    const timestamp = String(request.headers['x-webhook-timestamp']);
    // Signed at send time: between the run's start and the arrival.
    expect(Number(timestamp)).toBeGreaterThanOrEqual(startedAtSec);
    expect(Number(timestamp)).toBeLessThanOrEqual(Math.ceil(request.receivedAtMs / 1000));
    expect(request.headers['x-webhook-signature']).toBe(hex(secret, `${timestamp}.${request.body}`));
  });

  it('fails clearly when a signed scheme has no signing secret credential', async () => {
    await expect(run({ params: { signature: 'standard-webhooks' } })).rejects.toThrow(
      /Signature 'standard-webhooks' needs a 'hooklineSigningSecretApi' credential/,
    );
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('WebhookSender inline: request shape', () => {
  it('sends JSON with user agent, idempotency key, custom headers and bearer auth', async () => {
    const output = await run({
      params: {
        authentication: 'bearer',
        options: {
          headers: {
            header: [
              { name: 'X-Tenant', value: 'acme' },
              { name: 'Content-Type', value: 'text/plain' },
            ],
          },
        },
      },
      credentials: { hooklineBearerApi: { token: 'receiver-token-0123456789' } },
    });
    const [request] = receiver.requests;
    const eventId = (output[0].json.hookline as { event_id: string }).event_id;
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Hookline/0.1.0',
      'idempotency-key': eventId,
      'x-tenant': 'acme',
      authorization: 'Bearer receiver-token-0123456789',
    });
    expect(eventId).toMatch(/^evt_/);
  });

  it('sends Basic auth from the Hookline Basic Auth credential', async () => {
    await run({
      params: { authentication: 'basic' },
      credentials: { hooklineBasicAuthApi: { user: 'hooks', password: 'p4ssw0rd-0123456789' } },
    });
    expect(receiver.requests[0].headers.authorization).toBe(
      `Basic ${Buffer.from('hooks:p4ssw0rd-0123456789').toString('base64')}`,
    );
  });

  it('wraps data in the envelope format by default, with metadata naming the source', async () => {
    const output = await run({ params: { eventType: 'order.completed' }, items: [{ order_id: 'ord_1' }] });
    const body = JSON.parse(receiver.requests[0].body);
    expect(Object.keys(body)).toEqual(['id', 'type', 'timestamp', 'data', 'metadata']);
    expect(body).toMatchObject({
      type: 'order.completed',
      data: { order_id: 'ord_1' },
      metadata: { workflow_id: 'wf_42', execution_id: 'exec_7', node: 'Send Order' },
    });
    expect(output).toEqual([
      {
        json: { order_id: 'ord_1', hookline: { sent: true, status_code: 200, attempts: 1, event_id: body.id } },
        pairedItem: { item: 0 },
      },
    ]);
  });

  it('sends the event format {id, event, timestamp, data}', async () => {
    await run({ params: { payloadFormat: 'event', eventType: 'user.created' }, items: [{ name: 'Ada' }] });
    const body = JSON.parse(receiver.requests[0].body);
    expect(Object.keys(body)).toEqual(['id', 'event', 'timestamp', 'data']);
    expect(body).toMatchObject({ event: 'user.created', data: { name: 'Ada' } });
  });

  it('sends the webhook format {event, timestamp, webhook_id, data} with a stable node webhook id', async () => {
    await run({ params: { payloadFormat: 'webhook' } });
    await run({ params: { payloadFormat: 'webhook' } });
    const [first, second] = receiver.requests.map((request) => JSON.parse(request.body));
    expect(Object.keys(first)).toEqual(['event', 'timestamp', 'webhook_id', 'data']);
    expect(first.webhook_id).toMatch(/^wh_node_[0-9a-f]{20}$/);
    expect(second.webhook_id).toBe(first.webhook_id);
  });

  it('takes the event data from the JSON parameter when asked, per item', async () => {
    await run({
      params: { payloadSource: 'json', data: (i: number) => `{"position": ${i}}` },
      items: [{ a: 1 }, { a: 2 }],
    });
    expect(receiver.requests.map((request) => JSON.parse(request.body).data)).toEqual([
      { position: 0 },
      { position: 1 },
    ]);
  });
});

describe('WebhookSender inline: conditions, include fields and batch', () => {
  it('sends only items matching the conditions and passes the others through unsent', async () => {
    const output = await run({
      params: { conditions: '{"score": {"lt": 3}}' },
      items: [{ score: 1 }, { score: 5 }, { score: 2 }],
    });
    expect(receiver.requests.map((request) => JSON.parse(request.body).data.score)).toEqual([1, 2]);
    expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
    expect(output[1].json).toEqual({ score: 5, hookline: { sent: false, reason: 'conditions' } });
    expect(output[0].json.hookline).toMatchObject({ sent: true });
  });

  it('accepts Mongo-style conditions', async () => {
    await run({
      params: { conditions: { status: { $in: ['paid'] } } },
      items: [{ status: 'paid' }, { status: 'open' }],
    });
    expect(receiver.requests).toHaveLength(1);
  });

  it('rejects unusable conditions before sending anything', async () => {
    const error = await run({ params: { conditions: '{"score": {"$nope": 3}}' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toContain('conditions.score.$nope');
    await expect(run({ params: { conditions: '{not json' } })).rejects.toThrow(/'conditions' is not valid JSON/);
    expect(receiver.requests).toHaveLength(0);
  });

  it('trims the event data to include fields but outputs the whole item', async () => {
    const item = {
      order: { id: 'ord_1', total: 42, notes: 'secret' },
      customer: { email: 'a@example.com', phone: '555' },
    };
    const output = await run({ params: { includeFields: 'order.id, customer.email' }, items: [item] });
    expect(JSON.parse(receiver.requests[0].body).data).toEqual({
      order: { id: 'ord_1' },
      customer: { email: 'a@example.com' },
    });
    expect(output[0].json).toMatchObject(item);
  });

  it('sends a batch as one POST of a JSON array, keyed by a msg_ id', async () => {
    const output = await run({
      params: { options: { batch: true }, signature: 'standard-webhooks' },
      items: [{ n: 1 }, { n: 2 }, { n: 3 }],
      credentials: { hooklineSigningSecretApi: { secret: generateSecret() } },
    });
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    const body = JSON.parse(request.body) as Array<{ id: string; data: { n: number } }>;
    expect(body.map((payload) => payload.data.n)).toEqual([1, 2, 3]);
    expect(request.headers['idempotency-key']).toMatch(/^msg_/);
    expect(request.headers['x-hookline-event']).toBe('batch');
    expect(output.map((item) => (item.json.hookline as { event_id: string }).event_id)).toEqual(
      body.map((payload) => payload.id),
    );
  });
});

describe('WebhookSender inline: retries', () => {
  it('retries a 500 with backoff and reports the attempts when it then succeeds', async () => {
    receiver.respondWith(sequence([{ status: 500 }, { status: 503 }, { status: 200 }]));
    const output = await run({ params: { options: { retryBaseMs: 40 } } });
    expect(output[0].json.hookline).toMatchObject({ sent: true, status_code: 200, attempts: 3 });
    const [first, second, third] = receiver.requests;
    expect(second.receivedAtMs - first.receivedAtMs).toBeGreaterThanOrEqual(35);
    expect(third.receivedAtMs - second.receivedAtMs).toBeGreaterThanOrEqual(75);
    expect(new Set(receiver.requests.map((request) => request.headers['idempotency-key'])).size).toBe(1);
    expect(receiver.requests.map((request) => request.headers['x-hookline-attempt'])).toEqual(['1', '2', '3']);
  });

  it('gives up after maxRetries with a NodeApiError carrying the status', async () => {
    receiver.respondWith({ status: 500, body: 'database down' });
    const error = await run({ params: { options: { maxRetries: 2, retryBaseMs: 5 } } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as InstanceType<typeof NodeApiError>).httpCode).toBe('500');
    expect((error as Error).message).toMatch(/HTTP 500: database down/);
    expect(receiver.requests).toHaveLength(3);
  });

  it('stops at once on 410 Gone', async () => {
    receiver.respondWith({ status: 410 });
    const error = await run({ params: { options: { retryBaseMs: 5 } } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as InstanceType<typeof NodeApiError>).description).toMatch(/410 Gone/);
    expect(receiver.requests).toHaveLength(1);
  });

  it('stops at once when the receiver answers webhook-delivery: abort-message', async () => {
    receiver.respondWith({ status: 400, headers: { 'webhook-delivery': 'abort-message' } });
    const error = await run({ params: { options: { retryBaseMs: 5 } } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as InstanceType<typeof NodeApiError>).description).toMatch(
      /abort-message", so the node did not retry/,
    );
    expect(receiver.requests).toHaveLength(1);
  });

  it('turns a failure into an error item under continue on fail and sends the other items', async () => {
    receiver.respondWith((request) => ({ status: JSON.parse(request.body).data.fail ? 500 : 200 }));
    const output = await run({
      params: { options: { maxRetries: 1, retryBaseMs: 5 } },
      items: [{ fail: true }, { fail: false }],
      continueOnFail: true,
    });
    expect(output[0].json).toMatchObject({
      fail: true,
      error: expect.stringMatching(/HTTP 500/),
      hookline: { sent: false, status_code: 500, attempts: 2 },
    });
    expect(output[0].pairedItem).toEqual({ item: 0 });
    expect(output[1].json.hookline).toMatchObject({ sent: true, attempts: 1 });
  });

  it('fails with a NodeOperationError when the receiver cannot be reached', async () => {
    const url = receiver.url;
    await receiver.close();
    receiver = await startReceiver();
    const error = await run({ params: { url, options: { maxRetries: 1, retryBaseMs: 5 } } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toContain(`Webhook to ${url} failed`);
  });
});

describe('WebhookSender inline: item validation', () => {
  it('refuses an invalid event type, naming it', async () => {
    await expect(run({ params: { eventType: 'Order Completed' } })).rejects.toThrow(
      /Event type 'Order Completed' is not valid/,
    );
    expect(receiver.requests).toHaveLength(0);
  });

  it('refuses a URL that is not http(s)', async () => {
    await expect(run({ params: { url: 'ftp://example.com/x' } })).rejects.toThrow(/not an absolute http\(s\) URL/);
  });

  it('reports a bad item as an error item under continue on fail', async () => {
    const output = await run({
      params: { eventType: (i: number) => (i === 0 ? 'bad' : 'order.created') },
      items: [{ a: 1 }, { a: 2 }],
      continueOnFail: true,
    });
    expect(output[0].json).toMatchObject({
      a: 1,
      error: expect.stringMatching(/Event type 'bad'/),
      hookline: { sent: false },
    });
    expect(receiver.requests).toHaveLength(1);
  });
});

describe('WebhookSender inline: SSRF guard', () => {
  const port = () => new URL(receiver.url).port;

  it.each([
    (p: string) => `http://127.0.0.1:${p}/hooks`,
    (p: string) => `http://0x7f.1:${p}/hooks`,
    (p: string) => `http://2130706433:${p}/hooks`,
    (p: string) => `http://[::ffff:127.0.0.1]:${p}/hooks`,
    (p: string) => `http://localhost.:${p}/hooks`,
  ])('refuses a loopback target (%#) by default, before any request', async (target) => {
    const url = target(port());
    const error = await run({ params: { url, options: { allowPrivateTargets: false } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toMatch(/^Target '.+' is /);
    expect(sent).toHaveLength(0);
    expect(receiver.requests).toHaveLength(0);
  });

  it('marks the refused items unsent under continue on fail', async () => {
    const output = await run({
      params: { url: `http://169.254.169.254/latest`, options: { allowPrivateTargets: false } },
      continueOnFail: true,
    });
    expect(output[0].json).toMatchObject({ hookline: { sent: false, attempts: 0 } });
    expect(sent).toHaveLength(0);
  });
});
