/**
 * Waiting for an engine to deliver everything it holds, with a way out: when its receivers get
 * nothing for a while although deliveries have been due all that time, the drain is stuck. The
 * figure then reports a missed row and the run goes on, instead of waiting for ever.
 */
import type { ChildHandle } from './child.js';

/**
 * Silence this long, with deliveries due as long, is a stuck drain. Generous: a loaded smoke run's
 * healthy drain has sat silent for over 30 s with deliveries due, and the smoke test used to wait
 * such pauses out; a figure should only give up on a drain that has stopped.
 */
export const STALL_MS = 120_000;
const POLL_MS = 500;
/** How often a silent drain's overdue deliveries are counted (a scan of the engine's table). */
const OVERDUE_CHECK_MS = 5_000;

/**
 * Resolves `true` once the engine has no run left and no delivery open (every attempt recorded);
 * `false` when the receivers' 2xx counts stood still for `stallMs` while deliveries due for as long
 * still waited. Silence while every open delivery waits for a later retry is no stall: the default
 * schedule retries a failed attempt a minute later.
 */
export async function settleUnlessStalled(
  engine: ChildHandle,
  receivers: readonly ChildHandle[],
  stallMs = STALL_MS,
): Promise<boolean> {
  let done = false;
  const settled = engine
    .call('idle')
    .then(() => engine.call('settled'))
    .then(() => true);
  // After a stall these calls stay open until the engine stops, and fail then: nobody waits for them.
  settled.catch(() => undefined);
  const stuck = async (): Promise<boolean> => {
    let [last, since, checkedAt] = [-1, performance.now(), 0];
    while (!done) {
      const counts = await Promise.all(receivers.map((receiver) => receiver.call<{ count: number }>('stats')));
      const total = counts.reduce((sum, stats) => sum + stats.count, 0);
      const now = performance.now();
      if (total !== last) [last, since] = [total, now];
      else if (now - since >= stallMs && now - checkedAt >= OVERDUE_CHECK_MS) {
        checkedAt = now;
        if ((await engine.call<number>('overdue', { overdueMs: stallMs })) > 0) return false;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return true;
  };
  try {
    return await Promise.race([settled, stuck()]);
  } finally {
    done = true;
  }
}
