import { createHmac, createPublicKey, verify as verifyEd25519 } from 'node:crypto';
import { verify as githubVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { blankSubscription } from '../../engine/delivery/subscriptions.js';
import { describe, expect, FAST_DELIVERY, it } from '../helpers/engine-fixture.js';

describe('signing: every scheme verified by its reference library', () => {
  const event = { order_id: 'o-1', total: 42 };

  it('signs with Standard Webhooks by default, verified by standardwebhooks and svix', async ({ setup }) => {
    const { receiver, hookline } = await setup();
    const { secret } = await hookline.delivery.subscriptions.create({ url: receiver.url, events: ['order.completed'] });
    expect(secret).toMatch(/^whsec_/);
    const { event: sent } = await hookline.publishEvent('order.completed', event);
    const [request] = await receiver.waitFor(1);
    const headers = request.headers as Record<string, string>;
    expect(new Webhook(secret).verify(request.body, headers)).toMatchObject({
      id: sent.id,
      type: 'order.completed',
      data: event,
    });
    const svixHeaders = {
      'svix-id': headers['webhook-id'],
      'svix-timestamp': headers['webhook-timestamp'],
      'svix-signature': headers['webhook-signature'],
    };
    expect(new SvixWebhook(secret).verify(request.body, svixHeaders)).toMatchObject({ id: sent.id });
    expect(headers['idempotency-key']).toBe(sent.id);
    expect(headers['webhook-id']).toBe(sent.id);
    expect(headers['user-agent']).toMatch(/^Hookline\/\d+\.\d+\.\d+$/);
  });

  it('signs sha256= in a configurable header, verified by @octokit/webhooks-methods', async ({ setup }) => {
    const { receiver, hookline } = await setup();
    await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
      signature_scheme: 'sha256',
      signature_header: 'X-AgenticFlow-Signature',
      secret: 'octo-secret-123456',
    });
    await hookline.publishEvent('order.completed', event);
    const [request] = await receiver.waitFor(1);
    expect(
      await githubVerify('octo-secret-123456', request.body, String(request.headers['x-agenticflow-signature'])),
    ).toBe(true);
  });

  it('signs plain hex over the raw body (seed 003) and timestamped t.body (seed 000)', async ({ setup }) => {
    const { receiver, hookline } = await setup();
    await hookline.delivery.subscriptions.create({
      url: `${receiver.url}/hex`,
      events: ['order.completed'],
      signature_scheme: 'hex',
      secret: 'hex-secret-123456',
    });
    await hookline.delivery.subscriptions.create({
      url: `${receiver.url}/ts`,
      events: ['order.completed'],
      signature_scheme: 'timestamped',
      secret: 'ts-secret-1234567',
    });
    const publishedAtSec = Math.floor(Date.now() / 1000);
    await hookline.publishEvent('order.completed', event);
    const requests = await receiver.waitFor(2);
    const hex = requests.find((r) => r.url === '/hex')!;
    expect(hex.headers['x-webhook-signature']).toBe(
      createHmac('sha256', 'hex-secret-123456').update(hex.body).digest('hex'),
    );
    const ts = requests.find((r) => r.url === '/ts')!;
    const timestamp = String(ts.headers['x-webhook-timestamp']);
    // Signed at send time: between the publish and the arrival.
    expect(Number(timestamp)).toBeGreaterThanOrEqual(publishedAtSec);
    expect(Number(timestamp)).toBeLessThanOrEqual(Math.ceil(ts.receivedAtMs / 1000));
    expect(ts.headers['x-webhook-signature']).toBe(
      createHmac('sha256', 'ts-secret-1234567').update(`${timestamp}.${ts.body}`).digest('hex'),
    );
  });

  it('signs v1a with ed25519 so receivers verify with the public key only', async ({ setup }) => {
    const { receiver, hookline } = await setup();
    const { publicKey } = await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
      signature_scheme: 'ed25519',
    });
    expect(publicKey).toMatch(/^whpk_/);
    await hookline.publishEvent('order.completed', event);
    const [request] = await receiver.waitFor(1);
    const [version, signature] = String(request.headers['webhook-signature']).split(',');
    expect(version).toBe('v1a');
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey!.slice(5), 'base64').toString('base64url') },
      format: 'jwk',
    });
    const content = `${request.headers['webhook-id']}.${request.headers['webhook-timestamp']}.${request.body}`;
    expect(verifyEd25519(null, Buffer.from(content), key, Buffer.from(signature, 'base64'))).toBe(true);
  });

  it('signs with both secrets during a rotation overlap, so old and new receivers verify', async ({ setup }) => {
    const { receiver, hookline } = await setup();
    const created = await hookline.delivery.subscriptions.create({ url: receiver.url, events: ['order.completed'] });
    const rotated = await hookline.delivery.subscriptions.rotateSecret(created.subscription.id);
    expect(rotated.secret).not.toBe(created.secret);
    await hookline.publishEvent('order.completed', event);
    const [request] = await receiver.waitFor(1);
    const headers = request.headers as Record<string, string>;
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(created.secret).verify(request.body, headers)).not.toThrow();
    expect(() => new Webhook(rotated.secret).verify(request.body, headers)).not.toThrow();
  });

  it('a webhook stored with a plain secret before the spec reading keeps its key; a rotation moves it to the spec', async ({
    startEngine,
    receiver,
  }) => {
    const plain = 'plain-secret-from-before-v11';
    const running = await startEngine({
      config: FAST_DELIVERY,
      prepare: (store) =>
        store.saveSubscription({
          ...blankSubscription(Date.now(), { deliveryTimeoutMs: 5000 }),
          id: 'wh_legacy',
          url: receiver.url,
          events: ['order.completed'],
          secret: plain,
          legacySecretUtf8: true,
        }),
    });
    // The old reading: the secret's UTF-8 bytes are the key, which is `whsec_` + their base64 in spec terms.
    const specForm = `whsec_${Buffer.from(plain).toString('base64')}`;
    await running.engine.publishEvent('order.completed', event);
    const [before] = await receiver.waitFor(1);
    expect(() => new Webhook(specForm).verify(before.body, before.headers as Record<string, string>)).not.toThrow();

    const rotated = await running.engine.delivery.subscriptions.rotateSecret('wh_legacy');
    expect(rotated.subscription.legacySecretUtf8).toBe(false);
    await running.engine.publishEvent('order.completed', event);
    const [, after] = await receiver.waitFor(2);
    const headers = after.headers as Record<string, string>;
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(rotated.secret).verify(after.body, headers)).not.toThrow();
    expect(() => new SvixWebhook(specForm).verify(after.body, headers)).not.toThrow();
  });
});
