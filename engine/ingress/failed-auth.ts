/**
 * Failed-authentication limiter: counts a client address's failed authentications (wrong URL
 * token, Bearer value, Basic password or API key, a call to an unknown or inactive trigger) in a
 * fixed window; past the limit the address gets 429 until its window ends, before its
 * credentials are even looked at, so guessing costs a window per `limit` guesses. Success never
 * counts, and the key is the address, so valid callers elsewhere are never throttled by it.
 */
import ipaddr from 'ipaddr.js';
import { Errors } from '../errors.js';

export interface FailedAuthLimiter {
  /** @throws HooklineError RATE_LIMITED with `Retry-After` while `address` is over the limit. */
  assertAllowed(address: string, nowMs?: number): void;
  /** Counts one failed authentication from `address`. */
  recordFailure(address: string, nowMs?: number): void;
}

export interface FailedAuthOptions {
  /** Failures allowed per window (0 = never throttle). */
  limit: number;
  windowSec: number;
  /** Addresses tracked at once; the oldest is forgotten past this (bounded memory under a flood). */
  maxAddresses?: number;
}

interface Window {
  failures: number;
  startMs: number;
}

/**
 * The key a client's failures count under: its IPv4 address, or its IPv6 /64 (one host usually
 * holds a whole /64, and would otherwise get a fresh window per address it makes up).
 */
export function clientKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address); // an IPv4-mapped IPv6 address counts as its IPv4 address
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(':')}::/64`;
}

export function createFailedAuthLimiter(options: FailedAuthOptions): FailedAuthLimiter {
  const windows = new Map<string, Window>();
  const windowMs = options.windowSec * 1000;
  const maxAddresses = options.maxAddresses ?? 100_000;
  const current = (key: string, nowMs: number): Window | undefined => {
    const window = windows.get(key);
    if (window && nowMs - window.startMs >= windowMs) {
      windows.delete(key);
      return undefined;
    }
    return window;
  };
  /** Makes room for one more: forgets the oldest address that is not throttled, so a flood of
   * new addresses cannot wash out the windows of those that are. */
  const makeRoom = (): void => {
    let scanned = 0;
    for (const [key, window] of windows) {
      if (window.failures < options.limit) return void windows.delete(key);
      if (++scanned >= 64) break;
    }
    windows.delete(windows.keys().next().value as string);
  };
  return {
    assertAllowed(address, nowMs = Date.now()) {
      if (options.limit <= 0) return;
      const window = current(clientKey(address), nowMs);
      if (!window || window.failures < options.limit) return;
      const waitSec = Math.max(1, Math.ceil((window.startMs + windowMs - nowMs) / 1000));
      throw Errors.RATE_LIMITED(waitSec, {
        details: { retry_after_seconds: waitSec, reason: 'too many failed authentications' },
        headers: { 'retry-after': String(waitSec) },
      });
    },
    recordFailure(address, nowMs = Date.now()) {
      if (options.limit <= 0) return;
      const key = clientKey(address);
      const window = current(key, nowMs);
      if (window) {
        window.failures++;
        return;
      }
      if (windows.size >= maxAddresses) makeRoom();
      windows.set(key, { failures: 1, startMs: nowMs });
    },
  };
}
