/**
 * The Standard Webhooks spec's published test vectors (standard-webhooks/standard-webhooks,
 * `libraries/javascript/src/webhook.test.ts`), transcribed and run against our signer and the
 * SDK's `verifyWebhook`, with the reference libraries (`standardwebhooks`, `svix`) as witnesses:
 * a secret is base64 with or without `whsec_`, and one that is not base64 is refused.
 */
import { createHmac } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from '../../../engine/sdk/index.js';
import { signPayload, standardSecretProblem, verifyPayload } from '../../../engine/signing/index.js';

/** The spec's vector: its secret, message id, payload and the signature it expects. */
const VECTOR = {
  secret: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  payload: '{"test": 2432232314}',
  timestampSec: 1614265330,
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
} as const;

const headersAt = (timestampSec: number, signature: string = VECTOR.signature): Record<string, string> => ({
  'webhook-id': VECTOR.msgId,
  'webhook-timestamp': String(timestampSec),
  'webhook-signature': signature,
});

/** The spec test's `TestPayload`: the vector's message signed at `timestampSec` with the base64-decoded secret. */
function testPayload(timestampSec = Math.floor(Date.now() / 1000)): Record<string, string> {
  const mac = createHmac('sha256', Buffer.from(VECTOR.secret, 'base64'))
    .update(`${VECTOR.msgId}.${timestampSec}.${VECTOR.payload}`)
    .digest('base64');
  return headersAt(timestampSec, `v1,${mac}`);
}

function rejects(headers: Record<string, string>, secret: string = VECTOR.secret): WebhookVerificationError {
  try {
    verifyWebhook(VECTOR.payload, headers, secret);
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return error as WebhookVerificationError;
  }
  throw new Error('expected verification to fail');
}

describe('Standard Webhooks spec vectors', () => {
  it('"sign function works": our signer gives the expected signature, with and without whsec_', () => {
    for (const secret of [`whsec_${VECTOR.secret}`, VECTOR.secret]) {
      const headers = signPayload({
        scheme: 'standard-webhooks',
        secrets: [secret],
        msgId: VECTOR.msgId,
        timestampSec: VECTOR.timestampSec,
        body: VECTOR.payload,
      });
      expect(headers['webhook-signature']).toBe(VECTOR.signature);
    }
  });

  it('"verification works with and without signature prefix": verifyWebhook accepts the vector', () => {
    for (const secret of [VECTOR.secret, `whsec_${VECTOR.secret}`]) {
      expect(
        verifyWebhook(VECTOR.payload, headersAt(VECTOR.timestampSec), secret, { nowSec: VECTOR.timestampSec }),
      ).toEqual({ test: 2432232314 });
      expect(() =>
        verifyPayload({
          scheme: 'standard-webhooks',
          secrets: [secret],
          headers: headersAt(VECTOR.timestampSec),
          body: VECTOR.payload,
          nowSec: VECTOR.timestampSec,
        }),
      ).not.toThrow();
    }
  });

  it('"valid signature is valid and returns valid json"', () => {
    expect(verifyWebhook(VECTOR.payload, testPayload(), VECTOR.secret)).toEqual({ test: 2432232314 });
  });

  it('"missing id / timestamp / signature raises error"', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const headers = testPayload();
      delete headers[name];
      expect(rejects(headers).reason).toBe('missing_header');
    }
  });

  it('"invalid timestamp throws error"', () => {
    expect(rejects({ ...testPayload(), 'webhook-timestamp': 'hello' }).reason).toBe('bad_format');
  });

  it('"invalid signature throws error" and "partial signature throws error"', () => {
    const headers = testPayload();
    expect(rejects({ ...headers, 'webhook-signature': 'v1,dawfeoifkpqwoekfpqoekf' }).reason).toBe('mismatch');
    expect(rejects({ ...headers, 'webhook-signature': headers['webhook-signature'].slice(0, 8) }).reason).toBe(
      'mismatch',
    );
    expect(rejects({ ...headers, 'webhook-signature': 'v1,' }).reason).not.toBe('missing_header');
  });

  it('"old timestamp fails" and "new timestamp fails" (5 minutes and a second either way)', () => {
    const nowSec = Math.floor(Date.now() / 1000);
    expect(rejects(testPayload(nowSec - 300 - 1)).reason).toBe('timestamp');
    expect(rejects(testPayload(nowSec + 300 + 1)).reason).toBe('timestamp');
  });

  it('"multi sig payload is valid": other versions and wrong v1 entries beside the right one', () => {
    const headers = testPayload();
    const sigs = [
      'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
      'v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
      headers['webhook-signature'],
      'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
    ];
    expect(verifyWebhook(VECTOR.payload, { ...headers, 'webhook-signature': sigs.join(' ') }, VECTOR.secret)).toEqual({
      test: 2432232314,
    });
  });
});

describe('Standard Webhooks secrets, as the reference libraries read them', () => {
  it('an unprefixed base64 secret signs what svix and standardwebhooks accept', () => {
    const timestampSec = Math.floor(Date.now() / 1000);
    const headers = signPayload({
      scheme: 'standard-webhooks',
      secrets: [VECTOR.secret],
      msgId: VECTOR.msgId,
      timestampSec,
      body: VECTOR.payload,
    });
    expect(new StandardWebhook(VECTOR.secret).verify(VECTOR.payload, headers)).toEqual({ test: 2432232314 });
    expect(new SvixWebhook(VECTOR.secret).verify(VECTOR.payload, headers)).toEqual({ test: 2432232314 });
  });

  it('a secret the libraries refuse is refused by our signer and verifier with a TypeError', () => {
    for (const secret of ['my-webhook-secret', 'whsec_abc', 'YWI', 'a b=']) {
      expect(() => new StandardWebhook(secret)).toThrow();
      expect(() => new SvixWebhook(secret)).toThrow();
      expect(standardSecretProblem(secret)).toMatch(/base64/);
      expect(() =>
        signPayload({ scheme: 'standard-webhooks', secrets: [secret], msgId: 'm', timestampSec: 1, body: '{}' }),
      ).toThrow(TypeError);
      expect(() => verifyWebhook(VECTOR.payload, testPayload(), secret)).toThrow(TypeError);
    }
  });
});
