import type { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DRAIN_LIMIT_BYTES, EXCERPT_BYTES, createSendAgent, sendBatch } from '../../../engine/pool/send.js';
import { sequence, startReceiver, type Receiver } from '../../fixtures/receiver.js';
import { OPEN_TARGETS, closedPortUrl, makeRequest } from './requests.js';
import { createGate } from '../../helpers/wait.js';

let receiver: Receiver;
let agent: Agent;

beforeEach(async () => {
  receiver = await startReceiver();
  // One connection per origin, so "reused" is observable as a single accepted socket.
  agent = createSendAgent({ connectionsPerOrigin: 1 });
});

afterEach(async () => {
  await agent.close();
  await receiver.close();
});

describe('sequential tasks', () => {
  it('stop at the first non-2xx and report the rest as skipped', async () => {
    receiver.respondWith(sequence([{ status: 200 }, { status: 500 }, { status: 200 }]));
    const requests = [1, 2, 3, 4].map(() => makeRequest(receiver.url));
    const { results, skipped } = await sendBatch({ targets: OPEN_TARGETS, mode: 'sequential', requests }, agent);
    expect(results.map((r) => r.statusCode)).toEqual([200, 500]);
    expect(skipped).toEqual([requests[2]!.deliveryIds, requests[3]!.deliveryIds]);
    expect(receiver.requests.map((r) => r.body)).toEqual([requests[0]!.body, requests[1]!.body]);
  });

  it('stop at a connection error too', async () => {
    const requests = [makeRequest(await closedPortUrl()), makeRequest(receiver.url)];
    const { results, skipped } = await sendBatch({ targets: OPEN_TARGETS, mode: 'sequential', requests }, agent);
    expect(results.map((r) => r.errorCode)).toEqual(['DELIVERY_CONNECTION']);
    expect(skipped).toEqual([requests[1]!.deliveryIds]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('send everything in order when all succeed', async () => {
    const requests = [1, 2, 3].map(() => makeRequest(receiver.url));
    const { results, skipped } = await sendBatch({ targets: OPEN_TARGETS, mode: 'sequential', requests }, agent);
    expect(results.map((r) => r.deliveryIds)).toEqual(requests.map((r) => r.deliveryIds));
    expect(skipped).toEqual([]);
    expect(receiver.requests.map((r) => r.body)).toEqual(requests.map((r) => r.body));
  });
});

describe('parallel tasks', () => {
  it('send every request at once, failures included, results in request order', async () => {
    const parallelAgent = createSendAgent();
    try {
      const gate = createGate();
      receiver.respondWith((req) => ({ status: req.body.includes('"n"') ? 200 : 500, after: gate.opened }));
      const requests = [1, 2, 3, 4].map(() => makeRequest(receiver.url));
      requests[1] = makeRequest(receiver.url, { body: '{"bad":true}' });
      const sending = sendBatch({ targets: OPEN_TARGETS, mode: 'parallel', requests }, parallelAgent);
      // All four arrive while no answer has gone out: they were in flight together.
      await receiver.waitFor(4);
      gate.open();
      const { results, skipped } = await sending;
      expect(results.map((r) => r.deliveryIds)).toEqual(requests.map((r) => r.deliveryIds));
      expect(results.map((r) => r.statusCode)).toEqual([200, 500, 200, 200]);
      expect(skipped).toEqual([]);
    } finally {
      await parallelAgent.close();
    }
  });
});

describe('response bodies', () => {
  /** One request to the receiver, on the shared one-connection agent. */
  const sendOne = () =>
    sendBatch({ targets: OPEN_TARGETS, mode: 'parallel', requests: [makeRequest(receiver.url)] }, agent);

  it('keep only the excerpt of a large body and reuse the connection afterwards', async () => {
    // Two-byte characters, half the drain limit in all: read to its end, so the socket is reused.
    receiver.respondWith(sequence([{ status: 500, body: 'é'.repeat(DRAIN_LIMIT_BYTES / 4) }, { status: 200 }]));
    const first = await sendOne();
    expect(Buffer.byteLength(first.results[0]!.responseExcerpt!)).toBeLessThanOrEqual(EXCERPT_BYTES + 2);
    expect(first.results[0]!.responseExcerpt!.startsWith('éé')).toBe(true);
    const second = await sendOne();
    expect(second.results[0]).toMatchObject({ statusCode: 200, errorCode: null });
    expect(receiver.connectionCount).toBe(1);
    expect(receiver.requests[0]!.remotePort).toBe(receiver.requests[1]!.remotePort);
  });

  it('stop at the excerpt when the declared length is past the drain limit', async () => {
    receiver.respondWith(sequence([{ status: 200, body: 'y'.repeat(DRAIN_LIMIT_BYTES * 4) }, { status: 200 }]));
    const first = await sendOne();
    expect(first.results[0]).toMatchObject({
      statusCode: 200,
      errorCode: null,
      responseExcerpt: 'y'.repeat(EXCERPT_BYTES),
    });
    const second = await sendOne();
    expect(second.results[0]).toMatchObject({ statusCode: 200, errorCode: null });
    // The first socket was given up rather than drained: the second request came on a new one.
    expect(receiver.connectionCount).toBe(2);
  });

  it('give up draining past the limit and still deliver the next request', async () => {
    receiver.respondWith(sequence([{ status: 200, body: 'x'.repeat(DRAIN_LIMIT_BYTES * 2) }, { status: 200 }]));
    const first = await sendOne();
    expect(first.results[0]).toMatchObject({
      statusCode: 200,
      errorCode: null,
      responseExcerpt: 'x'.repeat(EXCERPT_BYTES),
    });
    const second = await sendOne();
    expect(second.results[0]).toMatchObject({ statusCode: 200, errorCode: null });
  });
});
