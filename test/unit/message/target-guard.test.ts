import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertTargetAllowed,
  isSpecialPurposeAddress,
  refusalOfAddress,
  refusalOfUrl,
} from '../../../engine/message/target-guard.js';

const GUARDED = { allowPrivateTargets: false };

const refused = (url: string) =>
  expect(() => assertTargetAllowed(url, GUARDED)).toThrow(expect.objectContaining({ code: 'TARGET_NOT_ALLOWED' }));
const allowed = (url: string) => expect(() => assertTargetAllowed(url, GUARDED)).not.toThrow();

describe('assertTargetAllowed', () => {
  it.each([
    'http://127.0.0.1:9/x',
    'http://127.255.0.1/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://192.0.0.8/',
    'http://192.0.2.1/',
    'http://198.18.0.1/',
    'http://198.19.255.255/',
    'http://198.51.100.7/',
    'http://203.0.113.9/',
    'http://224.0.0.1/',
    'http://239.255.255.250/',
    'http://240.0.0.1/',
    'http://255.255.255.255/',
  ])('refuses the special-purpose IPv4 address %s', refused);

  it.each([
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://0x7f.1/',
    'http://0x7f000001/',
    'http://127.1/',
    'http://0/',
    'http://127.0.0.1./',
    'http://0xa9.0xfe.0xa9.0xfe/',
  ])('refuses the special-purpose spelling %s, which the URL parser normalises to dotted IPv4', refused);

  it.each([
    'http://localhost/x',
    'http://LOCALHOST/',
    'http://localhost./',
    'http://localhost../',
    'http://api.localhost/',
    'http://printer.local/',
  ])('refuses the local name %s', refused);

  it.each([
    'http://[::1]/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a00:1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[::7f00:1]/',
    'http://[::127.0.0.1]/',
    'http://[::ffff:0:7f00:1]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[64:ff9b::808:808]/',
    'http://[64:ff9b:1::1]/',
    'http://[2002:7f00:1::1]/',
    'http://[2002:a9fe:a9fe::]/',
    'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/',
    'http://[2001:db8::1]/',
    'http://[fe80::1]/',
    'http://[FEBF::1]/',
    'http://[fec0::1]/',
    'http://[fc00::1]/',
    'http://[fd12:3456::1]/',
    'http://[ff02::1]/',
    'http://[100::1]/',
  ])('refuses the special-purpose IPv6 address %s', refused);

  it.each([
    'https://example.com/hook',
    'http://8.8.8.8/',
    'http://172.32.0.1/',
    'http://192.169.0.1/',
    'http://100.128.0.1/',
    'http://11.0.0.1/',
    'http://198.20.0.1/',
    'http://223.255.255.255/',
    'http://[2606:4700:4700::1111]/',
    'http://[::ffff:808:808]/',
    'http://[2002:808:808::1]/',
    'http://internal.example/',
    'http://localhost.example.com/',
  ])('allows the public address or name %s', allowed);

  it('allows everything when private targets are allowed', () => {
    expect(() => assertTargetAllowed('http://127.0.0.1/', { allowPrivateTargets: true })).not.toThrow();
    expect(() => assertTargetAllowed('http://[::ffff:7f00:1]/', { allowPrivateTargets: true })).not.toThrow();
  });

  it('names the refused host, as normalised, in the error', () => {
    expect(() => assertTargetAllowed('http://[::1]:8080/x', GUARDED)).toThrow("Target '::1' is a private");
    expect(() => assertTargetAllowed('http://0x7f.1/', GUARDED)).toThrow("Target '127.0.0.1' is a private");
  });

  it('refuses plain http under httpsOnly with INVALID_INPUT, even with private targets allowed', () => {
    const policy = { allowPrivateTargets: true, httpsOnly: true };
    expect(() => assertTargetAllowed('http://example.com/', policy)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', details: expect.objectContaining({ field: 'url' }) }),
    );
    expect(() => assertTargetAllowed('https://example.com/', policy)).not.toThrow();
  });
});

describe('refusalOfAddress (the connect-time classifier)', () => {
  it('reads IPv4-mapped IPv6 in dotted and hex form alike', () => {
    expect(isSpecialPurposeAddress('::ffff:10.0.0.1')).toBe(true);
    expect(isSpecialPurposeAddress('::ffff:7f00:1')).toBe(true);
    expect(isSpecialPurposeAddress('::ffff:8.8.8.8')).toBe(false);
  });

  it('refuses what is not an IP address rather than calling it public', () => {
    expect(refusalOfAddress('internal.example')).toBe('not an IP address');
    expect(refusalOfAddress('')).toBe('not an IP address');
  });

  it('accepts bracketed IPv6', () => {
    expect(isSpecialPurposeAddress('[::1]')).toBe(true);
  });
});

// ---- Generated spellings -------------------------------------------------------------------

/** Special-purpose IPv4 blocks as [first address, prefix length]. */
const V4_BLOCKS: Array<[number, number]> = [
  [0x00000000, 8],
  [0x0a000000, 8],
  [0x64400000, 10],
  [0x7f000000, 8],
  [0xa9fe0000, 16],
  [0xac100000, 12],
  [0xc0000000, 24],
  [0xc0000200, 24],
  [0xc0a80000, 16],
  [0xc6120000, 15],
  [0xc6336400, 24],
  [0xcb007100, 24],
  [0xe0000000, 4],
  [0xf0000000, 4],
];

/** Public IPv4 blocks (well-known networks), none inside a special-purpose one. */
const PUBLIC_V4_BLOCKS: Array<[number, number]> = [
  [0x01000000, 8], // 1/8
  [0x08000000, 8], // 8/8
  [0x2d000000, 8], // 45/8
  [0x5db80000, 16], // 93.184/16
  [0x68100000, 12], // 104.16/12
  [0x97650000, 16], // 151.101/16
  [0xb9000000, 8], // 185/8
  [0xd8000000, 8], // 216/8
];

