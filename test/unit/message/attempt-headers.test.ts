/** What an attempt's log keeps of its headers: secrets masked, ids and timestamps kept, responses bounded. */
import { describe, expect, it } from 'vitest';
import {
  boundedResponseHeaders,
  HEADER_VALUE_CHARS,
  HEADER_VALUE_MASK,
  maskedRequestHeaders,
  RESPONSE_HEADERS_KEPT,
  signedHeadersOf,
} from '../../../engine/message/attempt-headers.js';
import { signHeaders } from '../../../engine/message/index.js';

const SENT = { 'content-type': 'application/json', 'idempotency-key': 'evt_1', authorization: 'Bearer t0ken' };

describe('attempt headers', () => {
  it('keeps the ids and timestamps signing adds and masks every signature', () => {
    for (const [scheme, headerName] of [
      ['standard-webhooks', undefined],
      ['hex', 'X-Admin-Signature'],
      ['sha256', 'X-Hub-Signature-256'],
      ['timestamped', 'X-Webhook-Signature'],
      ['stripe', undefined],
    ] as const) {
      const signing = { scheme, secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], headerName };
      const signed = signHeaders({ ...SENT }, { msgId: 'evt_1', body: '{}' }, signing, 1_700_000_000);
      const kept = signedHeadersOf(SENT, signed);
      expect(Object.keys(kept).length, scheme).toBeGreaterThan(0);
      for (const [name, value] of Object.entries(kept)) {
        if (/(^|-)(id|timestamp)$/.test(name)) expect(value, name).toBe(signed[name] ?? signed[name.toLowerCase()]);
        else expect(value, `${scheme} ${name}`).toBe(HEADER_VALUE_MASK);
      }
      expect(JSON.stringify(kept)).not.toMatch(/v1,|sha256=|[0-9a-f]{64}/);
    }
  });

  it('masks Authorization and every configured header, whatever their case', () => {
    const sent = { ...SENT, 'x-api-key': 'k3y', 'x-plain': 'visible' };
    const logged = maskedRequestHeaders(sent, ['X-Api-Key'], { 'webhook-signature': HEADER_VALUE_MASK });
    expect(logged).toEqual({
      'content-type': 'application/json',
      'idempotency-key': 'evt_1',
      authorization: HEADER_VALUE_MASK,
      'x-api-key': HEADER_VALUE_MASK,
      'x-plain': 'visible',
      'webhook-signature': HEADER_VALUE_MASK,
    });
  });

  it('bounds response headers in count and length, joins repeats, masks cookies, keeps __proto__ a header', () => {
    const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`x-h${i}`, 'v'.repeat(2000)]));
    const kept = boundedResponseHeaders({ 'set-cookie': ['a=1', 'b=2'], via: ['1.1 a', '1.1 b'], ...many });
    expect(Object.keys(kept)).toHaveLength(RESPONSE_HEADERS_KEPT);
    expect(kept['set-cookie']).toBe(HEADER_VALUE_MASK);
    expect(kept.via).toBe('1.1 a, 1.1 b');
    expect(kept['x-h0']).toHaveLength(HEADER_VALUE_CHARS);
    const hostile = boundedResponseHeaders(JSON.parse('{"__proto__":"x","server":"s"}'));
    expect(Object.getPrototypeOf(hostile)).toBe(Object.prototype);
    expect(Object.keys(hostile).sort()).toEqual(['__proto__', 'server']);
  });
});
