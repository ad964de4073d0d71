/**
 * Per-credential rate limit: a token bucket per authenticated caller, refilled continuously.
 * Hand-written instead of @fastify/rate-limit because the key is the credential that passed
 * authentication (known only after our auth check), and the answer must be our error shape
 * with an exact Retry-After.
 */
export interface RateLimiter {
  /** Takes one token; returns 0 when allowed, else the seconds until one is available. */
  take(key: string, nowMs?: number): number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export function createRateLimiter(perMinute: number, maxKeys = 100_000): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const refillPerMs = perMinute / 60_000;
  return {
    take(key, nowMs = Date.now()) {
      if (perMinute <= 0) return 0;
      let bucket = buckets.get(key);
      if (!bucket) {
        // Bounded memory: forget the oldest caller when too many distinct keys are tracked.
        if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string);
        bucket = { tokens: perMinute, updatedMs: nowMs };
        buckets.set(key, bucket);
      }
      bucket.tokens = Math.min(perMinute, bucket.tokens + (nowMs - bucket.updatedMs) * refillPerMs);
      bucket.updatedMs = nowMs;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000));
    },
  };
}
