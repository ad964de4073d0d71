import { describe, expect, it } from 'vitest';
import { nextRetryDelayMs } from '../../../engine/delivery/retry-policy.js';
import {
  classifyAnswer,
  exponentialDelay,
  hasAbortHeader,
  isSuccessStatus,
  retryAfterDelayMs,
} from '../../../engine/message/index.js';
import { classifyResponse } from '../../../engine/pool/outcome.js';
import { backoffDelayMs } from '../../../nodes/WebhookSender/backoff.js';

describe('reading a receiver answer', () => {
  it('counts exactly 200-299 as delivered', () => {
    expect([199, 200, 204, 299, 300, 302, 410].map(isSuccessStatus)).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(isSuccessStatus(null)).toBe(false);
  });

  it('finds the abort header in any case, repeated or in a list', () => {
    expect(hasAbortHeader({ 'Webhook-Delivery': 'Abort-Message' })).toBe(true);
    expect(hasAbortHeader({ 'webhook-delivery': ['retry', 'abort-message'] })).toBe(true);
    expect(hasAbortHeader({ 'webhook-delivery': 'later, abort-message' })).toBe(true);
    expect(hasAbortHeader({ 'webhook-delivery': 'abort' })).toBe(false);
    expect(hasAbortHeader(undefined)).toBe(false);
  });

  it('gives the engine pool and the sender node the same verdict for the same answer', () => {
    const answers: Array<[number, Record<string, unknown>]> = [
      [200, {}],
      [202, { 'webhook-delivery': 'abort-message' }],
      [410, {}],
      [410, { 'webhook-delivery': 'abort-message' }],
      [400, { 'Webhook-Delivery': 'later, Abort-Message' }],
      [500, {}],
      [404, {}],
    ];
    const poolVerdict = (code: string | null) =>
      ({ DELIVERY_GONE: 'gone', DELIVERY_ABORTED: 'abort', DELIVERY_REJECTED: 'retry' })[code ?? ''] ?? 'delivered';
    for (const [status, headers] of answers) {
      expect(poolVerdict(classifyResponse(status, headers).errorCode), `${status}`).toBe(
        classifyAnswer(status, headers),
      );
    }
  });
});

describe('retry-delay arithmetic shared by the engine and the node', () => {
  it('steps exponentially from the base, capped', () => {
    expect([1, 2, 3, 4].map((retry) => exponentialDelay(retry, 60, 3))).toEqual([60, 180, 540, 1620]);
    expect(exponentialDelay(10, 1000, 2, 30_000)).toBe(30_000);
  });

  it('is the step of both the engine backoff_multiplier policy and the node inline backoff', () => {
    const settings = { scheduleSec: [60, 300], jitter: 0 };
    const policy = { max_retries: 5, backoff_multiplier: 2 };
    expect([1, 2, 3].map((n) => nextRetryDelayMs(n, policy, settings))).toEqual(
      [1, 2, 3].map((n) => exponentialDelay(n, 60_000, 2)),
    );
    expect([1, 2, 3].map((n) => backoffDelayMs(n, 1000))).toEqual([1, 2, 3].map((n) => exponentialDelay(n, 1000, 2)));
  });

  it('honours Retry-After up to a cap, and ignores a missing one', () => {
    expect(retryAfterDelayMs(30, 86_400)).toBe(30_000);
    expect(retryAfterDelayMs(1e9, 86_400)).toBe(86_400_000);
    expect(retryAfterDelayMs(null, 86_400)).toBeNull();
  });
});
