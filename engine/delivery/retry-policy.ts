/**
 * When to try again. The default schedule is the seed's: 1 min, 5 min, 15 min, 1 h, 6 h, 24 h,
 * each with jitter so a recovering endpoint is not hit by every queued retry at once. A
 * subscription's `retry_policy {max_retries, backoff_multiplier}` (seed 002) overrides it, and its
 * `schedule_seconds` replaces the schedule (a wire profile's, `message/profiles.ts`).
 */
import { exponentialDelay, retryAfterDelayMs } from '../message/index.js';
import type { RetryPolicy } from '../store/records.js';

export interface RetrySettings {
  scheduleSec: readonly number[];
  /** ± fraction of each delay. */
  jitter: number;
}

/** Longest honoured Retry-After: a receiver cannot park a message past the retention window. */
const MAX_RETRY_AFTER_SEC = 86_400;

/**
 * Delay before the next attempt after `attemptsMade` attempts, or null when retries are used up.
 * @param retryAfterSec the receiver's Retry-After (429/503), honoured over the schedule.
 */
export function nextRetryDelayMs(
  attemptsMade: number,
  policy: RetryPolicy | null,
  settings: RetrySettings,
  retryAfterSec: number | null = null,
  random: () => number = Math.random,
): number | null {
  const own = policy?.schedule_seconds;
  const configured = own !== undefined && own.length > 0 ? own : settings.scheduleSec;
  const schedule = configured.length > 0 ? configured : [60];
  const maxRetries = policy?.max_retries ?? configured.length;
  if (attemptsMade > maxRetries) return null;
  const askedMs = retryAfterDelayMs(retryAfterSec, MAX_RETRY_AFTER_SEC);
  if (askedMs !== null) return askedMs;
  const baseSec = policy?.backoff_multiplier
    ? exponentialDelay(attemptsMade, schedule[0], policy.backoff_multiplier)
    : schedule[Math.min(attemptsMade - 1, schedule.length - 1)];
  const spread = 1 + (random() * 2 - 1) * settings.jitter;
  return Math.max(0, Math.round(baseSec * 1000 * spread));
}
