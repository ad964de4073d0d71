import { describe, expect, it } from 'vitest';
import { isIpAllowed, isOriginAllowed, parseAllowlist, parseIp } from '../../../engine/trigger-checks/source.js';

describe('parseIp', () => {
  it('parses IPv4 and refuses out-of-range, short and zero-padded forms', () => {
    expect(parseIp('52.70.124.191')).toEqual([52, 70, 124, 191]);
    for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '010.0.0.1', '1.2.3.x', '', ' '])
      expect(parseIp(bad)).toBeNull();
  });

  it('parses IPv6 in full, compressed, bracketed and zoned forms', () => {
    const loopback = [...new Array(15).fill(0), 1];
    expect(parseIp('::1')).toEqual(loopback);
    expect(parseIp('0:0:0:0:0:0:0:1')).toEqual(loopback);
    expect(parseIp('[::1]')).toEqual(loopback);
    expect(parseIp('fe80::1%eth0')).toEqual([0xfe, 0x80, ...new Array(13).fill(0), 1]);
    expect(parseIp('2001:DB8::')).toEqual([0x20, 0x01, 0x0d, 0xb8, ...new Array(12).fill(0)]);
  });

  it('refuses malformed IPv6', () => {
    for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', 'g::1', '1:2:3:4:5:6:7::8:9'])
      expect(parseIp(bad)).toBeNull();
  });

  it('turns IPv4-mapped IPv6 into IPv4', () => {
    expect(parseIp('::ffff:10.1.2.3')).toEqual([10, 1, 2, 3]);
    expect(parseIp('::ffff:a01:203')).toEqual([10, 1, 2, 3]);
  });
});

describe('isIpAllowed', () => {
  it('allows everyone when the list is empty or blank', () => {
    expect(isIpAllowed('1.2.3.4', '')).toBe(true);
    expect(isIpAllowed(undefined, ' , ')).toBe(true);
  });

  it("matches exact IPv4 addresses, as the seed's source IP list", () => {
    const list = '52.70.124.191, 54.164.23.45,18.208.139.52\n35.174.76.89';
    expect(isIpAllowed('54.164.23.45', list)).toBe(true);
    expect(isIpAllowed('35.174.76.89', list)).toBe(true);
    expect(isIpAllowed('54.164.23.46', list)).toBe(false);
  });

  it('matches IPv4 CIDR ranges on the prefix bits only', () => {
    expect(isIpAllowed('10.200.3.4', '10.0.0.0/8')).toBe(true);
    expect(isIpAllowed('11.0.0.1', '10.0.0.0/8')).toBe(false);
    expect(isIpAllowed('192.168.1.130', '192.168.1.128/25')).toBe(true);
    expect(isIpAllowed('192.168.1.127', '192.168.1.128/25')).toBe(false);
    expect(isIpAllowed('172.20.0.1', '172.16.0.0/12')).toBe(true);
    expect(isIpAllowed('172.32.0.1', '172.16.0.0/12')).toBe(false);
    expect(isIpAllowed('8.8.8.8', '0.0.0.0/0')).toBe(true);
  });

  it('matches IPv6 addresses and CIDR ranges', () => {
    expect(isIpAllowed('2001:db8:abcd::42', '2001:db8::/32')).toBe(true);
    expect(isIpAllowed('2001:db9::1', '2001:db8::/32')).toBe(false);
    expect(isIpAllowed('::1', '::1')).toBe(true);
    expect(isIpAllowed('fe80::1%lo0', 'fe80::/10')).toBe(true);
    expect(isIpAllowed('fec0::1', 'fe80::/10')).toBe(false);
  });

  it('treats an IPv4-mapped caller as IPv4, and a mapped range as the IPv4 range', () => {
    expect(isIpAllowed('::ffff:10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(isIpAllowed('::ffff:52.70.124.191', '52.70.124.191')).toBe(true);
    expect(isIpAllowed('10.1.2.3', '::ffff:10.0.0.0/104')).toBe(true);
    expect(isIpAllowed('11.1.2.3', '::ffff:10.0.0.0/104')).toBe(false);
  });

  it('never matches across families', () => {
    expect(isIpAllowed('::1', '127.0.0.1')).toBe(false);
    expect(isIpAllowed('127.0.0.1', '::1')).toBe(false);
  });

  it('refuses an unknown or unparsable caller address when a list is set', () => {
    expect(isIpAllowed(undefined, '10.0.0.0/8')).toBe(false);
    expect(isIpAllowed('not-an-ip', '10.0.0.0/8')).toBe(false);
  });

  it('ignores invalid entries, and a list of only invalid entries allows no one', () => {
    expect(parseAllowlist('10.0.0.0/33, 1.2.3.4, nope').invalid).toEqual(['10.0.0.0/33', 'nope']);
    expect(isIpAllowed('1.2.3.4', '10.0.0.0/33, 1.2.3.4')).toBe(true);
    expect(isIpAllowed('10.0.0.1', '10.0.0.0/33')).toBe(false);
    expect(isIpAllowed('1.2.3.4', 'localhost')).toBe(false);
  });

  it('accepts an array of entries', () => {
    expect(isIpAllowed('10.0.0.1', ['192.168.0.0/16', '10.0.0.0/24'])).toBe(true);
  });
});

describe('isOriginAllowed', () => {
  const allowed = 'https://app.example.com, https://www.example.com/';

  it('allows any origin when the list is empty or contains *', () => {
    expect(isOriginAllowed('https://evil.example', '')).toBe(true);
    expect(isOriginAllowed('https://evil.example', 'https://a.example, *')).toBe(true);
  });

  it('allows requests without an Origin header (servers, curl)', () => {
    expect(isOriginAllowed(undefined, allowed)).toBe(true);
    expect(isOriginAllowed('', allowed)).toBe(true);
  });

  it('matches listed origins ignoring case and a trailing slash', () => {
    expect(isOriginAllowed('https://app.example.com', allowed)).toBe(true);
    expect(isOriginAllowed('HTTPS://WWW.EXAMPLE.COM', allowed)).toBe(true);
  });

  it('refuses other origins, other schemes and other ports', () => {
    expect(isOriginAllowed('https://evil.example', allowed)).toBe(false);
    expect(isOriginAllowed('http://app.example.com', allowed)).toBe(false);
    expect(isOriginAllowed('https://app.example.com:8443', allowed)).toBe(false);
    expect(isOriginAllowed('null', allowed)).toBe(false);
  });

  it('refuses a repeated Origin header unless every value is allowed', () => {
    expect(isOriginAllowed(['https://app.example.com', 'https://evil.example'], allowed)).toBe(false);
    expect(isOriginAllowed(['https://app.example.com'], allowed)).toBe(true);
  });
});
