import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TOLERANCE_SEC,
  generateEd25519Keys,
  generateSecret,
  SIGNATURE_SCHEMES,
  signPayload,
  verifyPayload,
  WebhookVerificationError,
  type SignatureScheme,
  type VerifyInput,
} from '../../../engine/signing/index.js';

const NOW = 1_700_000_000;
const body = '{"event":"order.created","id":42}';
const msgId = 'msg_checklist';

/** Signing and verifying secrets per scheme: ed25519 signs with whsk_ and verifies with whpk_. */
function keysFor(scheme: SignatureScheme): { sign: string; verify: string } {
  if (scheme === 'ed25519') {
    const { secretKey, publicKey } = generateEd25519Keys();
    return { sign: secretKey, verify: publicKey };
  }
  const secret = generateSecret();
  return { sign: secret, verify: secret };
}

const SIGNATURE_HEADER: Record<SignatureScheme, string> = {
  'standard-webhooks': 'webhook-signature',
  ed25519: 'webhook-signature',
  hex: 'x-webhook-signature',
  sha256: 'x-hub-signature-256',
  timestamped: 'x-webhook-signature',
  stripe: 'stripe-signature',
};
const TIMESTAMPED: readonly SignatureScheme[] = ['standard-webhooks', 'ed25519', 'timestamped', 'stripe'];

/** Signs at `timestampSec` and returns a ready VerifyInput checked at NOW. */
function signed(scheme: SignatureScheme, timestampSec = NOW): VerifyInput & { signer: string } {
  const keys = keysFor(scheme);
  const headers = signPayload({ scheme, secrets: [keys.sign], msgId, timestampSec, body });
  return { scheme, secrets: [keys.verify], headers, body, nowSec: NOW, signer: keys.sign };
}

/** Runs `fn`, expecting a WebhookVerificationError and nothing else. */
function rejection(fn: () => void): WebhookVerificationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return error as WebhookVerificationError;
  }
  throw new Error('expected verification to fail');
}

const GARBAGE = [
  '',
  'garbage',
  'v1,',
  'v1,abc',
  'v1a,abc',
  'abc',
  'sha256=abc',
  'sha256=zz',
  '=',
  ',,,',
  't=,v1=',
  't=1700000000,v1=abc',
  'v1,é☕é☕',
  'v1,' + 'A'.repeat(10_000),
  Array(40).fill('v1,AAAA').join(' '),
  '\u0000\u0001',
  // Same character count as a real signature but more UTF-8 bytes: must not reach timingSafeEqual as a RangeError.
  'v1,' + 'é'.repeat(44),
  'v1a,' + 'é'.repeat(88),
  'é'.repeat(64),
  'sha256=' + 'é'.repeat(64),
  't=1700000000,v1=' + 'é'.repeat(64),
];

describe.each(SIGNATURE_SCHEMES)('%s', (scheme) => {
  it('accepts its own signature', () => {
    const input = signed(scheme);
    expect(() => verifyPayload(input)).not.toThrow();
  });

  it('rejects a tampered body', () => {
    const input = signed(scheme);
    expect(rejection(() => verifyPayload({ ...input, body: body.replace('42', '43') })).reason).toBe('mismatch');
  });

  it('rejects a wrong secret', () => {
    const input = signed(scheme);
    expect(rejection(() => verifyPayload({ ...input, secrets: [keysFor(scheme).verify] })).reason).toBe('mismatch');
  });

  it('rejects a missing signature header', () => {
    const input = signed(scheme);
    const headers = { ...input.headers, [SIGNATURE_HEADER[scheme]]: undefined };
    expect(rejection(() => verifyPayload({ ...input, headers })).reason).toBe('missing_header');
    expect(rejection(() => verifyPayload({ ...input, headers: {} })).reason).toBe('missing_header');
  });

  it('rejects garbage and odd-length signatures with WebhookVerificationError only', () => {
    const input = signed(scheme);
    for (const value of GARBAGE) {
      const headers = { ...input.headers, [SIGNATURE_HEADER[scheme]]: value };
      expect(['mismatch', 'bad_format', 'missing_header']).toContain(
        rejection(() => verifyPayload({ ...input, headers })).reason,
      );
    }
  });

  it('accepts any of several signatures (rotation)', () => {
    const [current, old] = [keysFor(scheme), keysFor(scheme)];
    const headers = signPayload({ scheme, secrets: [current.sign, old.sign], msgId, timestampSec: NOW, body });
    for (const secrets of [[old.verify], [current.verify], [keysFor(scheme).verify, old.verify]]) {
      expect(() => verifyPayload({ scheme, secrets, headers, body, nowSec: NOW })).not.toThrow();
    }
  });

  it('reads header names case-insensitively', () => {
    const input = signed(scheme);
    const shouted = Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(() => verifyPayload({ ...input, headers: shouted })).not.toThrow();
  });

  it('signs a Buffer body the same as the equal string', () => {
    const input = signed(scheme);
    expect(() => verifyPayload({ ...input, body: Buffer.from(body) })).not.toThrow();
  });
});

