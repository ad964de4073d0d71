/**
 * History retention on a real engine (SQLite or PostgreSQL): the cleaner runs at start over what an
 * earlier run left and then every `cleanupIntervalSec`, deleting history older than
 * `historyRetentionSec` while the engine keeps serving, and leaving the rest.
 */
import { loadConfig } from '../../engine/config.js';
import { describe, expect, it } from '../helpers/engine-fixture.js';
import { countRows, DAY_MS, seedClosedHistory } from '../helpers/history.js';
import { until } from '../helpers/wait.js';

describe('history retention', () => {
  it('reads its two settings from flags and the environment, 30 days and an hour by default', () => {
    expect(loadConfig()).toMatchObject({ historyRetentionSec: 2_592_000, cleanupIntervalSec: 3_600 });
    const config = loadConfig({
      env: { HOOKLINE_HISTORY_RETENTION_SEC: '604800', HOOKLINE_CLEANUP_INTERVAL_SEC: '60' },
      flags: { 'cleanup-interval-sec': '300' },
    });
    expect(config).toMatchObject({ historyRetentionSec: 604_800, cleanupIntervalSec: 300 });
    expect(loadConfig({ flags: { 'history-retention-sec': '0' } }).historyRetentionSec).toBe(0);
    expect(() => loadConfig({ flags: { 'cleanup-interval-sec': '0' } })).toThrow(/--cleanup-interval-sec/);
  });

  it('deletes at start what an earlier run left past the retention, and keeps the rest', async ({ startEngine }) => {
    const running = await startEngine({
      config: { historyRetentionSec: 7 * 86_400 },
      prepare: async (store) => {
        await seedClosedHistory(store, 'old', 150, Date.now() - 8 * DAY_MS, 2);
        await seedClosedHistory(store, 'kept', 3, Date.now() - 6 * DAY_MS, 1);
      },
    });
    // The pass started with the engine; its batches leave the engine answering meanwhile.
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    await until(async () => (await countRows(running.sql)).executions <= 3, 'the start-up cleanup pass');
    const rows = await countRows(running.sql);
    expect(rows).toMatchObject({ deliveries: 3, attempts: 3, executions: 3 });
    // The engine's own events of this run are new: only the seeded old ones went.
    const old = await running.sql(`SELECT count(*) AS n FROM events WHERE id LIKE 'evt_old%'`);
    expect(Number(old[0].n)).toBe(0);
  });

  it('runs again every cleanupIntervalSec', async ({ startEngine }) => {
    const running = await startEngine({ config: { historyRetentionSec: 86_400, cleanupIntervalSec: 1 } });
    await seedClosedHistory(running.engine.store, 'old', 20, Date.now() - 2 * DAY_MS, 1);
    await until(
      async () => (await countRows(running.sql)).deliveries === 0 && (await countRows(running.sql)).executions === 0,
      'a scheduled cleanup pass',
    );
    const left = await running.sql(`SELECT count(*) AS n FROM events WHERE id LIKE 'evt_old%'`);
    expect(Number(left[0].n)).toBe(0);
  });
});
