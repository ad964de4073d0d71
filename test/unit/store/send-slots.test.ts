/** The send-time line of rate-limited endpoints (`counters.reserveSlots`), on the store under test. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempStore, type TempStore } from '../../helpers/store.js';

let temp: TempStore;

beforeEach(async () => {
  temp = await createTempStore();
});

afterEach(async () => {
  await temp.close();
});

describe('send slots', () => {
  it('hands out send times one after another, never before now, per key', async () => {
    const { counters } = temp.store;
    expect(await counters.reserveSlots('send:a', 3, 100, 1000)).toBe(1000);
    // The line goes on where the last reservation ended, even when asked earlier.
    expect(await counters.reserveSlots('send:a', 2, 100, 1100)).toBe(1300);
    expect(await counters.reserveSlots('send:b', 1, 250, 1100)).toBe(1100);
    // Once the line is in the past, it starts again at now.
    expect(await counters.reserveSlots('send:a', 1, 100, 9000)).toBe(9000);
    expect(await counters.reserveSlots('send:c', 2, 1000 / 3, 0)).toBe(0);
    expect(await counters.reserveSlots('send:c', 1, 1000 / 3, 0)).toBeCloseTo(2000 / 3, 6);
  });

  it('gives concurrent callers distinct send times', async () => {
    const firsts = await Promise.all(
      Array.from({ length: 8 }, () => temp.store.counters.reserveSlots('send:x', 1, 50, 0)),
    );
    expect(firsts.sort((a, b) => a - b)).toEqual([0, 50, 100, 150, 200, 250, 300, 350]);
  });
});
