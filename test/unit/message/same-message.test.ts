/**
 * One event, two sending paths: the engine's outbox (the node's request → its internal
 * subscription → a stored delivery → `buildRequest` → the pool's signing) and the sender node
 * posting inline inside n8n. A receiver must get the same bytes and headers from both.
 */
import { verify as verifyGithub } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { toDelivery } from '../../../engine/delivery/matcher.js';
import { nodeSubscription } from '../../../engine/delivery/node-sends.js';
import { buildRequest } from '../../../engine/delivery/request-builder.js';
import { createEvent, type EventEnvelope, type PayloadFormat } from '../../../engine/events/envelope.js';
import { nodeSubscriptionId, signHeaders } from '../../../engine/message/index.js';
import { generateSecret } from '../../../engine/signing/index.js';
import type { DeliveryRecord } from '../../../engine/store/records.js';
import type { NewDelivery } from '../../../engine/store/types.js';
import { USER_AGENT } from '../../../engine/version.js';
import { attemptHeaders, messageOf } from '../../../nodes/WebhookSender/build-request.js';
import { toWebhookRequest } from '../../../nodes/WebhookSender/engine-send.js';
import type { SenderSecrets } from '../../../nodes/WebhookSender/load-credentials.js';
import { withProfile, type SenderParameters, type SignatureOption } from '../../../nodes/WebhookSender/parameters.js';
import { PROFILES, WIRE_PROFILES, type WireProfile } from '../../../engine/message/index.js';

const source = { workflowId: 'wf_orders', nodeName: 'Notify', executionId: 'exec_1' };
const url = 'https://receiver.example/hooks';
const nowMs = Date.parse('2026-01-02T03:04:05Z');

interface Case {
  signature: SignatureOption;
  payloadFormat: PayloadFormat;
  batch: boolean;
  secret: string;
  profile?: WireProfile;
}

function parameters(c: Case): SenderParameters {
  return withProfile({
    profile: c.profile ?? 'none',
    wire: {},
    mode: 'url',
    payloadSource: 'item',
    payloadFormat: c.payloadFormat,
    signature: c.signature,
    signatureHeader: 'X-Shop-Signature',
    authentication: 'bearer',
    conditions: null,
    includeFields: [],
    options: {
      allowPrivateTargets: false,
      batch: c.batch,
      headers: { 'x-team': 'payments' },
      maxRetries: 3,
      ordered: true,
      retryBaseMs: 1000,
      timeoutMs: 10_000,
    },
  });
}

function secretsOf(c: Case): SenderSecrets {
  return {
    signingSecret: c.signature === 'none' && !c.profile ? undefined : c.secret,
    authentication: { type: 'bearer', token: 't0k' },
  };
}

function events(count: number): EventEnvelope[] {
  const metadata = { workflow_id: source.workflowId, execution_id: source.executionId, node: source.nodeName };
  return Array.from({ length: count }, (_, n) =>
    createEvent(`order.step${n}`, { order: 4711, step: n, note: 'café ☕' }, metadata, new Date(nowMs + n)),
  );
}

function stored(delivery: NewDelivery, seq: number): DeliveryRecord {
  return {
    ...delivery,
    seq,
    status: 'pending',
    attemptCount: 0,
    leaseOwner: null,
    leaseExpiresAtMs: null,
    lastStatusCode: null,
    lastError: null,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    completedAtMs: null,
    erased: false,
  };
}

/** What the engine's pool puts on the wire for these events. */
function viaEngine(c: Case, envelopes: readonly EventEnvelope[], timestampSec: number) {
  const params = parameters(c);
  const items = envelopes.map((event, index) => ({ index, eventType: event.type, url, data: event.data }));
  const request = toWebhookRequest({ params, secrets: secretsOf(c), itemCount: items.length }, items[0]);
  const subscription = nodeSubscription(undefined, source, request, 10_000, nowMs);
  const deliveries = envelopes.map((event, n) => stored(toDelivery(event, subscription, null, nowMs, 86_400_000), n));
  const sent = buildRequest(subscription, deliveries, nowMs);
  return { body: sent.body, headers: signHeaders(sent.headers, sent, sent.signing, timestampSec) };
}

/** What the sender node posts inline inside n8n for these events. */
function viaNode(c: Case, envelopes: readonly EventEnvelope[], timestampSec: number) {
  const params = parameters(c);
  const shape = {
    payloadFormat: params.payloadFormat,
    webhookId: nodeSubscriptionId(source.workflowId, source.nodeName, url),
    metadata: envelopes[0].metadata ?? {},
  };
  const message = messageOf(envelopes, shape, c.batch);
  const settings = {
    signature: params.signature,
    wire: params.wire,
    secrets: secretsOf(c),
    headers: params.options.headers,
  };
  return { body: message.body, headers: attemptHeaders(message, settings, 1, timestampSec) };
}

