/** The backlog counters and load shedding, on a real store per test (SQLite or PostgreSQL). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBacklog } from '../../../engine/delivery/backlog.js';
import { createEvent } from '../../../engine/events/envelope.js';
import { createLogger } from '../../../engine/logger.js';
import { makeNewDelivery } from '../../helpers/records.js';
import { createTempStore, type TempStore } from '../../helpers/store.js';

let temp: TempStore;
beforeEach(async () => {
  temp = await createTempStore();
});
afterEach(async () => {
  await temp.close();
});

const log = createLogger('silent');

describe('backlog', () => {
  it('counts open deliveries and events waiting for their fan-out, and sheds above the mark', async () => {
    await temp.store.commit({
      deliveries: [makeNewDelivery('d1'), makeNewDelivery('d2')],
      events: [createEvent('order.completed', {})],
    });
    const backlog = createBacklog({ outbox: temp.store.outbox, maxBacklog: 2, log });
    await backlog.start();
    try {
      expect(backlog.size).toBe(3);
      expect(backlog.shedSeconds()).toBeGreaterThan(0);
      expect(backlog.shedCount).toBe(1);
      backlog.closed(2);
      expect(backlog.size).toBe(1);
      expect(backlog.shedSeconds()).toBe(0);
    } finally {
      backlog.stop();
    }
  });

  it('recovers from what the counters cannot see: rows closed behind their back', async () => {
    await temp.store.commit({ deliveries: [makeNewDelivery('d1'), makeNewDelivery('d2'), makeNewDelivery('d3')] });
    const backlog = createBacklog({ outbox: temp.store.outbox, maxBacklog: 1, log });
    await backlog.start();
    try {
      expect(backlog.shedSeconds()).toBeGreaterThan(0);
      // A deleted webhook fails its open rows in the store; no settle tells the counters.
      await temp.sql("UPDATE deliveries SET status = 'failed'");
      expect(backlog.size).toBe(3);
      await backlog.recount();
      expect(backlog.size).toBe(0);
      expect(backlog.shedSeconds()).toBe(0);
    } finally {
      backlog.stop();
    }
  });

  it('comes back to zero when a commit is counted after its events were fanned out and delivered', async () => {
    // A commit waiting for its WAL sync is visible to the fan-out on the same connection before it is counted.
    const backlog = createBacklog({ outbox: temp.store.outbox, maxBacklog: 0, log });
    await backlog.start();
    try {
      backlog.eventsFannedOut(2);
      backlog.opened(3);
      backlog.closed(3);
      backlog.closed(1);
      expect(backlog.size).toBe(0);
      backlog.eventsWritten(2);
      backlog.opened(1);
      expect(backlog.size).toBe(0);
    } finally {
      backlog.stop();
    }
  });

  it('never sheds with the mark off (0)', async () => {
    await temp.store.commit({ deliveries: [makeNewDelivery('d1')] });
    const backlog = createBacklog({ outbox: temp.store.outbox, maxBacklog: 0, log });
    await backlog.start();
    expect(backlog.shedSeconds()).toBe(0);
    backlog.stop();
  });
});
