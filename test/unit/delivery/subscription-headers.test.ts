import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HEADER_VALUE_MASK,
  checkHeadersFit,
  maskHeaders,
  parseHeaders,
} from '../../../engine/delivery/subscription-headers.js';
import { parseSubscriptionInput } from '../../../engine/delivery/subscription-input.js';
import { blankSubscription } from '../../../engine/delivery/subscriptions.js';
import { HooklineError } from '../../../engine/errors.js';
import type { Subscription } from '../../../engine/store/records.js';

const create = (headers: unknown) =>
  parseSubscriptionInput({ url: 'https://example.com/hook', events: ['*'], headers }, { requireAll: true });

/** The error a call throws; fails the test when it does not throw. */
function errorOf(run: () => unknown): HooklineError {
  try {
    run();
  } catch (error) {
    if (error instanceof HooklineError) return error;
    throw error;
  }
  throw new Error('expected the headers to be refused');
}

/** Refused as the API answers bad input: 400 INVALID_INPUT naming `headers.<name>`, value never echoed. */
function expectRefused(run: () => unknown, name: string, value = ''): void {
  const error = errorOf(run);
  expect(error.status).toBe(400);
  expect(error.toJSON()).toMatchObject({
    success: false,
    error: { code: 'INVALID_INPUT', details: { field: `headers.${name}` } },
  });
  if (value.length > 3) expect(JSON.stringify(error.toJSON())).not.toContain(JSON.stringify(value).slice(1, -1));
}

const TRANSPORT = [
  'Host',
  'Connection',
  'Keep-Alive',
  'Proxy-Connection',
  'Transfer-Encoding',
  'TE',
  'Trailer',
  'Upgrade',
  'Content-Length',
  'Expect',
  'Proxy-Authorization',
];
const HOOKLINE = [
  'Content-Type',
  'User-Agent',
  'Idempotency-Key',
  'Webhook-Id',
  'Webhook-Timestamp',
  'Webhook-Signature',
  'X-Hookline-Event',
  'X-Hookline-Anything',
];
const RESERVED = new Set([...TRANSPORT, ...HOOKLINE, 'content-encoding', 'http2-settings', 'proxy-authenticate']);
const isReserved = (name: string) =>
  [...RESERVED].some((reserved) => reserved.toLowerCase() === name.toLowerCase()) ||
  name.toLowerCase().startsWith('x-hookline-');

const tokenName = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$/).filter((name) => !isReserved(name));
const fieldChar = fc.oneof(
  fc.constant('\t'),
  fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0x80, max: 0xff }).map((code) => String.fromCharCode(code)),
);
const fieldValue = fc.string({ unit: fieldChar, maxLength: 200 });
const breaking = fc.constantFrom('\r', '\n', '\0', '\r\n', '\u0001', '\u007f', '\u2028');

describe('custom header rules', () => {
  it('accepts ordinary names and values as given', () => {
    expect(create({ 'X-Api-Key': 'k1', Authorization: 'Bearer t', 'x-tenant': 'a b\tc' }).headers).toEqual({
      'X-Api-Key': 'k1',
      Authorization: 'Bearer t',
      'x-tenant': 'a b\tc',
    });
  });

  it.each(TRANSPORT)('refuses the transport header %s in any case', (name) => {
    expectRefused(() => create({ [name]: 'x' }), name);
    expectRefused(() => create({ [name.toLowerCase()]: 'x' }), name.toLowerCase());
  });

  it.each(HOOKLINE)('refuses %s, which Hookline sets itself', (name) => {
    expectRefused(() => create({ [name.toUpperCase()]: 'x' }), name.toUpperCase());
  });

  it('refuses invalid names: spaces, colons, pseudo-headers, empty', () => {
    for (const name of ['X Api', 'X:Api', ':authority', '', 'X-Ä', 'X(1)', 'a/b'])
      expectRefused(() => create({ [name]: 'x' }), name);
  });

  it('refuses CR, LF and NUL in a value without echoing the value', () => {
    for (const value of ['a\r\nHost: evil', 'a\nb', 'a\0b', 'secret-token\r'])
      expectRefused(() => create({ 'X-Api-Key': value }), 'X-Api-Key', value);
  });

  it('refuses names that differ only by case', () => {
    const error = errorOf(() => create({ 'X-Team': 'a', 'x-team': 'b' }));
    expect(error.details).toMatchObject({ field: 'headers.x-team' });
    expect(error.message).toContain("'X-Team'");
  });

  it('keeps a header named __proto__ as a plain header', () => {
    const headers = create(JSON.parse('{"__proto__":"v"}')).headers!;
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(Object.entries(headers)).toEqual([['__proto__', 'v']]);
  });

  it('refuses Authorization only when the subscription has receiver authentication', () => {
    const base = (changes: Partial<Subscription>): Subscription => ({
      ...blankSubscription(0, { deliveryTimeoutMs: 1000 }),
      ...changes,
    });
    expect(() => checkHeadersFit(base({ headers: { Authorization: 'Bearer mine' } }))).not.toThrow();
    expectRefused(
      () =>
        checkHeadersFit(
          base({ headers: { authorization: 'Bearer mine' }, authentication: { type: 'bearer', token: 't' } }),
        ),
      'authorization',
    );
  });

  it("refuses the scheme's signature header, default or configured", () => {
    const base = (changes: Partial<Subscription>): Subscription => ({
      ...blankSubscription(0, { deliveryTimeoutMs: 1000 }),
      ...changes,
    });
    const cases: Array<[Partial<Subscription>, string]> = [
      [{ signatureScheme: 'stripe' }, 'Stripe-Signature'],
      [{ signatureScheme: 'sha256' }, 'X-Hub-Signature-256'],
      [{ signatureScheme: 'hex' }, 'X-Webhook-Signature'],
      [{ signatureScheme: 'hex', signatureHeader: 'X-Acme-Sig' }, 'x-acme-sig'],
      [{ signatureScheme: 'timestamped' }, 'X-Webhook-Timestamp'],
    ];
    for (const [changes, name] of cases)
      expectRefused(() => checkHeadersFit(base({ ...changes, headers: { [name]: 'x' } })), name);
    // Another scheme's header is an ordinary header.
    expect(() =>
      checkHeadersFit(base({ signatureScheme: 'sha256', headers: { 'Stripe-Signature': 'x' } })),
    ).not.toThrow();
  });
});

