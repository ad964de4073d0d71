/**
 * The outage scenario of the overload figure: while the trigger load runs, five receivers
 * misbehave at once next to a healthy one. One is down (connections refused), one answers 500,
 * one is slower than its timeout (it holds every request, and 1,000 deliveries were queued to it
 * before the load, so they hang all along: `outage.slowBacklog`), one resets every connection, one sends a huge reply
 * (the engine keeps 1 KiB of it and cuts the rest; the 2xx counts). Afterwards every receiver
 * recovers (the down one comes up, the others answer 200, the held requests too) and every
 * delivery must arrive.
 */
import { startChild, type ChildHandle } from './child.js';
import { settleUnlessStalled } from './drain-watch.js';
import type { Behaviour } from './receiver-process.js';

/**
 * Retries within the run (the default schedule waits a minute first, then longer) and probes every
 * 2 s, so that the drain after the recovery stays short.
 */
export const OUTAGE_CONFIG = { retryScheduleSec: [1, 2, 5], recoveryProbeSec: 2 };
/** The slow receiver's timeout: longer than any load; the receiver never answers on its own. */
const SLOW_TIMEOUT_SEC = 120;
const HUGE_REPLY_BYTES = 64 * 1024 * 1024;

interface Misbehaviour {
  name: string;
  ordered: boolean;
  during: Behaviour | 'down';
}

const RECEIVERS: Misbehaviour[] = [
  { name: 'healthy', ordered: false, during: { kind: 'ok' } },
  { name: 'down', ordered: true, during: 'down' },
  { name: 'failing', ordered: true, during: { kind: 'status', status: 500 } },
  { name: 'slow', ordered: false, during: { kind: 'hang' } },
  { name: 'reset', ordered: false, during: { kind: 'reset' } },
  { name: 'huge', ordered: false, during: { kind: 'huge', bytes: HUGE_REPLY_BYTES } },
];

interface ReceiverStats {
  count: number;
  held: number;
  peakHeld: number;
}

export interface Outage {
  receivers: ChildHandle[];
  /** Requests the slow receiver held when the load started. */
  heldAtStart: number;
  /** After the load: requests held then, the most held at once, and 2xx answers the healthy one gave. */
  duringLoad(): Promise<{ held: number; peakHeld: number; healthyDelivered: number }>;
  /**
   * Every receiver answers again; resolves once nothing is open (or the drain stalled: see
   * drain-watch.ts), with what was stored and delivered.
   */
  recover(): Promise<{ stored: number; succeeded: number; delivered: number; drainMs: number; stalled: boolean }>;
}

/**
 * Starts the receivers, subscribes them (`timeoutSec` for all but the slow one), and queues
 * `slowBacklog` deliveries to the slow one (they hang through the load).
 */
export async function startOutage(engine: ChildHandle, timeoutSec: number, slowBacklog: number): Promise<Outage> {
  const children = await Promise.all(RECEIVERS.map(() => startChild('receiver-process')));
  const byName = new Map(RECEIVERS.map((r, i) => [r.name, children[i]]));
  for (const [i, receiver] of RECEIVERS.entries()) {
    const child = children[i];
    if (receiver.during === 'down') await child.call('down');
    else await child.call('behave', receiver.during);
    await engine.call('subscribe', {
      url: `${child.info.url}/${receiver.name}`,
      events: receiver.name === 'slow' ? ['workflow.*', 'outage.slow'] : ['workflow.*'],
      ordering: receiver.ordered ? 'ordered' : 'unordered',
      timeout: receiver.name === 'slow' ? SLOW_TIMEOUT_SEC : timeoutSec,
      retry_policy: { max_retries: 50 },
    });
  }
  const slow = byName.get('slow')!;
  await engine.call('publish', { type: 'outage.slow', count: slowBacklog, concurrency: 50 });
  const heldAtStart = await waitForHeld(slow);
  return {
    receivers: children,
    heldAtStart,
    async duringLoad() {
      const { held, peakHeld } = await slow.call<ReceiverStats>('stats');
      const healthyDelivered = (await byName.get('healthy')!.call<ReceiverStats>('stats')).count;
      return { held, peakHeld, healthyDelivered };
    },
    async recover() {
      const started = performance.now();
      await byName.get('down')!.call('up');
      for (const name of ['failing', 'slow', 'reset']) await byName.get(name)!.call('behave', { kind: 'ok' });
      const stalled = !(await settleUnlessStalled(engine, children));
      const drainMs = performance.now() - started;
      const counts = await engine.call<Record<string, number>>('deliveryCounts');
      let delivered = 0;
      for (const child of children) delivered += (await child.call<ReceiverStats>('stats')).count;
      const stored = Object.values(counts).reduce((sum, n) => sum + n, 0);
      return { stored, succeeded: counts.succeeded ?? 0, delivered, drainMs, stalled };
    },
  };
}

/**
 * Polls the slow receiver until the requests it holds stop growing for a second (the engine's
 * in-flight and per-origin connection caps decide where: fewer than the backlog); returns how many.
 */
async function waitForHeld(slow: ChildHandle): Promise<number> {
  const giveUpAt = performance.now() + 60_000;
  let last = 0;
  let stableSince = performance.now();
  for (;;) {
    const { held } = await slow.call<ReceiverStats>('stats');
    if (held !== last || held === 0) [last, stableSince] = [held, performance.now()];
    if (performance.now() - stableSince >= 1_000 || performance.now() > giveUpAt) return held;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
