/**
 * Wire profiles: each seed's own receiver code (transcribed in `test/fixtures/seed-receivers/`)
 * runs as a real HTTP receiver on 127.0.0.1 and verifies real deliveries from a real engine whose
 * webhook was created over the API with that seed's profile. The receivers answer 401 on a bad
 * signature or timestamp, so an accepted delivery is the seed's code saying yes.
 */
import { Hookline, verifyWebhook, type WebhookInput } from '../../engine/sdk/index.js';
import type { SeedApp } from '../fixtures/seed-receivers/express.js';
import { seed000App } from '../fixtures/seed-receivers/seed-000-admin-do.js';
import { seed001App } from '../fixtures/seed-receivers/seed-001-aetherflow.js';
import { seed002App } from '../fixtures/seed-receivers/seed-002-agenticflow.js';
import { seed003App } from '../fixtures/seed-receivers/seed-003-unified.js';
import { seed004App } from '../fixtures/seed-receivers/seed-004-admin.js';
import { describe, expect, it } from '../helpers/engine-fixture.js';
import type { Receiver } from '../fixtures/receiver.js';
import type { Engine } from '../../engine/index.js';

const API_KEY = 'seed-profiles-api-key-0123456789';
const SECRET = 'a-plain-seed-secret-0123456789';
const DATA = { workflow: { id: 'wf_abc123', name: 'Email Processor', status: 'completed' } };
/** Seed 000 puts its webhook in `org-123` / `proj-123`; the event names the same organization. */
const METADATA = { organization: 'org-123', project: 'proj-123' };

interface Sent {
  app: SeedApp;
  body: Record<string, unknown>;
  headers: Record<string, unknown>;
  webhook: Record<string, unknown>;
}

/** Creates the webhook over the API, points the receiver at the seed app, publishes one event. */
async function deliverTo(
  context: { receiver: Receiver; hookline: Engine; url: string },
  app: SeedApp,
  path: string,
  input: WebhookInput,
): Promise<Sent> {
  const client = new Hookline({ baseUrl: context.url, apiKey: API_KEY });
  context.receiver.respondWith(app.behaviour);
  const webhook = await client.webhooks.create({
    url: `${context.receiver.url}${path}`,
    events: ['workflow.completed'],
    ...input,
  });
  await context.hookline.publishEvent('workflow.completed', DATA, METADATA);
  const [request] = await context.receiver.waitFor(1);
  return {
    app,
    body: JSON.parse(request.body) as Record<string, unknown>,
    headers: request.headers,
    webhook: webhook as unknown as Record<string, unknown>,
  };
}