describe('masking', () => {
  it('shows names and hides values', () => {
    expect(maskHeaders({ 'X-Api-Key': 'k1', 'X-Team': 'a' })).toEqual({
      'X-Api-Key': HEADER_VALUE_MASK,
      'X-Team': HEADER_VALUE_MASK,
    });
  });

  it('keeps the stored value when the mask is sent back, under any case of the name', () => {
    expect(parseHeaders({ 'x-api-key': HEADER_VALUE_MASK, 'X-New': 'n' }, { 'X-Api-Key': 'k1' })).toEqual({
      'x-api-key': 'k1',
      'X-New': 'n',
    });
  });

  it('refuses the mask where no stored value exists (create, or a new name)', () => {
    expectRefused(() => create({ 'X-Api-Key': HEADER_VALUE_MASK }), 'X-Api-Key');
    expectRefused(() => parseHeaders({ 'X-Other': HEADER_VALUE_MASK }, { 'X-Api-Key': 'k1' }), 'X-Other');
  });
});

describe('custom header properties', () => {
  it('accepts every valid name and Latin-1 value', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(tokenName, { maxLength: 5, selector: (n) => n.toLowerCase() }),
        fieldValue,
        (names, value) => {
          const headers = Object.fromEntries(names.map((name) => [name, value]));
          expect(create(headers).headers).toEqual(headers);
        },
      ),
    );
  });

  it('refuses any value with CR, LF, NUL or another control character', () => {
    fc.assert(
      fc.property(tokenName, fieldValue, breaking, fieldValue, (name, before, bad, after) => {
        expectRefused(() => create({ [name]: before + bad + after }), name, before + bad + after);
      }),
    );
  });

  it('refuses any name with a character outside the token set', () => {
    const badChar = fc.constantFrom(
      ' ',
      ':',
      '\r',
      '\n',
      '\0',
      '(',
      ')',
      '"',
      '/',
      '@',
      '[',
      '{',
      '=',
      '\u00e9',
      '\u2028',
    );
    fc.assert(
      fc.property(tokenName, badChar, tokenName, (before, bad, after) => {
        const name = before + bad + after;
        expectRefused(() => create({ [name]: 'v' }), name);
      }),
    );
  });

  it('refuses every reserved name in any case, whatever the value', () => {
    fc.assert(
      fc.property(fc.mixedCase(fc.constantFrom(...RESERVED)), fieldValue, (name, value) => {
        expectRefused(() => create({ [name]: value }), name);
      }),
    );
  });

  it('refuses a second spelling of a name that differs only by case', () => {
    fc.assert(
      fc.property(
        tokenName.filter((name) => name.toLowerCase() !== name.toUpperCase()),
        (name) => {
          const other = name === name.toLowerCase() ? name.toUpperCase() : name.toLowerCase();
          expectRefused(() => create({ [name]: 'a', [other]: 'b' }), other);
        },
      ),
    );
  });
});

describe('signature_header', () => {
  const withHeader = (signatureHeader: string): Subscription => ({
    ...blankSubscription(0, { deliveryTimeoutMs: 10_000 }),
    signatureScheme: 'hex',
    signatureHeader,
  });

  it.each(['Content-Length', 'host', 'Transfer-Encoding', 'Authorization', 'webhook-id', 'X-Hookline-Event'])(
    'refuses %s, which the signature would overwrite',
    (name) => {
      const error = errorOf(() => checkHeadersFit(withHeader(name)));
      expect(error.toJSON()).toMatchObject({
        error: { code: 'INVALID_INPUT', details: { field: 'signature_header' } },
      });
    },
  );

  it('accepts the seeds’ own signature headers', () => {
    for (const name of [
      'X-Admin-Signature',
      'X-AetherFlow-Signature',
      'X-AgenticFlow-Signature',
      'X-Webhook-Signature',
    ])
      expect(() => checkHeadersFit(withHeader(name))).not.toThrow();
  });
});
