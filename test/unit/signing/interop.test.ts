import { Buffer } from 'node:buffer';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { generateEd25519Keys, generateSecret, signPayload, verifyPayload } from '../../../engine/signing/index.js';

const body = JSON.stringify({
  id: 'evt_1',
  object: 'event',
  type: 'order.created',
  data: { total: 4200, note: 'café ☕' },
});
const msgId = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const now = () => Math.floor(Date.now() / 1000);

/** Standard Webhooks headers renamed to Svix's. */
function asSvix(headers: Record<string, string>): Record<string, string> {
  return {
    'svix-id': headers['webhook-id'],
    'svix-timestamp': headers['webhook-timestamp'],
    'svix-signature': headers['webhook-signature'],
  };
}

describe('standard-webhooks interop with the standardwebhooks library', () => {
  it('our signature verifies with Webhook.verify', () => {
    const secret = generateSecret();
    const headers = signPayload({ scheme: 'standard-webhooks', secrets: [secret], msgId, timestampSec: now(), body });
    expect(new StandardWebhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('a signature from Webhook.sign verifies with ours', () => {
    const secret = generateSecret();
    const timestampSec = now();
    const signature = new StandardWebhook(secret).sign(msgId, new Date(timestampSec * 1000), body);
    const headers = { 'webhook-id': msgId, 'webhook-timestamp': String(timestampSec), 'webhook-signature': signature };
    expect(() => verifyPayload({ scheme: 'standard-webhooks', secrets: [secret], headers, body })).not.toThrow();
  });

  it('a Buffer body signs the same bytes as the string', () => {
    const secret = generateSecret();
    const headers = signPayload({
      scheme: 'standard-webhooks',
      secrets: [secret],
      msgId,
      timestampSec: now(),
      body: Buffer.from(body),
    });
    expect(() => new StandardWebhook(secret).verify(body, headers)).not.toThrow();
  });

  it('rotation: headers signed with [new, old] verify with a library holding only one of them', () => {
    const [fresh, old] = [generateSecret(), generateSecret()];
    const headers = signPayload({
      scheme: 'standard-webhooks',
      secrets: [fresh, old],
      msgId,
      timestampSec: now(),
      body,
    });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new StandardWebhook(old).verify(body, headers)).not.toThrow();
    expect(() => new StandardWebhook(fresh).verify(body, headers)).not.toThrow();
    expect(() => new StandardWebhook(generateSecret()).verify(body, headers)).toThrow();
  });

  it('the spec example secret gives the same signature as the library', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const timestampSec = 1614265330;
    const headers = signPayload({ scheme: 'standard-webhooks', secrets: [secret], msgId, timestampSec, body });
    expect(headers['webhook-signature']).toBe(
      new StandardWebhook(secret).sign(msgId, new Date(timestampSec * 1000), body),
    );
  });
});

describe('standard-webhooks interop with svix', () => {
  it('our headers renamed to svix-* verify with svix', () => {
    const secret = generateSecret();
    const headers = signPayload({ scheme: 'standard-webhooks', secrets: [secret], msgId, timestampSec: now(), body });
    expect(new SvixWebhook(secret).verify(body, asSvix(headers))).toEqual(JSON.parse(body));
  });

  it('svix-* headers from svix verify with ours', () => {
    const secret = generateSecret();
    const timestampSec = now();
    const signature = new SvixWebhook(secret).sign(msgId, new Date(timestampSec * 1000), body);
    const headers = { 'svix-id': msgId, 'svix-timestamp': String(timestampSec), 'svix-signature': signature };
    expect(() => verifyPayload({ scheme: 'standard-webhooks', secrets: [secret], headers, body })).not.toThrow();
  });
});

describe('sha256 interop with @octokit/webhooks-methods', () => {
  it('our X-Hub-Signature-256 verifies with verify()', async () => {
    const secret = "It's a Secret to Everybody";
    const headers = signPayload({ scheme: 'sha256', secrets: [secret], msgId, timestampSec: now(), body });
    expect(await octokitVerify(secret, body, headers['x-hub-signature-256'])).toBe(true);
  });

  it('sign() output verifies with ours', async () => {
    const secret = generateSecret();
    const headers = { 'X-Hub-Signature-256': await octokitSign(secret, body) };
    expect(() => verifyPayload({ scheme: 'sha256', secrets: [secret], headers, body })).not.toThrow();
  });

  it("matches GitHub's documented example signature", () => {
    const headers = signPayload({
      scheme: 'sha256',
      secrets: ["It's a Secret to Everybody"],
      msgId,
      timestampSec: 0,
      body: 'Hello, World!',
    });
    expect(headers['x-hub-signature-256']).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });
});

describe('stripe interop with the stripe library', () => {
  const stripe = new Stripe('sk_test_not_used');
  const secret = 'whsec_test_secret_for_hookline';

  it('our Stripe-Signature passes webhooks.constructEvent', () => {
    const headers = signPayload({ scheme: 'stripe', secrets: [secret], msgId, timestampSec: now(), body });
    const event = stripe.webhooks.constructEvent(body, headers['stripe-signature'], secret);
    expect(event.id).toBe('evt_1');
  });

  it('generateTestHeaderString output verifies with ours', () => {
    const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: now() });
    expect(() =>
      verifyPayload({ scheme: 'stripe', secrets: [secret], headers: { 'Stripe-Signature': header }, body }),
    ).not.toThrow();
  });

  it('rotation: several v1= values pass constructEvent with either secret', () => {
    const old = 'whsec_old_secret';
    const headers = signPayload({ scheme: 'stripe', secrets: [secret, old], msgId, timestampSec: now(), body });
    expect(stripe.webhooks.constructEvent(body, headers['stripe-signature'], old).id).toBe('evt_1');
    expect(stripe.webhooks.constructEvent(body, headers['stripe-signature'], secret).id).toBe('evt_1');
  });

  it('a Stripe header older than 300 s is rejected by both', () => {
    const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: now() - 301 });
    expect(() => stripe.webhooks.constructEvent(body, header, secret)).toThrow();
    expect(() =>
      verifyPayload({ scheme: 'stripe', secrets: [secret], headers: { 'stripe-signature': header }, body }),
    ).toThrow(/too old/);
  });
});

describe('ed25519 (v1a) against node:crypto', () => {
  it('our v1a signature verifies with crypto.verify over `${id}.${timestamp}.${body}`', () => {
    const { secretKey, publicKey } = generateEd25519Keys();
    const timestampSec = now();
    const headers = signPayload({ scheme: 'ed25519', secrets: [secretKey], msgId, timestampSec, body });
    const [version, signature] = headers['webhook-signature'].split(',');
    expect(version).toBe('v1a');
    const x = Buffer.from(publicKey.slice('whpk_'.length), 'base64').toString('base64url');
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    const content = Buffer.from(`${msgId}.${timestampSec}.${body}`);
    expect(nodeVerify(null, content, key, Buffer.from(signature, 'base64'))).toBe(true);
    expect(nodeVerify(null, Buffer.from(`${msgId}.${timestampSec}.{}`), key, Buffer.from(signature, 'base64'))).toBe(
      false,
    );
  });
});
