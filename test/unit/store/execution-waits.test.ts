/**
 * Parked executions (the Wait node) on a real store per test, SQLite and PostgreSQL: parking writes
 * the state with the status; a due one is claimed once and marked running; its state stays until the
 * resumed run ends; a claimer that went silent loses it to the next; a stop keeps it from resuming;
 * the orphan recovery leaves resumed ones to the wait claim.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionRecord, Store } from '../../../engine/store/types.js';
import { newExecution } from '../../../engine/workflow/execution-record.js';
import { createTempStore, TEST_STORE, type TempStore } from '../../helpers/store.js';

let temp: TempStore;
let store: Store;
const STALE_MS = 30_000;
const T0 = Date.parse('2026-11-29T10:00:00Z');
const STATE = { queue: [{ node: 'After wait', items: [{ json: { n: 1 } }] }], runData: {} };

beforeEach(async () => {
  temp = await createTempStore();
  store = temp.store;
});
afterEach(async () => {
  await temp.close();
});

/** An execution of `on`'s process parked until `resumeAtMs`. */
async function parked(on: Store, resumeAtMs: number): Promise<ExecutionRecord> {
  const record = newExecution('wf', 'Hook', 'workflow', [{ body: {} }], { status: 'running' });
  await on.commit({ executions: [{ record }] });
  await on.commit({
    executionUpdates: [{ id: record.id, status: 'waiting', wait: { resumeAtMs, state: STATE } }],
  });
  return record;
}

describe('parked executions', () => {
  it('parks with its state and is claimed once when due, marked running', async () => {
    const execution = await parked(store, T0 + 5000);
    expect((await store.getExecution(execution.id))?.status).toBe('waiting');
    expect(await store.nextWaitAtMs()).toBe(T0 + 5000);
    expect(await store.claimDueWaits(T0 + 4999, STALE_MS, 10)).toEqual([]);
    const [due, ...rest] = await store.claimDueWaits(T0 + 5000, STALE_MS, 10);
    expect(rest).toEqual([]);
    expect(due).toMatchObject({ resumeAtMs: T0 + 5000, state: STATE, execution: { id: execution.id } });
    expect(due!.execution.status).toBe('running');
    expect((await store.getExecution(execution.id))?.status).toBe('running');
    // Claimed: neither due again nor counted as the next one.
    expect(await store.claimDueWaits(T0 + 60_000, STALE_MS, 10)).toEqual([]);
    expect(await store.nextWaitAtMs()).toBeNull();
  });

  it('claims the earliest first, up to the limit', async () => {
    const late = await parked(store, T0 + 3000);
    const early = await parked(store, T0 + 1000);
    const first = await store.claimDueWaits(T0 + 10_000, STALE_MS, 1);
    expect(first.map((d) => d.execution.id)).toEqual([early.id]);
    const second = await store.claimDueWaits(T0 + 10_000, STALE_MS, 10);
    expect(second.map((d) => d.execution.id)).toEqual([late.id]);
  });

  it('forgets the parked state when the resumed run finishes, in the same write as its status', async () => {
    const execution = await parked(store, T0);
    await store.claimDueWaits(T0, STALE_MS, 10);
    await store.commit({
      executionUpdates: [{ id: execution.id, status: 'succeeded', finishedAt: new Date(T0).toISOString(), wait: null }],
    });
    expect(await temp.sql('SELECT execution_id FROM execution_waits')).toEqual([]);
    expect((await store.getExecution(execution.id))?.status).toBe('succeeded');
  });

  it('parks again after a second Wait node, unclaimed until its new time', async () => {
    const execution = await parked(store, T0);
    await store.claimDueWaits(T0, STALE_MS, 10);
    const state = { queue: [], runData: { Second: [] } };
    await store.commit({
      executionUpdates: [{ id: execution.id, status: 'waiting', wait: { resumeAtMs: T0 + 9000, state } }],
    });
    expect(await store.nextWaitAtMs()).toBe(T0 + 9000);
    const [due] = await store.claimDueWaits(T0 + 9000, STALE_MS, 10);
    expect(due?.state).toEqual(state);
  });

  it('leaves a waiting execution asked to stop to the stop, which its owner ends', async () => {
    const execution = await parked(store, T0);
    const found = await store.requestStop(execution.id, T0, STALE_MS);
    expect(found).toMatchObject({ owned: true, execution: { status: 'waiting' } });
    expect((await store.listStopRequests(10)).map((e) => e.id)).toEqual([execution.id]);
    expect(await store.claimDueWaits(T0 + 60_000, STALE_MS, 10)).toEqual([]);
    expect(await store.nextWaitAtMs()).toBeNull();
  });

  it('passes a claim whose process went silent to the next claimer, never one whose process is alive', async () => {
    const resumer = temp.reopen();
    const execution = await parked(store, T0);
    await resumer.heartbeat(T0);
    expect(await resumer.claimDueWaits(T0, STALE_MS, 10)).toHaveLength(1);
    if (store.kind === 'postgres') {
      // The resumer is alive: its claim stands.
      await store.heartbeat(T0);
      expect(await store.claimDueWaits(T0 + 1000, STALE_MS, 10)).toEqual([]);
    }
    // SQLite has one process, so another owner's claim is an earlier run's; PostgreSQL: silent too long.
    const [again] = await store.claimDueWaits(T0 + STALE_MS + 1, STALE_MS, 10);
    expect(again?.execution.id).toBe(execution.id);
    expect(again?.state).toEqual(STATE);
  });

  it('is no orphan while resumed: the orphan recovery would run it again from the trigger', async () => {
    const execution = await parked(store, T0);
    await temp.reopen().claimDueWaits(T0, STALE_MS, 10);
    const orphans = await store.claimOrphanedExecutions(T0 + STALE_MS * 2, STALE_MS, 10);
    expect(orphans.map((e) => e.id)).not.toContain(execution.id);
  });

  // Several processes share PostgreSQL only (on SQLite, another owner is an earlier run of this one).
  it.skipIf(TEST_STORE !== 'postgres')(
    'hands each due execution to exactly one of two processes claiming at once',
    async () => {
      const other = temp.reopen();
      const ids = new Set<string>();
      for (let i = 0; i < 12; i++) ids.add((await parked(store, T0 + i)).id);
      await Promise.all([store.heartbeat(T0), other.heartbeat(T0)]);
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? store : other).claimDueWaits(T0 + 100, STALE_MS, 3)),
      );
      const claimed = claims.flat().map((due) => due.execution.id);
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(new Set(claimed)).toEqual(ids);
    },
  );
});
