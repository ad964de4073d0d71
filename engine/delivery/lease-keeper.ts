/**
 * Keeps the leases of the deliveries this process is working on (claimed, being sent, or sent
 * and waiting to be settled) alive, as BullMQ renews a job's lock while its worker runs it.
 *
 * A lease says "this process is alive and on it", not "this send takes at most leaseMs": a long
 * ordered run or a loaded machine can keep a claim open past the lease, and without renewal
 * another process would reclaim and send those rows again while their first send is still under
 * way. Renewed every third of the lease, a row comes back to the line only when its owner stopped
 * renewing: it died or stalled for a whole lease.
 */
import type { Logger } from '../logger.js';
import type { OutboxStore } from '../store/types.js';

export interface LeaseKeeper {
  /** These claimed deliveries are this process's until {@link LeaseKeeper.drop}. */
  hold(deliveryIds: Iterable<string>): void;
  /** Settled or released: no longer renewed. */
  drop(deliveryIds: Iterable<string>): void;
  start(): void;
  stop(): void;
}

export interface LeaseKeeperOptions {
  outbox: OutboxStore;
  owner: string;
  leaseMs: number;
  log: Logger;
}

export function createLeaseKeeper(options: LeaseKeeperOptions): LeaseKeeper {
  const held = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let renewing = false;

  async function renew(): Promise<void> {
    if (renewing || held.size === 0) return;
    renewing = true;
    try {
      await options.outbox.renewLeases([...held], options.owner, Date.now() + options.leaseMs);
    } catch (error) {
      // The next tick tries again; two missed ticks still leave a third of the lease.
      options.log.error({ err: error }, 'delivery leases not renewed');
    } finally {
      renewing = false;
    }
  }

  return {
    hold(deliveryIds) {
      for (const id of deliveryIds) held.add(id);
    },
    drop(deliveryIds) {
      for (const id of deliveryIds) held.delete(id);
    },
    start() {
      timer ??= setInterval(() => void renew(), Math.max(1, Math.floor(options.leaseMs / 3)));
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      held.clear();
    },
  };
}
