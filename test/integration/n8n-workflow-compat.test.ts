/**
 * The n8n end-to-end test's workflow JSON, loaded byte for byte by the standalone engine: same node
 * type names (`n8n-nodes-hookline.*`), same credentials file, same request, same signed POST.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { startReceiver, type Receiver } from '../fixtures/receiver.js';
import { packageNodeTypes } from '../../engine/workflow/package-nodes.js';
import {
  RELAY_ORDER,
  RELAY_PATH,
  RELAY_WORKFLOW_PATH,
  readRelayCredentials,
  readRelayWorkflow,
  relayRequest,
  verifyRelayed,
} from '../fixtures/n8n/relay.js';

it('names node types as n8n does for this package: <package name>.<description name>', () => {
  const types = readRelayWorkflow().nodes.map((node) => node.type);
  expect(types).toEqual(['n8n-nodes-hookline.webhookTrigger', 'n8n-nodes-hookline.webhookSender']);
  const packageNames = Object.keys(packageNodeTypes());
  for (const type of types) expect(packageNames).toContain(type);
});

describe('the n8n relay workflow in the standalone engine', () => {
  let receiver: Receiver;
  let engine: TestEngine;

  beforeEach(async () => {
    receiver = await startReceiver();
    // The files as n8n imports them: the workflow verbatim, the credentials in n8n's export shape.
    engine = await startTestEngine({
      workflows: { 'relay.json': readFileSync(RELAY_WORKFLOW_PATH, 'utf8') },
      credentials: readRelayCredentials(),
    });
  });

  afterEach(async () => {
    await engine.stop();
    await receiver.close();
  });

  it('relays a bearer-authenticated, signed order as a Standard Webhooks POST that verifies', async () => {
    const { body, headers } = relayRequest(`${receiver.url}/orders`);
    const answer = await fetch(`${engine.url}${RELAY_PATH}`, { method: 'POST', headers, body });
    expect(answer.status).toBe(202);
    expect(await answer.json()).toMatchObject({ success: true, status: 'queued' });

    const [relayed] = await receiver.waitFor(1);
    expect(relayed.method).toBe('POST');
    expect(relayed.url).toBe('/orders');
    const event = verifyRelayed(relayed.body, relayed.headers);
    expect(event).toMatchObject({ type: 'order.received', data: RELAY_ORDER });
  });

  it('answers a wrong bearer token with the 404 of an unknown trigger and relays nothing', async () => {
    const { body, headers } = relayRequest(`${receiver.url}/orders`, { bearer: 'not-the-relay-token-0000' });
    const answer = await fetch(`${engine.url}${RELAY_PATH}`, { method: 'POST', headers, body });
    // The engine hides which triggers exist from callers without credentials (n8n itself answers 401).
    expect(answer.status).toBe(404);
    expect(receiver.requests).toHaveLength(0);
  });
});