describe("wire profiles: each seed's receiver code verifies our deliveries unchanged", () => {
  it("admin-do: seed 000's receiver (ms timestamp, organization payload, its own plain secret)", async ({ setup }) => {
    const { receiver, hookline, running } = await setup({ apiKey: API_KEY });
    const sent = await deliverTo({ receiver, hookline, url: running.url }, seed000App(), '/webhook', {
      name: 'My Webhook',
      description: 'A webhook for my application',
      organization: 'org-123',
      project: 'proj-123',
      secret: 'my-webhook-secret',
      enabled: true,
      profile: 'admin-do',
    });
    expect(sent.app.outcomes).toEqual([
      { status: 200, body: 'Webhook received', logs: ['Received event: workflow.completed'] },
    ]);
    expect(Object.keys(sent.body)).toEqual(['id', 'type', 'created', 'organization', 'project', 'data']);
    expect(sent.body).toMatchObject({ type: 'workflow.completed', organization: 'org-123', project: 'proj-123' });
    expect(String(sent.headers['x-admin-timestamp'])).toMatch(/^\d{13}$/);
    expect(sent.webhook).toMatchObject({
      profile: 'admin-do',
      signature_scheme: 'timestamped',
      signature_header: 'X-Admin-Signature',
      timestamp_header: 'X-Admin-Timestamp',
      timestamp_unit: 'ms',
      payload_format: 'organization',
    });
  });

  it("aetherflow: seed 001's receiver (hex over the raw body, 3 retries)", async ({ setup }) => {
    const { receiver, hookline, running } = await setup({ apiKey: API_KEY });
    const app = seed001App({ WEBHOOK_SECRET: SECRET });
    const sent = await deliverTo({ receiver, hookline, url: running.url }, app, '/webhook', {
      secret: SECRET,
      profile: 'aetherflow',
    });
    expect(sent.app.outcomes).toEqual([{ status: 200, body: 'OK', logs: ['Received event: workflow.completed'] }]);
    expect(Object.keys(sent.body).sort()).toEqual(['data', 'event', 'id', 'timestamp']);
    expect(sent.webhook).toMatchObject({ retry_policy: { max_retries: 3 }, payload_format: 'event' });

    // Seed code compares one signature: after a rotation only the new secret signs, so a receiver
    // given the new secret accepts at once.
    const rotated = await hookline.delivery.subscriptions.rotateSecret(String(sent.webhook.id), `${SECRET}-rotated`);
    const next = seed001App({ WEBHOOK_SECRET: rotated.secret });
    receiver.respondWith(next.behaviour);
    await hookline.publishEvent('workflow.completed', DATA, METADATA);
    await receiver.waitFor(2);
    expect(next.outcomes.map((o) => o.status)).toEqual([200]);
  });

  it("agenticflow: seed 002's receiver (sha256= over the body, its retry schedule)", async ({ setup }) => {
    const { receiver, hookline, running } = await setup({ apiKey: API_KEY });
    const app = seed002App({ WEBHOOK_SECRET: SECRET });
    const sent = await deliverTo({ receiver, hookline, url: running.url }, app, '/webhooks/agenticflow', {
      secret: SECRET,
      profile: 'agenticflow',
    });
    expect(sent.app.outcomes).toEqual([{ status: 200, body: 'OK', logs: ['Received event: workflow.completed'] }]);
    expect(Object.keys(sent.body)).toEqual(['event', 'timestamp', 'webhook_id', 'data']);
    expect(sent.body.webhook_id).toBe(sent.webhook.id);
    expect(sent.webhook.retry_policy).toEqual({
      max_retries: 6,
      schedule_seconds: [60, 300, 900, 3600, 21_600, 86_400],
    });
  });

  it("unified: seed 003's receiver (hex of the JSON body in X-Webhook-Signature)", async ({ setup }) => {
    const { receiver, hookline, running } = await setup({ apiKey: API_KEY });
    const app = seed003App({ WEBHOOK_SECRET: SECRET });
    const sent = await deliverTo({ receiver, hookline, url: running.url }, app, '/webhook', {
      secret: SECRET,
      profile: 'unified',
    });
    expect(sent.app.outcomes).toEqual([{ status: 200, body: 'OK', logs: ['Received event: workflow.completed'] }]);
    expect(sent.body).toMatchObject({ id: expect.stringMatching(/^evt_/), event: 'workflow.completed', data: DATA });
  });

  it("admin: seed 004's receiver (sha256= over the raw payload, Idempotency-Key)", async ({ setup }) => {
    const { receiver, hookline, running } = await setup({ apiKey: API_KEY });
    const app = seed004App({ WEBHOOK_SECRET: SECRET });
    const sent = await deliverTo({ receiver, hookline, url: running.url }, app, '/webhook', {
      secret: SECRET,
      profile: 'admin',
    });
    const id = String(sent.body.id);
    expect(sent.app.outcomes).toEqual([
      { status: 200, body: 'Received', logs: [`Received event: workflow.completed ${id}`] },
    ]);
    expect(Object.keys(sent.body)).toEqual(['id', 'type', 'timestamp', 'data', 'metadata']);
  });
});

