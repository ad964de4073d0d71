/** `verifyWebhook`'s scheme detection and failures, on messages signed by `engine/signing`. */
import { describe, expect, it } from 'vitest';
import {
  generateEd25519Keys,
  generateSecret,
  signPayload,
  type SignatureScheme,
} from '../../../engine/signing/index.js';
import { verifyWebhook, WebhookVerificationError } from '../../../engine/sdk/index.js';

const NOW_SEC = 1_700_000_000;
const body = JSON.stringify({ id: 'evt_1', type: 'order.completed', data: { total: 42 } });

function signed(scheme: SignatureScheme, secret: string, extra: { headerName?: string } = {}) {
  return signPayload({ scheme, secrets: [secret], msgId: 'msg_1', timestampSec: NOW_SEC, body, ...extra });
}

describe('verifyWebhook', () => {
  for (const scheme of ['standard-webhooks', 'hex', 'sha256', 'timestamped', 'stripe'] as const) {
    it(`detects ${scheme} from its headers and returns the parsed body`, () => {
      const secret = generateSecret();
      expect(verifyWebhook(body, signed(scheme, secret), secret, { nowSec: NOW_SEC })).toEqual(JSON.parse(body));
    });
  }

  it('detects ed25519 and verifies with the public key', () => {
    const keys = generateEd25519Keys();
    expect(
      verifyWebhook(Buffer.from(body), signed('ed25519', keys.secretKey), keys.publicKey, { nowSec: NOW_SEC }),
    ).toEqual(JSON.parse(body));
  });

  it('reads headers in any case and Svix header names', () => {
    const secret = generateSecret();
    const headers = Object.fromEntries(
      Object.entries(signed('standard-webhooks', secret)).map(([name, value]) => [
        name.replace('webhook-', 'Svix-'),
        value,
      ]),
    );
    expect(verifyWebhook(body, headers, secret, { nowSec: NOW_SEC })).toMatchObject({ id: 'evt_1' });
  });

  it('accepts any of several secrets during a rotation', () => {
    const [old, next] = [generateSecret(), generateSecret()];
    expect(verifyWebhook(body, signed('standard-webhooks', old), [next, old], { nowSec: NOW_SEC })).toMatchObject({
      id: 'evt_1',
    });
  });

  it('finds a custom signature header given by name, and a sha256= value in it', () => {
    const secret = 'plain-secret-123';
    expect(
      verifyWebhook(body, signed('hex', secret, { headerName: 'X-Acme-Sig' }), secret, {
        headerName: 'X-Acme-Sig',
        nowSec: NOW_SEC,
      }),
    ).toMatchObject({ id: 'evt_1' });
    expect(
      verifyWebhook(body, signed('sha256', secret, { headerName: 'X-Acme-Sig' }), secret, {
        headerName: 'x-acme-sig',
        nowSec: NOW_SEC,
      }),
    ).toMatchObject({ id: 'evt_1' });
  });

  it('rejects a message without any signature header', () => {
    expect(() => verifyWebhook(body, { 'content-type': 'application/json' }, 'secret-123')).toThrow(
      expect.objectContaining({ reason: 'missing_header', code: 'INVALID_SIGNATURE' }),
    );
  });

  it('rejects a changed body, a wrong secret and a forced wrong scheme', () => {
    const secret = generateSecret();
    const headers = signed('standard-webhooks', secret);
    expect(() => verifyWebhook(body.replace('42', '43'), headers, secret, { nowSec: NOW_SEC })).toThrow(
      expect.objectContaining({ reason: 'mismatch' }),
    );
    expect(() => verifyWebhook(body, headers, generateSecret(), { nowSec: NOW_SEC })).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(body, headers, secret, { scheme: 'stripe', nowSec: NOW_SEC })).toThrow(
      expect.objectContaining({ reason: 'missing_header' }),
    );
  });

  it('rejects a timestamp outside the tolerance, which can be widened', () => {
    const secret = generateSecret();
    const headers = signed('timestamped', secret);
    expect(() => verifyWebhook(body, headers, secret, { nowSec: NOW_SEC + 301 })).toThrow(
      expect.objectContaining({ reason: 'timestamp' }),
    );
    expect(verifyWebhook(body, headers, secret, { nowSec: NOW_SEC + 301, toleranceSec: 600 })).toMatchObject({
      id: 'evt_1',
    });
  });

  it('rejects an authentic body that is not JSON', () => {
    const secret = 'plain-secret-123';
    const headers = signPayload({
      scheme: 'hex',
      secrets: [secret],
      msgId: 'm',
      timestampSec: NOW_SEC,
      body: 'not json',
    });
    expect(() => verifyWebhook('not json', headers, secret)).toThrow(expect.objectContaining({ reason: 'bad_format' }));
  });

  it('treats an empty or malformed key as a TypeError, not a forged request', () => {
    const headers = signed('ed25519', generateEd25519Keys().secretKey);
    expect(() => verifyWebhook(body, headers, 'whpk_nope', { nowSec: NOW_SEC })).toThrow(TypeError);
    expect(() => verifyWebhook(body, headers, [], { nowSec: NOW_SEC })).toThrow(TypeError);
  });
});
