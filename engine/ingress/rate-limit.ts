/**
 * Per-credential rate limit: a token bucket per authenticated caller, refilled continuously, kept
 * in the store's counters so every engine process on one database enforces the same limit.
 * Hand-written instead of @fastify/rate-limit because the key is the credential that passed
 * authentication (known only after our auth check), and the answer must be our error shape
 * with an exact Retry-After.
 */
import type { LimitCounters } from '../store/types.js';

export interface RateLimiter {
  /** Takes one token; resolves 0 when allowed, else the whole seconds until one is available. */
  take(key: string, nowMs?: number): Promise<number>;
}

export interface RateLimitOptions {
  /** Requests per minute per key (0 = unlimited). */
  perMinute: number;
  counters: LimitCounters;
}

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  return {
    take: (key, nowMs = Date.now()) => options.counters.takeToken(key, options.perMinute, nowMs),
  };
}
