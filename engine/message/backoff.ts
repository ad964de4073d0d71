/**
 * Retry-delay arithmetic shared by the engine's retry policy (`delivery/retry-policy.ts`, hours)
 * and the sender node's inline retries (seconds): the same exponential step and the same reading
 * of a receiver's `Retry-After`. Each caller keeps its own schedule, caps and jitter.
 */

/**
 * `base * multiplier^(retry - 1)`, capped at `max`; `retry` is 1 for the first retry. Unit-free:
 * the result is in the unit of `base`.
 *
 * @example exponentialDelay(3, 1000, 2, 30_000) // 4000
 */
export function exponentialDelay(retry: number, base: number, multiplier: number, max = Infinity): number {
  return Math.min(max, base * multiplier ** Math.max(0, retry - 1));
}

/**
 * The wait a receiver asked for, capped at `maxSec` so it cannot park a message indefinitely.
 *
 * @returns Milliseconds, or null when there was no usable `Retry-After`.
 */
export function retryAfterDelayMs(retryAfterSec: number | null, maxSec: number): number | null {
  if (retryAfterSec === null || retryAfterSec < 0) return null;
  return Math.min(retryAfterSec, maxSec) * 1000;
}