describe('wire profiles: overrides and the timestamp fields on their own', () => {
  it('a field given next to a profile wins, survives a PATCH of other fields, and a new profile re-applies', async ({
    setup,
  }) => {
    const { receiver, hookline, running } = await setup({ apiKey: API_KEY });
    const app = seed001App({ WEBHOOK_SECRET: SECRET });
    const sent = await deliverTo({ receiver, hookline, url: running.url }, app, '/webhook', {
      secret: SECRET,
      profile: 'aetherflow',
      payload_format: 'envelope',
      retry_policy: { backoff_multiplier: 2 },
    });
    // Still seed 001's signature (over the raw body), in the envelope the override asked for.
    expect(sent.app.outcomes.map((o) => o.status)).toEqual([200]);
    expect(sent.body).toMatchObject({ type: 'workflow.completed' });
    expect(sent.body).not.toHaveProperty('event');
    expect(sent.webhook).toMatchObject({
      profile: 'aetherflow',
      payload_format: 'envelope',
      retry_policy: { max_retries: 3, backoff_multiplier: 2 },
    });
    const client = new Hookline({ baseUrl: running.url, apiKey: API_KEY });
    const id = String(sent.webhook.id);
    expect(await client.webhooks.update(id, { name: 'Renamed' })).toMatchObject({
      profile: 'aetherflow',
      payload_format: 'envelope',
    });
    expect(await client.webhooks.update(id, { profile: 'unified' })).toMatchObject({
      profile: 'unified',
      signature_scheme: 'hex',
      signature_header: 'X-Webhook-Signature',
      payload_format: 'event',
      retry_policy: null,
    });
    // Back to no profile: Standard Webhooks, which a plain secret does not suit.
    const refused = await client.webhooks.update(id, { profile: null }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'profile' } });
  });

  it('timestamp_header and timestamp_unit on their own make seed 000’s receiver accept, without a profile', async ({
    setup,
  }) => {
    const { receiver, hookline, running } = await setup({ apiKey: API_KEY });
    const sent = await deliverTo({ receiver, hookline, url: running.url }, seed000App(), '/webhook', {
      secret: 'my-webhook-secret',
      signature_scheme: 'timestamped',
      signature_header: 'X-Admin-Signature',
      timestamp_header: 'X-Admin-Timestamp',
      timestamp_unit: 'ms',
    });
    expect(sent.app.outcomes.map((o) => o.status)).toEqual([200]);
    expect(sent.webhook).toMatchObject({ profile: null, timestamp_unit: 'ms' });
  });

  it('timestamp_unit ms alone sends milliseconds in x-webhook-timestamp, which verifyWebhook checks', async ({
    setup,
  }) => {
    const { receiver, hookline, running } = await setup({ apiKey: API_KEY });
    const client = new Hookline({ baseUrl: running.url, apiKey: API_KEY });
    await client.webhooks.create({
      url: receiver.url,
      events: ['workflow.completed'],
      secret: SECRET,
      signature_scheme: 'timestamped',
      timestamp_unit: 'ms',
    });
    const publishedAtMs = Date.now();
    await hookline.publishEvent('workflow.completed', DATA);
    const [request] = await receiver.waitFor(1);
    const timestamp = Number(request.headers['x-webhook-timestamp']);
    expect(timestamp).toBeGreaterThanOrEqual(publishedAtMs);
    expect(timestamp).toBeLessThanOrEqual(request.receivedAtMs);
    expect(verifyWebhook(request.body, request.headers, SECRET, { timestampUnit: 'ms' })).toMatchObject({
      data: DATA,
    });
    // A receiver expecting seconds reads this as far in the future, and refuses it.
    expect(() => verifyWebhook(request.body, request.headers, SECRET)).toThrow(/too new/);
  });

  it("seed 000's receiver refuses what the plain timestamped scheme sends: seconds are not its unit", async ({
    setup,
  }) => {
    const { receiver, hookline, running } = await setup({ apiKey: API_KEY });
    const sent = await deliverTo({ receiver, hookline, url: running.url }, seed000App(), '/webhook', {
      secret: 'my-webhook-secret',
      signature_scheme: 'timestamped',
      signature_header: 'X-Admin-Signature',
      timestamp_header: 'X-Admin-Timestamp',
    });
    expect(sent.app.outcomes[0]).toMatchObject({ status: 401, body: 'Timestamp too old' });
  });

  it('verifyWebhook takes a profile and checks each profile’s deliveries', async ({ setup }) => {
    const { receiver, hookline, running } = await setup({ apiKey: API_KEY });
    const client = new Hookline({ baseUrl: running.url, apiKey: API_KEY });
    const profiles = ['admin-do', 'aetherflow', 'agenticflow', 'unified', 'admin'] as const;
    for (const profile of profiles)
      await client.webhooks.create({ url: `${receiver.url}/${profile}`, events: ['*'], secret: SECRET, profile });
    await hookline.publishEvent('workflow.completed', DATA, METADATA);
    const requests = await receiver.waitFor(profiles.length);
    for (const profile of profiles) {
      const request = requests.find((r) => r.url === `/${profile}`)!;
      expect(verifyWebhook(request.body, request.headers, SECRET, { profile })).toBeTruthy();
    }
  });
});
