/**
 * Failed-authentication limiter: counts a client address's failed authentications (wrong URL
 * token, Bearer value, Basic password or API key, a call to an unknown or inactive trigger) in a
 * fixed window; past the limit the address gets 429 until its window ends, before its
 * credentials are even looked at, so guessing costs a window per `limit` guesses. Success never
 * counts, and the key is the address, so valid callers elsewhere are never throttled by it.
 */
import ipaddr from 'ipaddr.js';
import { Errors } from '../errors.js';
import { memo } from '../memo.js';
import type { Logger } from '../logger.js';
import type { LimitCounters } from '../store/types.js';

export interface FailedAuthLimiter {
  /** @throws HooklineError RATE_LIMITED with `Retry-After` while `address` is over the limit. */
  assertAllowed(address: string, nowMs?: number): Promise<void>;
  /** Counts one failed authentication from `address`; never rejects: one the store could not write is logged. */
  recordFailure(address: string, nowMs?: number): Promise<void>;
}

export interface FailedAuthOptions {
  /** Failures allowed per window (0 = never throttle). */
  limit: number;
  windowSec: number;
  /** The store's counters: every process on one database counts the same failures. */
  counters: LimitCounters;
  /** Told about failures the counters could not record. */
  log: Logger;
}

/**
 * The key a client's failures count under: its IPv4 address, or its IPv6 /64 (one host usually
 * holds a whole /64, and would otherwise get a fresh window per address it makes up).
 */
export function clientKey(address: string): string {
  return memo(clientKeys, address, keyOf, MAX_CLIENT_KEYS);
}

/** Keys of recent addresses: parsing one is a few microseconds, and callers repeat. */
const clientKeys = new Map<string, string>();
const MAX_CLIENT_KEYS = 4096;

function keyOf(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address); // an IPv4-mapped IPv6 address counts as its IPv4 address
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(':')}::/64`;
}

export function createFailedAuthLimiter(options: FailedAuthOptions): FailedAuthLimiter {
  const { limit, counters, log } = options;
  const windowMs = options.windowSec * 1000;
  return {
    async assertAllowed(address, nowMs = Date.now()) {
      if (limit <= 0) return;
      const window = await counters.failureWindow(clientKey(address), windowMs, nowMs);
      if (!window || window.failures < limit) return;
      const waitSec = Math.max(1, Math.ceil((window.startMs + windowMs - nowMs) / 1000));
      throw Errors.RATE_LIMITED(waitSec, {
        details: { retry_after_seconds: waitSec, reason: 'too many failed authentications' },
        headers: { 'retry-after': String(waitSec) },
      });
    },
    async recordFailure(address, nowMs = Date.now()) {
      if (limit <= 0) return;
      // The caller is refused either way and must get that answer, not a 500. A store that keeps
      // failing also fails `assertAllowed` (it refuses everyone), so this loses a count, not the limit.
      await counters
        .addFailure(clientKey(address), windowMs, nowMs)
        .catch((error: unknown) => log.warn({ err: error }, 'a failed authentication was not counted'));
    },
  };
}