describe.each(TIMESTAMPED)('%s timestamp', (scheme) => {
  it('rejects a signature older than the tolerance', () => {
    const input = signed(scheme, NOW - DEFAULT_TOLERANCE_SEC - 1);
    const error = rejection(() => verifyPayload(input));
    expect(error.reason).toBe('timestamp');
    expect(error.message).toMatch(/too old/);
    expect(() => verifyPayload(signed(scheme, NOW - DEFAULT_TOLERANCE_SEC))).not.toThrow();
  });

  it('rejects a future timestamp beyond the tolerance', () => {
    const error = rejection(() => verifyPayload(signed(scheme, NOW + DEFAULT_TOLERANCE_SEC + 1)));
    expect(error.reason).toBe('timestamp');
    expect(error.message).toMatch(/too new/);
    expect(() => verifyPayload(signed(scheme, NOW + DEFAULT_TOLERANCE_SEC))).not.toThrow();
  });

  it('honours a custom tolerance', () => {
    const input = signed(scheme, NOW - 60);
    expect(rejection(() => verifyPayload({ ...input, toleranceSec: 59 })).reason).toBe('timestamp');
    expect(() => verifyPayload({ ...input, toleranceSec: 60 })).not.toThrow();
    expect(() => verifyPayload({ ...signed(scheme, 1), toleranceSec: Infinity })).not.toThrow();
  });
});

