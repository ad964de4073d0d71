import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TOLERANCE_SEC,
  generateEd25519Keys,
  generateSecret,
  publicKeyFromSecret,
  SIGNATURE_SCHEMES,
  signPayload,
  verifyPayload,
  type SignatureScheme,
} from '../../../engine/signing/index.js';

const base = { msgId: 'msg_1', timestampSec: 1_700_000_000, body: '{}' };

describe('keys, secrets and configuration errors', () => {
  it('exposes the six schemes with standard-webhooks first and a 300 s tolerance', () => {
    expect(SIGNATURE_SCHEMES).toEqual(['standard-webhooks', 'ed25519', 'hex', 'sha256', 'timestamped', 'stripe']);
    expect(DEFAULT_TOLERANCE_SEC).toBe(300);
  });

  it('generateSecret returns whsec_ and 24 to 32 random bytes, different every time', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const bytes = Buffer.from(secret.slice(6), 'base64').length;
    expect(bytes).toBeGreaterThanOrEqual(24);
    expect(bytes).toBeLessThanOrEqual(32);
    expect(generateSecret()).not.toBe(secret);
  });

  it('generateEd25519Keys returns whsk_/whpk_ with 32 raw bytes each', () => {
    const { secretKey, publicKey } = generateEd25519Keys();
    expect(Buffer.from(secretKey.replace(/^whsk_/, ''), 'base64')).toHaveLength(32);
    expect(Buffer.from(publicKey.replace(/^whpk_/, ''), 'base64')).toHaveLength(32);
  });

  it('publicKeyFromSecret derives the matching whpk_', () => {
    const { secretKey, publicKey } = generateEd25519Keys();
    expect(publicKeyFromSecret(secretKey)).toBe(publicKey);
  });

  it('signing is deterministic for the HMAC schemes', () => {
    for (const scheme of ['standard-webhooks', 'hex', 'sha256', 'timestamped', 'stripe'] as const) {
      const input = { ...base, scheme, secrets: ['whsec_dGVzdC1zZWNyZXQtMzItYnl0ZXMtbG9uZy4uLi4='] };
      expect(signPayload(input)).toEqual(signPayload(input));
    }
  });

  it('refuses to sign with no secret, an empty secret or a millisecond timestamp', () => {
    expect(() => signPayload({ ...base, scheme: 'hex', secrets: [] })).toThrow(TypeError);
    expect(() => signPayload({ ...base, scheme: 'hex', secrets: [''] })).toThrow(TypeError);
    expect(() => signPayload({ ...base, scheme: 'hex', secrets: ['s'], timestampSec: Date.now() })).toThrow(TypeError);
    expect(() => signPayload({ ...base, scheme: 'hex', secrets: ['s'], timestampSec: 1.5 })).toThrow(TypeError);
  });

  it('refuses malformed keys with a TypeError, not a verification error', () => {
    expect(() => signPayload({ ...base, scheme: 'standard-webhooks', secrets: ['whsec_not base64!'] })).toThrow(
      TypeError,
    );
    expect(() => signPayload({ ...base, scheme: 'ed25519', secrets: ['whsec_AAAA'] })).toThrow(TypeError);
    expect(() => signPayload({ ...base, scheme: 'ed25519', secrets: ['whsk_AAAA'] })).toThrow(/32 bytes/);
    const headers = signPayload({ ...base, scheme: 'ed25519', secrets: [generateEd25519Keys().secretKey] });
    expect(() =>
      verifyPayload({ scheme: 'ed25519', secrets: ['whpk_AAAA'], headers, body: '{}', nowSec: base.timestampSec }),
    ).toThrow(TypeError);
  });

  it('refuses an unknown scheme', () => {
    const scheme = 'md5' as SignatureScheme;
    expect(() => signPayload({ ...base, scheme, secrets: ['s'] })).toThrow(/Unknown signature scheme/);
    expect(() => verifyPayload({ scheme, secrets: ['s'], headers: {}, body: '' })).toThrow(/Unknown signature scheme/);
  });

  it("verification errors carry the engine's INVALID_SIGNATURE code and 401", () => {
    try {
      verifyPayload({ scheme: 'hex', secrets: ['s'], headers: {}, body: '' });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        name: 'WebhookVerificationError',
        reason: 'missing_header',
        code: 'INVALID_SIGNATURE',
        status: 401,
      });
      expect((error as Error).message).toMatch(/x-webhook-signature/);
    }
  });
});
