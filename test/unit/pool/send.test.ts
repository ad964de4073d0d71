import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSendAgent, sendBatch } from '../../../engine/pool/send.js';
import type { SendRequest, SendResult } from '../../../engine/pool/types.js';
import { startReceiver, type Receiver } from '../../fixtures/receiver.js';
import { OPEN_TARGETS, SECRET, closedPortUrl, makeRequest } from './requests.js';

let receiver: Receiver;
let agent: Agent;

beforeEach(async () => {
  receiver = await startReceiver();
  agent = createSendAgent();
});

afterEach(async () => {
  await agent.close();
  await receiver.close();
});

async function sendOne(req: SendRequest): Promise<SendResult> {
  const { results } = await sendBatch({ targets: OPEN_TARGETS, mode: 'parallel', requests: [req] }, agent);
  expect(results).toHaveLength(1);
  return results[0]!;
}

describe('the Agent the pool loads', () => {
  it("is undici's own Agent class, taken from its file so that a pool thread does not load the whole package", async () => {
    const undici = await import('undici');
    expect(agent).toBeInstanceOf(undici.Agent);
    expect(agent).toBeInstanceOf(undici.Dispatcher);
  });
});

describe('sendBatch outcomes against a real receiver', () => {
  it('POSTs the body with a signature the standardwebhooks library verifies', async () => {
    const req = makeRequest(`${receiver.url}/hook`);
    const result = await sendOne(req);
    expect(result).toMatchObject({
      statusCode: 200,
      errorCode: null,
      error: null,
      abort: false,
      responseExcerpt: 'ok',
    });
    expect(result.deliveryIds).toEqual(req.deliveryIds);
    const [received] = receiver.requests;
    expect(received).toMatchObject({ method: 'POST', url: '/hook', body: req.body });
    expect(received!.headers['content-length']).toBe(String(Buffer.byteLength(req.body)));
    expect(received!.headers['user-agent']).toBe('Hookline-test');
    expect(received!.headers['webhook-id']).toBe(req.msgId);
    const verified = new Webhook(SECRET).verify(received!.body, received!.headers as Record<string, string>);
    expect(verified).toEqual(JSON.parse(req.body));
  });

  it('sends no signature headers when signing is null', async () => {
    await sendOne(makeRequest(receiver.url, { signing: null }));
    expect(receiver.requests[0]!.headers['webhook-signature']).toBeUndefined();
  });

  it('reports a 500 as DELIVERY_REJECTED with the response excerpt', async () => {
    receiver.respondWith({ status: 500, body: 'database down' });
    const result = await sendOne(makeRequest(receiver.url));
    expect(result).toMatchObject({
      statusCode: 500,
      errorCode: 'DELIVERY_REJECTED',
      responseExcerpt: 'database down',
      abort: false,
    });
    expect(result.error).toBe('Receiver answered 500');
  });

  it('reports a 410 as DELIVERY_GONE', async () => {
    receiver.respondWith({ status: 410, body: 'gone' });
    expect(await sendOne(makeRequest(receiver.url))).toMatchObject({ statusCode: 410, errorCode: 'DELIVERY_GONE' });
  });

  it('honours webhook-delivery: abort-message on a failure', async () => {
    receiver.respondWith({ status: 400, headers: { 'webhook-delivery': 'abort-message' } });
    expect(await sendOne(makeRequest(receiver.url))).toMatchObject({
      statusCode: 400,
      abort: true,
      errorCode: 'DELIVERY_ABORTED',
    });
  });

  it('treats a 2xx with the abort header as delivered', async () => {
    receiver.respondWith({ status: 202, headers: { 'webhook-delivery': 'abort-message' } });
    expect(await sendOne(makeRequest(receiver.url))).toMatchObject({ statusCode: 202, abort: false, errorCode: null });
  });

  it('reads Retry-After in seconds on a 429', async () => {
    receiver.respondWith({ status: 429, headers: { 'retry-after': '120' } });
    expect(await sendOne(makeRequest(receiver.url))).toMatchObject({
      statusCode: 429,
      retryAfterSec: 120,
      errorCode: 'DELIVERY_REJECTED',
    });
  });

  it('reads Retry-After as an HTTP date on a 503', async () => {
    receiver.respondWith(() => ({
      status: 503,
      headers: { 'retry-after': new Date(Date.now() + 90_000).toUTCString() },
    }));
    const result = await sendOne(makeRequest(receiver.url));
    expect(result.retryAfterSec).toBeGreaterThanOrEqual(88);
    expect(result.retryAfterSec).toBeLessThanOrEqual(91);
  });

  it('reports a receiver that never answers as DELIVERY_TIMEOUT after timeoutMs', async () => {
    receiver.respondWith({ hang: true });
    const result = await sendOne(makeRequest(receiver.url, { timeoutMs: 200 }));
    expect(result).toMatchObject({ statusCode: null, errorCode: 'DELIVERY_TIMEOUT', responseExcerpt: null });
    expect(result.error).toBe('Receiver did not answer within 200 ms');
    expect(result.responseTimeMs).toBeGreaterThanOrEqual(150);
  });

  it('bounds the whole attempt, including the wait for a socket', async () => {
    // One connection: the second request waits behind the first, which the receiver never answers.
    const single = createSendAgent({ connectionsPerOrigin: 1 });
    try {
      receiver.respondWith({ hang: true });
      const send = (timeoutMs: number) =>
        sendBatch(
          { targets: OPEN_TARGETS, mode: 'parallel', requests: [makeRequest(receiver.url, { timeoutMs })] },
          single,
        );
      const first = send(2_000);
      const started = performance.now();
      const { results } = await send(200);
      // undici's own headers timeout starts only once the request is written: 2 s later.
      expect(performance.now() - started).toBeLessThan(1_500);
      expect(results[0]).toMatchObject({ statusCode: null, errorCode: 'DELIVERY_TIMEOUT' });
      expect((await first).results[0]).toMatchObject({ errorCode: 'DELIVERY_TIMEOUT' });
    } finally {
      await single.close();
    }
  });

  it('answers a body that trickles past the deadline with its status and what was read', async () => {
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-part': ['a', 'b'] });
      res.write('partial');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const result = await sendOne(makeRequest(`http://127.0.0.1:${port}/hook`, { timeoutMs: 200 }));
      expect(result).toMatchObject({ statusCode: 200, errorCode: null, responseExcerpt: 'partial' });
      // A repeated header is kept once, its values joined.
      expect(result.responseHeaders).toMatchObject({ 'content-type': 'text/plain', 'x-part': 'a, b' });
      expect(result.responseTimeMs).toBeGreaterThanOrEqual(150);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reports a closed port as DELIVERY_CONNECTION', async () => {
    const result = await sendOne(makeRequest(await closedPortUrl()));
    expect(result).toMatchObject({ statusCode: null, errorCode: 'DELIVERY_CONNECTION', abort: false });
    expect(result.error).toContain('ECONNREFUSED');
  });

  it('reports a bad signing secret per request and still sends the others', async () => {
    const bad = makeRequest(receiver.url, { signing: { scheme: 'ed25519', secrets: ['not-a-key'] } });
    const { results } = await sendBatch(
      { targets: OPEN_TARGETS, mode: 'parallel', requests: [bad, makeRequest(receiver.url)] },
      agent,
    );
    expect(results[0]).toMatchObject({ statusCode: null, errorCode: 'DELIVERY_CONNECTION' });
    expect(results[0]!.error).toMatch(/^Signing failed/);
    expect(results[1]).toMatchObject({ statusCode: 200, errorCode: null });
    expect(receiver.requests).toHaveLength(1);
  });
});
