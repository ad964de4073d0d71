/**
 * Failed-authentication limiter: counts a client address's failed authentications (wrong URL
 * token, Bearer value, Basic password or API key, a call to an unknown or inactive trigger) in a
 * fixed window; past the limit the address gets 429 until its window ends, before its
 * credentials are even looked at, so guessing costs a window per `limit` guesses. Success never
 * counts, and the key is the address, so valid callers elsewhere are never throttled by it.
 */
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

export function createFailedAuthLimiter(options: FailedAuthOptions): FailedAuthLimiter {
  const windows = new Map<string, Window>();
  const windowMs = options.windowSec * 1000;
  const maxAddresses = options.maxAddresses ?? 100_000;
  const current = (address: string, nowMs: number): Window | undefined => {
    const window = windows.get(address);
    if (window && nowMs - window.startMs >= windowMs) {
      windows.delete(address);
      return undefined;
    }
    return window;
  };
  return {
    assertAllowed(address, nowMs = Date.now()) {
      if (options.limit <= 0) return;
      const window = current(address, nowMs);
      if (!window || window.failures < options.limit) return;
      const waitSec = Math.max(1, Math.ceil((window.startMs + windowMs - nowMs) / 1000));
      throw Errors.RATE_LIMITED(waitSec, {
        details: { retry_after_seconds: waitSec, reason: 'too many failed authentications' },
        headers: { 'retry-after': String(waitSec) },
      });
    },
    recordFailure(address, nowMs = Date.now()) {
      if (options.limit <= 0) return;
      const window = current(address, nowMs);
      if (window) {
        window.failures++;
        return;
      }
      if (windows.size >= maxAddresses) windows.delete(windows.keys().next().value as string);
      windows.set(address, { failures: 1, startMs: nowMs });
    },
  };
}