/** The delivery row's id exists only in the engine; everything else must match. */
function withoutDeliveryId(headers: Record<string, string>): Record<string, string> {
  const { 'x-hookline-delivery': deliveryId, ...rest } = headers;
  expect(deliveryId).toMatch(/^del_/);
  return rest;
}

describe('the same event through the engine outbox and the inline sender node', () => {
  const formats: PayloadFormat[] = ['envelope', 'event', 'webhook'];
  const signatures: SignatureOption[] = ['standard-webhooks', 'hex', 'sha256', 'timestamped', 'none'];

  for (const payloadFormat of formats) {
    for (const signature of signatures) {
      it(`sends identical bytes and headers for one event (${payloadFormat}, ${signature})`, () => {
        const c: Case = { signature, payloadFormat, batch: false, secret: generateSecret() };
        const [event] = events(1);
        const timestampSec = Math.floor(Date.now() / 1000);
        const engine = viaEngine(c, [event], timestampSec);
        const node = viaNode(c, [event], timestampSec);
        expect(engine.body).toBe(node.body);
        expect(withoutDeliveryId(engine.headers)).toEqual(node.headers);
        expect(Object.keys(engine.headers).length).toBe(Object.keys(node.headers).length + 1);
      });
    }
  }

  for (const profile of WIRE_PROFILES) {
    it(`sends identical bytes and headers for one event with the ${profile} profile`, () => {
      const c: Case = {
        signature: 'none',
        payloadFormat: 'envelope',
        batch: false,
        secret: 'a-plain-secret-0123456789',
        profile,
      };
      const [event] = events(1);
      const timestampSec = Math.floor(Date.now() / 1000);
      const engine = viaEngine(c, [event], timestampSec);
      const node = viaNode(c, [event], timestampSec);
      expect(engine.body).toBe(node.body);
      expect(withoutDeliveryId(engine.headers)).toEqual(node.headers);
      const header = PROFILES[profile].signatureHeader!.toLowerCase();
      expect(node.headers[header]).toEqual(expect.any(String));
    });
  }

  it('keys one event by its event id, with Hookline headers, receiver auth and custom headers', () => {
    const c: Case = {
      signature: 'standard-webhooks',
      payloadFormat: 'envelope',
      batch: false,
      secret: generateSecret(),
    };
    const [event] = events(1);
    const { body, headers } = viaEngine(c, [event], Math.floor(Date.now() / 1000));
    expect(JSON.parse(body)).toMatchObject({ id: event.id, type: event.type });
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'idempotency-key': event.id,
      'webhook-id': event.id,
      'x-hookline-event': 'order.step0',
      'x-hookline-attempt': '1',
      'x-team': 'payments',
      authorization: 'Bearer t0k',
    });
  });

  it('sends a batch as one JSON array keyed by msg_ and the first event id, on both paths', () => {
    const c: Case = { signature: 'standard-webhooks', payloadFormat: 'event', batch: true, secret: generateSecret() };
    const batch = events(3);
    const timestampSec = Math.floor(Date.now() / 1000);
    const engine = viaEngine(c, batch, timestampSec);
    const node = viaNode(c, batch, timestampSec);
    expect(engine.body).toBe(node.body);
    expect(JSON.parse(engine.body).map((payload: { id: string }) => payload.id)).toEqual(batch.map((e) => e.id));
    expect(withoutDeliveryId(engine.headers)).toEqual(node.headers);
    expect(node.headers['idempotency-key']).toBe(`msg_${batch[0].id.slice('evt_'.length)}`);
    expect(node.headers['webhook-id']).toBe(node.headers['idempotency-key']);
    expect(node.headers['x-hookline-event']).toBe('batch');
  });

  it('signs so that the standardwebhooks library accepts either path', () => {
    const c: Case = {
      signature: 'standard-webhooks',
      payloadFormat: 'webhook',
      batch: false,
      secret: generateSecret(),
    };
    const [event] = events(1);
    const timestampSec = Math.floor(Date.now() / 1000);
    for (const sent of [viaEngine(c, [event], timestampSec), viaNode(c, [event], timestampSec)]) {
      expect(new Webhook(c.secret).verify(sent.body, sent.headers)).toEqual(JSON.parse(sent.body));
    }
  });

  it("signs sha256 so that GitHub's verifier accepts either path", async () => {
    const c: Case = { signature: 'sha256', payloadFormat: 'envelope', batch: true, secret: 'github-style-secret' };
    const batch = events(2);
    for (const sent of [viaEngine(c, batch, 0), viaNode(c, batch, 0)]) {
      await expect(verifyGithub(c.secret, sent.body, sent.headers['x-hub-signature-256'])).resolves.toBe(true);
    }
  });
});
