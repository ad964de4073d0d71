/**
 * Waiting for an engine to deliver everything it holds, with a way out: when its receivers get
 * nothing for a while although deliveries are still open, the drain has stalled. The figure then
 * reports a missed row and the run goes on, instead of waiting for ever on a stuck endpoint.
 */
import type { ChildHandle } from './child.js';

/** Longer than any retry or recovery probe the figures configure (seconds): silence this long is a stall. */
export const STALL_MS = 30_000;
const POLL_MS = 500;

/**
 * Resolves `true` once the engine has no run left and no delivery open (every attempt recorded);
 * `false` when the receivers' 2xx counts stood still for `stallMs` before that.
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
  const stalled = async (): Promise<boolean> => {
    let [last, since] = [-1, performance.now()];
    while (!done) {
      const counts = await Promise.all(receivers.map((receiver) => receiver.call<{ count: number }>('stats')));
      const total = counts.reduce((sum, stats) => sum + stats.count, 0);
      if (total !== last) [last, since] = [total, performance.now()];
      else if (performance.now() - since >= stallMs) return false;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return true;
  };
  try {
    return await Promise.race([settled, stalled()]);
  } finally {
    done = true;
  }
}
