import { describe, expect, it } from 'vitest';
import { clientKey, createFailedAuthLimiter } from '../../../engine/ingress/failed-auth.js';
import type { HooklineError } from '../../../engine/errors.js';

function refusal(run: () => void): HooklineError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as HooklineError;
  }
}

describe('failed-auth limiter', () => {
  it('lets an address fail `limit` times, then refuses it until its window ends', () => {
    const limiter = createFailedAuthLimiter({ limit: 3, windowSec: 60 });
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) {
      expect(refusal(() => limiter.assertAllowed('10.0.0.1', t0))).toBeUndefined();
      limiter.recordFailure('10.0.0.1', t0);
    }
    const refused = refusal(() => limiter.assertAllowed('10.0.0.1', t0 + 15_000));
    expect(refused?.code).toBe('RATE_LIMITED');
    expect(refused?.headers?.['retry-after']).toBe('45');
    expect(refused?.details?.retry_after_seconds).toBe(45);
    expect(refusal(() => limiter.assertAllowed('10.0.0.2', t0 + 15_000))).toBeUndefined();
    expect(refusal(() => limiter.assertAllowed('10.0.0.1', t0 + 60_000))).toBeUndefined();
  });

  it('never refuses when the limit is 0', () => {
    const limiter = createFailedAuthLimiter({ limit: 0, windowSec: 60 });
    for (let i = 0; i < 100; i++) limiter.recordFailure('10.0.0.1', 0);
    expect(refusal(() => limiter.assertAllowed('10.0.0.1', 0))).toBeUndefined();
  });

  it('forgets the oldest address past maxAddresses', () => {
    const limiter = createFailedAuthLimiter({ limit: 1, windowSec: 60, maxAddresses: 2 });
    limiter.recordFailure('a', 0);
    limiter.recordFailure('b', 0);
    limiter.recordFailure('c', 0);
    expect(refusal(() => limiter.assertAllowed('a', 1))).toBeUndefined();
    expect(refusal(() => limiter.assertAllowed('c', 1))?.code).toBe('RATE_LIMITED');
  });
});

describe('client keys', () => {
  it('counts an IPv6 client by its /64 and a mapped IPv4 address as itself', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:db8:1:2:bbbb::9'));
    expect(clientKey('2001:db8:1:3::1')).not.toBe(clientKey('2001:db8:1:2::1'));
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
  });

  it('throttles a guesser who rotates addresses inside one /64', () => {
    const limiter = createFailedAuthLimiter({ limit: 3, windowSec: 60 });
    for (let i = 1; i <= 3; i++) limiter.recordFailure(`2001:db8:0:1::${i.toString(16)}`, 0);
    expect(() => limiter.assertAllowed('2001:db8:0:1::ffff', 1)).toThrow(/Too many requests/);
    expect(() => limiter.assertAllowed('2001:db8:0:2::1', 1)).not.toThrow();
  });

  it('keeps a throttled window when a flood of new addresses fills the table', () => {
    const limiter = createFailedAuthLimiter({ limit: 2, windowSec: 60, maxAddresses: 10 });
    limiter.recordFailure('198.51.100.1', 0);
    limiter.recordFailure('198.51.100.1', 0);
    for (let i = 0; i < 50; i++) limiter.recordFailure(`203.0.113.${i}`, 0);
    expect(() => limiter.assertAllowed('198.51.100.1', 1)).toThrow(/Too many requests/);
  });
});
