/**
 * The history cleaner over a real store per test (SQLite or PostgreSQL): a pass deletes everything
 * older than the retention in batches, hands the thread back between batches, logs what it deleted,
 * and stops between two batches when the engine stops.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHistoryCleaner, type HistoryCleanerOptions } from '../../../engine/store/history-cleaner.js';
import type { HistoryStore } from '../../../engine/store/types.js';
import { countRows, DAY_MS, seedClosedHistory } from '../../helpers/history.js';
import { createTempStore, type TempStore } from '../../helpers/store.js';
import { createGate } from '../../helpers/wait.js';

const NOW = Date.now();
let temp: TempStore;
let lines: Record<string, unknown>[];

beforeEach(async () => {
  temp = await createTempStore();
  lines = [];
});
afterEach(async () => {
  await temp.close();
});

const log = () => pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });

function cleaner(fields: Partial<HistoryCleanerOptions> = {}) {
  return createHistoryCleaner({
    store: temp.store,
    retentionSec: 30 * 86_400,
    intervalSec: 3600,
    batchRows: 40,
    vacuumPages: 16,
    log: log(),
    now: () => NOW,
    ...fields,
  });
}

describe('the history cleaner', () => {
  it('deletes what is older than the retention in batches, yielding the thread between them, and logs it', async () => {
    await seedClosedHistory(temp.store, 'old', 50, NOW - 31 * DAY_MS, 1);
    await seedClosedHistory(temp.store, 'new', 5, NOW - 29 * DAY_MS, 1);
    // Counts turns of the event loop; each batch notes how many had passed when it began.
    let turns = 0;
    let ticking = true;
    const tick = (): void => void (ticking && (turns++, setImmediate(tick)));
    tick();
    const seenAt: number[] = [];
    const store: Pick<HistoryStore, 'purgeHistory' | 'reclaimSpace'> = {
      purgeHistory: (beforeMs, batchRows) => (seenAt.push(turns), temp.store.purgeHistory(beforeMs, batchRows)),
      reclaimSpace: (pages) => temp.store.reclaimSpace(pages),
    };
    const pass = await cleaner({ store }).runPass();
    ticking = false;
    expect(pass).toMatchObject({ deliveries: 50, attempts: 50, events: 50, executions: 50, batches: 4 });
    expect(pass.cutoff).toBe(new Date(NOW - 30 * DAY_MS).toISOString());
    for (let i = 1; i < seenAt.length; i++) expect(seenAt[i], `batch ${i + 1}`).toBeGreaterThan(seenAt[i - 1]);
    expect(await countRows(temp.sql)).toEqual({ deliveries: 5, attempts: 5, events: 5, executions: 5 });
    const logged = lines.find((line) => String(line.msg).startsWith('history cleanup'));
    expect(logged).toMatchObject({ level: 30, deliveries: 50, attempts: 50, events: 50, executions: 50, batches: 4 });
  });

  it('keeps everything when the retention is 0', async () => {
    await seedClosedHistory(temp.store, 'old', 3, NOW - 400 * DAY_MS, 1);
    const off = cleaner({ retentionSec: 0 });
    off.start();
    expect(await off.runPass()).toMatchObject({ deliveries: 0, events: 0, executions: 0, batches: 0 });
    await off.stop();
    expect(await countRows(temp.sql)).toEqual({ deliveries: 3, attempts: 3, events: 3, executions: 3 });
    expect(lines.map((line) => line.msg)).toContain('history retention is off: finished history is kept');
  });

  it('runs a pass at start, and stop() ends it between two batches', async () => {
    await seedClosedHistory(temp.store, 'old', 200, NOW - 31 * DAY_MS, 1);
    let batches = 0;
    let stopping: Promise<void> | undefined;
    const stopGate = createGate();
    const running = cleaner({
      batchRows: 10,
      store: {
        // The engine stops during the second batch: the pass ends once that batch is written.
        purgeHistory: async (beforeMs, batchRows) => {
          if (++batches === 2) {
            stopping = running.stop();
            stopGate.open();
          }
          return temp.store.purgeHistory(beforeMs, batchRows);
        },
        reclaimSpace: (pages) => temp.store.reclaimSpace(pages),
      },
    });
    running.start();
    await stopGate.opened;
    await stopping;
    expect(batches).toBe(2);
    expect((await countRows(temp.sql)).deliveries).toBe(180);
  });
});
