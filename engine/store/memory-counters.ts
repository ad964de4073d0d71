/**
 * Rate-limit counters in memory, for the embedded store: its one process is the only one that
 * counts. Bounded: past `maxKeys` keys, the oldest is forgotten, preferring one not at its limit
 * so a flood of new keys cannot wash out the windows of those that are.
 */
import type { LimitCounters } from './types.js';

interface Bucket {
  tokens: number;
  updatedMs: number;
}

interface FailureWindow {
  failures: number;
  startMs: number;
}

export function createMemoryCounters(maxKeys = 100_000): LimitCounters {
  const buckets = new Map<string, Bucket>();
  const windows = new Map<string, FailureWindow>();
  /** Each rate-limited endpoint's next free send time. */
  const slots = new Map<string, number>();

  const currentWindow = (key: string, windowMs: number, nowMs: number): FailureWindow | null => {
    const window = windows.get(key);
    if (window && nowMs - window.startMs >= windowMs) {
      windows.delete(key);
      return null;
    }
    return window ?? null;
  };

  /** Forgets the key with the fewest failures among the 64 oldest, then the oldest. */
  const makeRoomForWindow = (): void => {
    let fewest: [string, number] | null = null;
    let scanned = 0;
    for (const [key, window] of windows) {
      if (!fewest || window.failures < fewest[1]) fewest = [key, window.failures];
      if (++scanned >= 64) break;
    }
    if (fewest) windows.delete(fewest[0]);
  };

  return {
    async takeToken(key, perMinute, nowMs) {
      if (perMinute <= 0) return 0;
      const refillPerMs = perMinute / 60_000;
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string);
        bucket = { tokens: perMinute, updatedMs: nowMs };
        buckets.set(key, bucket);
      }
      bucket.tokens = Math.min(perMinute, bucket.tokens + Math.max(0, nowMs - bucket.updatedMs) * refillPerMs);
      bucket.updatedMs = nowMs;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000));
    },
    async reserveSlots(key, count, intervalMs, nowMs) {
      const firstMs = Math.max(slots.get(key) ?? nowMs, nowMs);
      // Re-set moves the key to the end: the oldest is forgotten first (an endpoint long idle).
      slots.delete(key);
      if (slots.size >= maxKeys) slots.delete(slots.keys().next().value as string);
      slots.set(key, firstMs + count * intervalMs);
      return firstMs;
    },
    async addFailure(key, windowMs, nowMs) {
      const window = currentWindow(key, windowMs, nowMs);
      if (window) {
        window.failures++;
        return;
      }
      if (windows.size >= maxKeys) makeRoomForWindow();
      windows.set(key, { failures: 1, startMs: nowMs });
    },
    async failureWindow(key, windowMs, nowMs) {
      const window = currentWindow(key, windowMs, nowMs);
      return window ? { ...window } : null;
    },
  };
}