const inBlock = ([base, bits]: [number, number]) =>
  fc.nat({ max: 2 ** (32 - bits) - 1 }).map((offset) => (base + offset) >>> 0);

const specialV4 = fc.oneof(...V4_BLOCKS.map(inBlock));
const publicV4 = fc.oneof(...PUBLIC_V4_BLOCKS.map(inBlock));

const octets = (v: number) => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const dotted = (v: number) => octets(v).join('.');
const hex16 = (v: number) => [(v >>> 16).toString(16), (v & 0xffff).toString(16)].join(':');

/** Every way WHATWG URL parsing accepts an IPv4 host, for one address. */
const v4Spelling = (v: number) =>
  fc.constantFrom(
    dotted(v),
    String(v),
    `0x${v.toString(16)}`,
    `0${v.toString(8)}`,
    octets(v)
      .map((o) => `0${o.toString(8)}`)
      .join('.'),
    octets(v)
      .map((o) => `0x${o.toString(16).toUpperCase()}`)
      .join('.'),
    `${v >>> 24}.${(v >>> 16) & 0xff}.${v & 0xffff}`,
    `${v >>> 24}.${v & 0xffffff}`,
    `${dotted(v)}.`,
  );

/** IPv6 hosts that carry an IPv4 address and are judged by it. */
const v6Carrying = (v: number) =>
  fc.constantFrom(
    `[::ffff:${dotted(v)}]`,
    `[::ffff:${hex16(v)}]`,
    `[0:0:0:0:0:FFFF:${hex16(v)}]`,
    `[::ffff:0:${dotted(v)}]`,
    `[2002:${hex16(v)}::1]`,
    `[2002:${hex16(v)}:abcd::]`,
  );

/** IPv4-compatible `::a.b.c.d`: the block is deprecated, its addresses still judged by their IPv4. */
const v4Compatible = (v: number) => fc.constantFrom(`[::${dotted(v)}]`, `[::${hex16(v)}]`);

const group = fc.nat({ max: 0xffff }).map((n) => n.toString(16));
const groups = (count: number) => fc.array(group, { minLength: count, maxLength: count }).map((g) => g.join(':'));

/** IPv6 blocks refused whatever follows the prefix. */
const specialV6 = fc.oneof(
  specialV4.map((v) => `[64:ff9b::${hex16(v)}]`),
  publicV4.map((v) => `[64:ff9b::${dotted(v)}]`),
  groups(5).map((g) => `[64:ff9b:1:${g}]`),
  groups(6).map((g) => `[2001:0:${g}]`), // Teredo
  groups(6).map((g) => `[2001:db8:${g}]`),
  groups(7).map((g) => `[fc00:${g}]`),
  groups(7).map((g) => `[fdff:${g}]`),
  groups(4).map((g) => `[fe80::${g}]`),
  groups(4).map((g) => `[fec0::${g}]`),
  groups(4).map((g) => `[FEFF::${g}]`),
  groups(7).map((g) => `[ff0e:${g}]`),
  fc.constantFrom('[::]', '[::1]', '[0::0:1]', '[0000:0000:0000:0000:0000:0000:0000:0001]'),
);

/** Public IPv6: 2600::/12 and 2a00::/12 (ARIN and RIPE unicast). */
const publicV6 = fc.oneof(
  fc.tuple(fc.nat({ max: 0xf }), groups(7)).map(([n, g]) => `[26${n.toString(16)}0:${g}]`),
  fc.tuple(fc.nat({ max: 0xf }), groups(3)).map(([n, g]) => `[2a0${n.toString(16)}:${g}::1]`),
);

const hostUrl = (host: string) => `http://${host}:8080/hook`;

describe('generated spellings', () => {
  it('refuses every IPv4 spelling of a special-purpose address', () => {
    fc.assert(
      fc.property(specialV4.chain(v4Spelling), (host) => {
        refused(hostUrl(host));
      }),
    );
  });

  it('refuses every IPv6 form carrying a special-purpose IPv4 address', () => {
    fc.assert(
      fc.property(specialV4.chain(v6Carrying), (host) => {
        refused(hostUrl(host));
      }),
    );
    fc.assert(
      fc.property(specialV4.filter((v) => v >>> 16 !== 0xffff).chain(v4Compatible), (host) => {
        refused(hostUrl(host));
      }),
    );
  });

  it('refuses every address in a special-purpose IPv6 block, NAT64 whatever IPv4 it carries', () => {
    fc.assert(
      fc.property(specialV6, (host) => {
        refused(hostUrl(host));
      }),
    );
  });

  it('allows every spelling of a public IPv4 address, and IPv6 forms carrying one', () => {
    fc.assert(
      fc.property(publicV4.chain(v4Spelling), (host) => {
        allowed(hostUrl(host));
      }),
    );
    fc.assert(
      fc.property(publicV4.chain(v6Carrying), (host) => {
        allowed(hostUrl(host));
      }),
    );
  });

  it('allows public IPv6 addresses', () => {
    fc.assert(
      fc.property(publicV6, (host) => {
        allowed(hostUrl(host));
      }),
    );
  });

  it('classifies resolved addresses (no URL parsing) the same way as URL hosts', () => {
    fc.assert(
      fc.property(fc.oneof(specialV4, publicV4), (v) => {
        const fromUrl = refusalOfUrl(hostUrl(dotted(v)), GUARDED) !== null;
        expect(isSpecialPurposeAddress(dotted(v))).toBe(fromUrl);
        expect(isSpecialPurposeAddress(`::ffff:${dotted(v)}`)).toBe(fromUrl);
      }),
    );
  });
});
