import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextRetryDelayMs, type RetrySettings } from '../../../engine/delivery/retry-policy.js';
import { PROFILES } from '../../../engine/message/profiles.js';

const SEED: RetrySettings = { scheduleSec: [60, 300, 900, 3600, 21_600, 86_400], jitter: 0 };

describe('nextRetryDelayMs', () => {
  it('follows the seed schedule: 1 min, 5 min, 15 min, 1 h, 6 h, 24 h', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((attempts) => nextRetryDelayMs(attempts, null, SEED));
    expect(delays).toEqual([60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000]);
  });

  it('gives up once the schedule is used up', () => {
    expect(nextRetryDelayMs(7, null, SEED)).toBeNull();
  });

  it('retries max_retries times, repeating the last delay past the schedule', () => {
    const policy = { max_retries: 8 };
    expect(nextRetryDelayMs(2, { max_retries: 2 }, SEED)).toBe(300_000);
    expect(nextRetryDelayMs(3, { max_retries: 2 }, SEED)).toBeNull();
    expect(nextRetryDelayMs(8, policy, SEED)).toBe(86_400_000);
    expect(nextRetryDelayMs(9, policy, SEED)).toBeNull();
  });

  it("follows a policy's own schedule_seconds (a wire profile's) over the configured one", () => {
    const fast: RetrySettings = { scheduleSec: [0.05, 0.05], jitter: 0 };
    const agenticflow = PROFILES.agenticflow.retryPolicy!;
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempts) => nextRetryDelayMs(attempts, agenticflow, fast));
    expect(delays).toEqual([60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000, null]);
    // Without max_retries the schedule's own length bounds the retries.
    expect(nextRetryDelayMs(2, { schedule_seconds: [1, 2, 3] }, SEED)).toBe(2000);
    expect(nextRetryDelayMs(4, { schedule_seconds: [1, 2, 3] }, SEED)).toBeNull();
  });

  it('never retries with max_retries 0', () => {
    expect(nextRetryDelayMs(1, { max_retries: 0 }, SEED)).toBeNull();
  });

  it('grows geometrically from the first delay with backoff_multiplier', () => {
    const policy = { max_retries: 4, backoff_multiplier: 2 };
    expect([1, 2, 3, 4].map((attempts) => nextRetryDelayMs(attempts, policy, SEED))).toEqual([
      60_000, 120_000, 240_000, 480_000,
    ]);
  });

  it('falls back to one 60 s delay but no retries when the schedule is empty', () => {
    const empty: RetrySettings = { scheduleSec: [], jitter: 0 };
    expect(nextRetryDelayMs(1, null, empty)).toBeNull();
    expect(nextRetryDelayMs(1, { max_retries: 2 }, empty)).toBe(60_000);
    expect(nextRetryDelayMs(2, { max_retries: 2 }, empty)).toBe(60_000);
  });

  it('honours Retry-After over the schedule, without jitter', () => {
    const jittery: RetrySettings = { ...SEED, jitter: 0.5 };
    expect(nextRetryDelayMs(1, null, jittery, 5, () => 0)).toBe(5_000);
    expect(nextRetryDelayMs(3, null, jittery, 0, () => 0)).toBe(0);
  });

  it('caps Retry-After at 24 h', () => {
    expect(nextRetryDelayMs(1, null, SEED, 7 * 86_400)).toBe(86_400_000);
  });

  it('ignores a negative Retry-After', () => {
    expect(nextRetryDelayMs(1, null, SEED, -1)).toBe(60_000);
  });

  it('does not let Retry-After extend retries past max_retries', () => {
    expect(nextRetryDelayMs(7, null, SEED, 1)).toBeNull();
  });

  it('spreads a delay by at most ± jitter, using the random source it is given', () => {
    const settings: RetrySettings = { ...SEED, jitter: 0.2 };
    expect(nextRetryDelayMs(1, null, settings, null, () => 0)).toBe(48_000);
    expect(nextRetryDelayMs(1, null, settings, null, () => 0.5)).toBe(60_000);
    expect(nextRetryDelayMs(1, null, settings, null, () => 1)).toBe(72_000);
  });

  it('keeps every jittered delay inside the bounds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempts, draw, jitter) => {
          const baseMs = SEED.scheduleSec[attempts - 1] * 1000;
          const delay = nextRetryDelayMs(attempts, null, { ...SEED, jitter }, null, () => draw)!;
          expect(delay).toBeGreaterThanOrEqual(Math.floor(baseMs * (1 - jitter)));
          expect(delay).toBeLessThanOrEqual(Math.ceil(baseMs * (1 + jitter)));
        },
      ),
    );
  });
});
