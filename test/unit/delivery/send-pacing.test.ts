/** Send times of rate-limited endpoints: how much a claim may take, and each request's time. */
import { describe, expect, it } from 'vitest';
import { createSendPacing } from '../../../engine/delivery/send-pacing.js';
import type { SendRequest } from '../../../engine/pool/types.js';
import { createMemoryCounters } from '../../../engine/store/memory-counters.js';
import { makeSubscription } from '../../helpers/records.js';

const requests = (n: number): SendRequest[] =>
  Array.from({ length: n }, (_, i) => ({
    deliveryIds: [`del_${i}`],
    url: 'https://receiver.example/hook',
    body: '{}',
    headers: {},
    msgId: `evt_${i}`,
    signing: null,
    timeoutMs: 1000,
  }));

describe('send pacing', () => {
  it('leaves an endpoint without a rate limit alone', async () => {
    const pacing = createSendPacing({ reserveSlots: createMemoryCounters().reserveSlots, horizonMs: 1000 });
    const free = makeSubscription();
    expect(pacing.claimLimit(free, 0)).toBe(Number.POSITIVE_INFINITY);
    const sent = requests(3);
    await pacing.schedule(free, sent, 0);
    expect(sent.map((r) => r.notBeforeMs)).toEqual([undefined, undefined, undefined]);
    expect(pacing.nextClaimInMs(0)).toBeNull();
  });

  it('claims a horizon of send times at most, spaced 1/rate apart, and waits for the line to move', async () => {
    const pacing = createSendPacing({ reserveSlots: createMemoryCounters().reserveSlots, horizonMs: 1000 });
    const paced = makeSubscription({ rateLimit: 4 });
    expect(pacing.claimLimit(paced, 10_000)).toBe(4);
    const first = requests(4);
    await pacing.schedule(paced, first, 10_000);
    expect(first.map((r) => r.notBeforeMs)).toEqual([10_000, 10_250, 10_500, 10_750]);
    // A whole horizon is reserved: nothing more until time moves on.
    expect(pacing.claimLimit(paced, 10_000)).toBe(0);
    expect(pacing.claimLimit(paced, 10_300)).toBe(1);
    const next = requests(1);
    await pacing.schedule(paced, next, 10_300);
    expect(next[0].notBeforeMs).toBe(11_000);
    // Less than a horizon ahead: one more may be claimed now, which reaches past the horizon.
    expect(pacing.nextClaimInMs(10_300)).toBeNull();
    await pacing.schedule(paced, requests(pacing.claimLimit(paced, 10_300)), 10_300);
    expect(pacing.claimLimit(paced, 10_300)).toBe(0);
    expect(pacing.nextClaimInMs(10_300)).toBe(200);
  });

  it('takes one request at a time below one per horizon', async () => {
    const pacing = createSendPacing({ reserveSlots: createMemoryCounters().reserveSlots, horizonMs: 1000 });
    const slow = makeSubscription({ rateLimit: 1 });
    expect(pacing.claimLimit(slow, 0)).toBe(1);
    const sent = requests(1);
    await pacing.schedule(slow, sent, 0);
    expect(pacing.claimLimit(slow, 0)).toBe(0);
    expect(pacing.nextClaimInMs(0)).toBeNull();
    expect(pacing.claimLimit(slow, 1)).toBe(1);
  });
});
