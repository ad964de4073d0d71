/** The failed-auth limiter over the embedded store's counters (memory); pg-counters.test.ts proves PostgreSQL's behave alike. */
import pg from 'pg';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { HooklineError } from '../../../engine/errors.js';
import { clientKey, createFailedAuthLimiter } from '../../../engine/ingress/failed-auth.js';
import { createLogger } from '../../../engine/logger.js';
import { createMemoryCounters } from '../../../engine/store/memory-counters.js';
import { createPgCounters } from '../../../engine/store/postgres/pg-counters.js';

const log = createLogger('silent');

function limiterOf(limit: number, maxAddresses?: number) {
  return createFailedAuthLimiter({ limit, windowSec: 60, counters: createMemoryCounters(maxAddresses), log });
}

async function refusal(run: () => Promise<void>): Promise<HooklineError | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return error as HooklineError;
  }
}

describe('failed-auth limiter', () => {
  it('lets an address fail `limit` times, then refuses it until its window ends', async () => {
    const limiter = limiterOf(3);
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) {
      expect(await refusal(() => limiter.assertAllowed('10.0.0.1', t0))).toBeUndefined();
      await limiter.recordFailure('10.0.0.1', t0);
    }
    const refused = await refusal(() => limiter.assertAllowed('10.0.0.1', t0 + 15_000));
    expect(refused?.code).toBe('RATE_LIMITED');
    expect(refused?.headers?.['retry-after']).toBe('45');
    expect(refused?.details?.retry_after_seconds).toBe(45);
    expect(await refusal(() => limiter.assertAllowed('10.0.0.2', t0 + 15_000))).toBeUndefined();
    expect(await refusal(() => limiter.assertAllowed('10.0.0.1', t0 + 60_000))).toBeUndefined();
  });

  it('never refuses when the limit is 0', async () => {
    const limiter = limiterOf(0);
    for (let i = 0; i < 100; i++) await limiter.recordFailure('10.0.0.1', 0);
    expect(await refusal(() => limiter.assertAllowed('10.0.0.1', 0))).toBeUndefined();
  });

  it('forgets the oldest address past the counters’ maxKeys', async () => {
    const limiter = limiterOf(1, 2);
    await limiter.recordFailure('a', 0);
    await limiter.recordFailure('b', 0);
    await limiter.recordFailure('c', 0);
    expect(await refusal(() => limiter.assertAllowed('a', 1))).toBeUndefined();
    expect((await refusal(() => limiter.assertAllowed('c', 1)))?.code).toBe('RATE_LIMITED');
  });

  it('logs a failure the counters could not record, and still resolves (the caller is refused anyway)', async () => {
    const lines: string[] = [];
    const pool = new pg.Pool();
    await pool.end(); // a real pool that rejects every query: no server needed
    const limiter = createFailedAuthLimiter({
      limit: 3,
      windowSec: 60,
      counters: createPgCounters(pool),
      log: pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }),
    });
    await expect(limiter.recordFailure('10.0.0.1', 0)).resolves.toBeUndefined();
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['a failed authentication was not counted']);
  });
});

describe('client keys', () => {
  it('counts an IPv6 client by its /64 and a mapped IPv4 address as itself', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:db8:1:2:bbbb::9'));
    expect(clientKey('2001:db8:1:3::1')).not.toBe(clientKey('2001:db8:1:2::1'));
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
  });

  it('throttles a guesser who rotates addresses inside one /64', async () => {
    const limiter = limiterOf(3);
    for (let i = 1; i <= 3; i++) await limiter.recordFailure(`2001:db8:0:1::${i.toString(16)}`, 0);
    await expect(limiter.assertAllowed('2001:db8:0:1::ffff', 1)).rejects.toThrow(/Too many requests/);
    await expect(limiter.assertAllowed('2001:db8:0:2::1', 1)).resolves.toBeUndefined();
  });

  it('keeps a throttled window when a flood of new addresses fills the table', async () => {
    const limiter = limiterOf(2, 10);
    await limiter.recordFailure('198.51.100.1', 0);
    await limiter.recordFailure('198.51.100.1', 0);
    for (let i = 0; i < 50; i++) await limiter.recordFailure(`203.0.113.${i}`, 0);
    await expect(limiter.assertAllowed('198.51.100.1', 1)).rejects.toThrow(/Too many requests/);
  });
});
