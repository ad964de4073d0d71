/**
 * Refuses outgoing webhooks to loopback, private and link-local addresses unless allowed, so a
 * subscription cannot be pointed at the engine's own network. Checks literal addresses and
 * `localhost` names at save time; resolving names at send time is the full SSRF guard's job.
 */
import { isIP } from 'node:net';
import { Errors } from '../errors.js';

const PRIVATE_V4: Array<[number, number]> = [
  [0x0a000000, 8],
  [0x7f000000, 8],
  [0xac100000, 12],
  [0xc0a80000, 16],
  [0xa9fe0000, 16],
  [0x64400000, 10],
  [0x00000000, 8],
];

export function assertTargetAllowed(url: string, allowPrivate: boolean): void {
  if (allowPrivate) return;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isPrivateHost(host)) throw Errors.TARGET_NOT_ALLOWED(host);
}

export function isPrivateHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true;
  const version = isIP(host);
  if (version === 4) return isPrivateV4(host);
  if (version === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    if (mapped) return isPrivateV4(mapped[1]);
    return host === '::1' || host === '::' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
  }
  return false;
}

function isPrivateV4(host: string): boolean {
  const value = host.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
  return PRIVATE_V4.some(
    ([base, bits]) => Math.floor(value / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits)),
  );
}
