/** The pacer: delivery keeps to its share of the main thread while requests arrive. */
import { describe, expect, it } from 'vitest';
import { createPacer } from '../../../engine/delivery/pacer.js';

/** A clock the test moves by hand: the pacer's arithmetic, not the machine's speed, is under test. */
function manualClock(): { now: () => number; advance(ms: number): void } {
  let t = 1_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('pacer', () => {
  it('is busy for busyForMs after a request, then quiet', () => {
    const clock = manualClock();
    const pacer = createPacer({ busyShare: 0.25, busyForMs: 200, burstMs: 10, now: clock.now });
    expect(pacer.busy).toBe(false);
    pacer.noteForeground();
    expect(pacer.busy).toBe(true);
    clock.advance(199);
    expect(pacer.busy).toBe(true);
    clock.advance(1);
    expect(pacer.busy).toBe(false);
  });

  it('charges a step the time it took while busy', () => {
    const clock = manualClock();
    const pacer = createPacer({ busyShare: 0.5, busyForMs: 10_000, burstMs: 10, now: clock.now });
    pacer.noteForeground();
    const value = pacer.charge(() => {
      clock.advance(30);
      return 'done';
    });
    expect(value).toBe('done');
    // 10 ms of budget, 30 spent, 15 refilled meanwhile: 5 ms in debt, repaid in 10 ms at half rate.
    let resolved = false;
    const turn = pacer.turn().then(() => (resolved = true));
    return Promise.race([turn, new Promise((r) => setTimeout(r, 20))]).then(() => {
      expect(resolved).toBe(false);
      clock.advance(10);
      return turn;
    });
  });

  it('charges a step that throws, and rethrows', () => {
    const clock = manualClock();
    const pacer = createPacer({ busyShare: 0.5, busyForMs: 200, burstMs: 10, now: clock.now });
    expect(() =>
      pacer.charge(() => {
        clock.advance(5);
        throw new Error('boom');
      }),
    ).toThrow('boom');
  });

  it('refills at busyShare while busy, so debt takes 1/busyShare as long to repay', async () => {
    const clock = manualClock();
    const pacer = createPacer({ busyShare: 0.25, busyForMs: 10_000, burstMs: 0, now: clock.now });
    pacer.noteForeground();
    pacer.charge(() => clock.advance(10));
    let resolved = false;
    const turn = pacer.turn().then(() => (resolved = true));
    clock.advance(20); // repays 5 of the 10 ms while busy
    await new Promise((r) => setTimeout(r, 30));
    expect(resolved).toBe(false);
    clock.advance(20); // repays the rest
    await turn;
    expect(resolved).toBe(true);
  });

  it('never holds more than burstMs of budget, however long it was idle', async () => {
    const clock = manualClock();
    const pacer = createPacer({ busyShare: 0.5, busyForMs: 100_000, burstMs: 10, now: clock.now });
    clock.advance(60_000);
    await pacer.turn();
    pacer.noteForeground();
    pacer.charge(() => clock.advance(30)); // 10 - 30 + 15 = 5 ms in debt, not 29,985 ms in hand
    let resolved = false;
    const turn = pacer.turn().then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(resolved).toBe(false);
    clock.advance(10);
    await turn;
  });

  it('lets delivery take the whole thread when no request arrives', async () => {
    const clock = manualClock();
    const pacer = createPacer({ busyShare: 0.1, busyForMs: 200, burstMs: 10, now: clock.now });
    for (let i = 0; i < 5; i++) {
      pacer.charge(() => clock.advance(50));
      await pacer.turn(); // resolves without the clock moving: a quiet step repays itself
    }
    expect(pacer.busy).toBe(false);
  });

  it('charges the pool threads busy time while requests arrive, and not while quiet', async () => {
    const clock = manualClock();
    let poolMs = 0;
    const pacer = createPacer({
      busyShare: 0.5,
      busyForMs: 10_000,
      burstMs: 10,
      offThreadMs: () => poolMs,
      now: clock.now,
    });
    // Quiet: whatever the pool does is not charged, the budget stays whole.
    poolMs += 1_000;
    await pacer.turn();
    pacer.noteForeground();
    // Busy: 30 ms of pool time against 10 in hand (and 0 refilled, the clock stands): 20 ms in debt.
    poolMs += 30;
    let resolved = false;
    const turn = pacer.turn().then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(resolved).toBe(false);
    clock.advance(40); // repays the 20 ms at half rate
    await turn;
    expect(resolved).toBe(true);
  });

  it('lets delivery have what requests leave of the main thread, less the headroom', async () => {
    // Requests take 20 % of the thread: delivery may use 1 - 0.2 - 0.25 = 55 %.
    const { pacer, used, requestsFor } = await underRequests(0.2);
    used.pool += 11; // 11 ms of debt
    let resolved = false;
    const turn = pacer.turn().then(() => (resolved = true));
    requestsFor(10); // 5.5 ms repaid: not yet (at busyShare it would take 110 ms)
    await new Promise((r) => setTimeout(r, 20));
    expect(resolved).toBe(false);
    requestsFor(11); // the rest
    await turn;
  });

  it('holds delivery to busyShare while requests take the whole main thread', async () => {
    const { pacer, used, requestsFor } = await underRequests(1);
    used.pool += 2;
    let resolved = false;
    const turn = pacer.turn().then(() => (resolved = true));
    requestsFor(10); // 10 % of 10 ms repays half the debt
    await new Promise((r) => setTimeout(r, 30));
    expect(resolved).toBe(false);
    requestsFor(12);
    await turn;
  });
});

/**
 * A pacer (busyShare 0.1, headroom 0.25, no burst) after 2 s of requests taking `load` of the main
 * thread; `requestsFor(ms)` moves the clock with the requests taking as much again.
 */
async function underRequests(load: number) {
  const clock = manualClock();
  const used = { main: 0, pool: 0 };
  const pacer = createPacer({
    busyShare: 0.1,
    busyForMs: 100_000,
    burstMs: 0,
    offThreadMs: () => used.pool,
    mainActiveMs: () => used.main,
    headroom: 0.25,
    now: clock.now,
  });
  const requestsFor = (ms: number): void => {
    clock.advance(ms);
    used.main += ms * load;
  };
  pacer.noteForeground();
  for (let i = 0; i < 20; i++) {
    requestsFor(100);
    await pacer.turn();
  }
  return { pacer, used, requestsFor };
}
