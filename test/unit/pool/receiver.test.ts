import type { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSendAgent, sendBatch } from '../../../engine/pool/send.js';
import { sequence, startReceiver, type Receiver } from '../../fixtures/receiver.js';
import { OPEN_TARGETS, makeRequest } from './requests.js';
import { createGate } from '../../helpers/wait.js';

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

describe('test receiver fixture', () => {
  it('waitFor resolves once the count has arrived', async () => {
    const sending = sendBatch(
      { targets: OPEN_TARGETS, mode: 'parallel', requests: [makeRequest(receiver.url), makeRequest(receiver.url)] },
      agent,
    );
    const arrived = await receiver.waitFor(2);
    expect(arrived).toHaveLength(2);
    await sending;
  });

  it('waitFor rejects with a clear message on timeout', async () => {
    await expect(receiver.waitFor(1, 50)).rejects.toThrow('receiver: expected 1 request(s) within 50 ms, got 0');
  });

  it('waitUntil resolves on the arrival that satisfies the predicate', async () => {
    const requests = [makeRequest(receiver.url), makeRequest(`${receiver.url}/wanted`)];
    const sending = sendBatch({ targets: OPEN_TARGETS, mode: 'sequential', requests }, agent);
    const arrived = await receiver.waitUntil((all) => all.some((r) => r.url === '/wanted'));
    expect(arrived.map((r) => r.url)).toEqual(['/', '/wanted']);
    await sending;
  });

  it('holds a gated answer until the gate opens', async () => {
    const gate = createGate();
    receiver.respondWith({ status: 201, after: gate.opened });
    let answered = false;
    const sending = sendBatch(
      { targets: OPEN_TARGETS, mode: 'parallel', requests: [makeRequest(receiver.url)] },
      agent,
    ).then((batch) => {
      answered = true;
      return batch;
    });
    await receiver.waitFor(1);
    expect(answered).toBe(false);
    gate.open();
    expect((await sending).results[0]).toMatchObject({ statusCode: 201 });
  });

  it('sequence answers in order and repeats the last answer', async () => {
    receiver.respondWith(sequence([{ status: 201 }, { status: 202 }]));
    const requests = [1, 2, 3].map(() => makeRequest(receiver.url));
    const { results } = await sendBatch({ targets: OPEN_TARGETS, mode: 'sequential', requests }, agent);
    expect(results.map((r) => r.statusCode)).toEqual([201, 202, 202]);
  });

  it('close ends hung requests instead of waiting for them', async () => {
    receiver.respondWith({ hang: true });
    const sending = sendBatch(
      { targets: OPEN_TARGETS, mode: 'parallel', requests: [makeRequest(receiver.url, { timeoutMs: 10_000 })] },
      agent,
    );
    await receiver.waitFor(1);
    await receiver.close();
    const { results } = await sending;
    // Not DELIVERY_TIMEOUT: the close ended it, not the 10 s timeout.
    expect(results[0]).toMatchObject({ statusCode: null, errorCode: 'DELIVERY_CONNECTION' });
  });
});