describe('scheme specifics', () => {
  it('standard-webhooks emits v1,<base64> per secret, space-separated', () => {
    const headers = signPayload({
      scheme: 'standard-webhooks',
      secrets: [generateSecret(), generateSecret()],
      msgId,
      timestampSec: NOW,
      body,
    });
    expect(headers['webhook-id']).toBe(msgId);
    expect(headers['webhook-timestamp']).toBe(String(NOW));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('standard-webhooks reads a secret without the whsec_ prefix as base64, as the spec does', () => {
    const prefixed = generateSecret();
    const bare = prefixed.slice('whsec_'.length);
    const headers = signPayload({ scheme: 'standard-webhooks', secrets: [bare], msgId, timestampSec: NOW, body });
    expect(() =>
      verifyPayload({ scheme: 'standard-webhooks', secrets: [prefixed], headers, body, nowSec: NOW }),
    ).not.toThrow();
  });

  it('standard-webhooks refuses a secret that is not base64 as a misconfiguration, not a forgery', () => {
    const sign = () =>
      signPayload({ scheme: 'standard-webhooks', secrets: ['my-webhook-secret'], msgId, timestampSec: NOW, body });
    expect(sign).toThrow(TypeError);
    expect(sign).toThrow(/base64/);
  });

  it('standard-webhooks rejects a tampered message id or timestamp', () => {
    const input = signed('standard-webhooks');
    const otherId = { ...input.headers, 'webhook-id': 'msg_other' };
    const otherTs = { ...input.headers, 'webhook-timestamp': String(NOW - 1) };
    expect(rejection(() => verifyPayload({ ...input, headers: otherId })).reason).toBe('mismatch');
    expect(rejection(() => verifyPayload({ ...input, headers: otherTs })).reason).toBe('mismatch');
  });

  it('standard-webhooks rejects a non-numeric timestamp as bad_format', () => {
    const input = signed('standard-webhooks');
    for (const ts of ['abc', '1700000000abc', '1.7e9', '-5']) {
      expect(
        rejection(() => verifyPayload({ ...input, headers: { ...input.headers, 'webhook-timestamp': ts } })).reason,
      ).toBe('bad_format');
    }
  });

  it('ed25519 emits v1a,<base64> and a verifier may hold the whsk_ itself', () => {
    const input = signed('ed25519');
    expect(input.headers['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(() => verifyPayload({ ...input, secrets: [input.signer] })).not.toThrow();
  });

  it('ed25519 ignores v1 entries and standard-webhooks ignores v1a entries', () => {
    const ed = signed('ed25519');
    const hmac = signed('standard-webhooks');
    const both = `${hmac.headers['webhook-signature']} ${ed.headers['webhook-signature']}`;
    expect(() => verifyPayload({ ...ed, headers: { ...ed.headers, 'webhook-signature': both } })).not.toThrow();
    expect(() => verifyPayload({ ...hmac, headers: { ...hmac.headers, 'webhook-signature': both } })).not.toThrow();
  });

  it('hex is the lowercase hex HMAC of the body, uppercase accepted on verify', () => {
    const input = signed('hex');
    const value = input.headers['x-webhook-signature'] as string;
    expect(value).toMatch(/^[0-9a-f]{64}$/);
    expect(() => verifyPayload({ ...input, headers: { 'X-Webhook-Signature': value.toUpperCase() } })).not.toThrow();
  });

  it('sha256 header is sha256=<hex>', () => {
    expect(signed('sha256').headers['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('timestamped signs `${timestamp}.${body}` and rejects a swapped timestamp', () => {
    const input = signed('timestamped');
    expect(input.headers['x-webhook-timestamp']).toBe(String(NOW));
    const headers = { ...input.headers, 'x-webhook-timestamp': String(NOW + 1) };
    expect(rejection(() => verifyPayload({ ...input, headers })).reason).toBe('mismatch');
    expect(rejection(() => verifyPayload({ ...input, headers: { 'x-webhook-signature': 'ab' } })).reason).toBe(
      'missing_header',
    );
  });

  it('stripe header is t=<sec>,v1=<hex>', () => {
    expect(signed('stripe').headers['stripe-signature']).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
  });

  it.each(['hex', 'sha256', 'timestamped'] as const)('%s honours configurable header names', (scheme) => {
    const secret = generateSecret();
    const names = { headerName: 'X-Acme-Signature', timestampHeaderName: 'X-Acme-Time' };
    const headers = signPayload({ scheme, secrets: [secret], msgId, timestampSec: NOW, body, ...names });
    expect(Object.keys(headers)).toEqual(
      scheme === 'timestamped' ? ['x-acme-signature', 'x-acme-time'] : ['x-acme-signature'],
    );
    expect(() => verifyPayload({ scheme, secrets: [secret], headers, body, nowSec: NOW, ...names })).not.toThrow();
    expect(rejection(() => verifyPayload({ scheme, secrets: [secret], headers, body, nowSec: NOW })).reason).toBe(
      'missing_header',
    );
  });

  it('joins a repeated header given as an array', () => {
    const [a, b] = [generateSecret(), generateSecret()];
    const one = signPayload({ scheme: 'standard-webhooks', secrets: [a], msgId, timestampSec: NOW, body });
    const two = signPayload({ scheme: 'standard-webhooks', secrets: [b], msgId, timestampSec: NOW, body });
    const headers = { ...one, 'webhook-signature': [one['webhook-signature'], two['webhook-signature']] };
    expect(() =>
      verifyPayload({ scheme: 'standard-webhooks', secrets: [b], headers, body, nowSec: NOW }),
    ).not.toThrow();
  });
});
