/**
 * Stop requests and conversation counters on a real store per test (SQLite or PostgreSQL): a stop
 * marks an unfinished execution and says whether this process now owns it (on PostgreSQL only when
 * its owner is this process or went silent); conversation totals add up across store instances, as
 * across a restart or another process.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionRecord, Store } from '../../../engine/store/types.js';
import { newExecution } from '../../../engine/workflow/execution-record.js';
import { createTempStore, type TempStore } from '../../helpers/store.js';

let temp: TempStore;
let store: Store;
const LEASE_MS = 30_000;

beforeEach(async () => {
  temp = await createTempStore();
  store = temp.store;
});
afterEach(async () => {
  await temp.close();
});

async function queued(on: Store, status: ExecutionRecord['status'] = 'queued'): Promise<ExecutionRecord> {
  const record = newExecution('wf', 'Hook', 'workflow', [{ body: {} }], { status });
  await on.commit({ executions: [{ record }] });
  return record;
}

describe('stop requests', () => {
  it('answers null for an unknown execution', async () => {
    expect(await store.requestStop('exec_nope', Date.now(), LEASE_MS)).toBeNull();
  });

  it('marks an unfinished execution of this process and lists it for this process', async () => {
    const execution = await queued(store);
    const nowMs = Date.now();
    const found = await store.requestStop(execution.id, nowMs, LEASE_MS);
    expect(found?.owned).toBe(true);
    expect(found?.execution.status).toBe('queued');
    expect(found?.execution.stopRequestedAt).toBe(new Date(nowMs).toISOString());
    expect((await store.listStopRequests(10)).map((e) => e.id)).toEqual([execution.id]);
    // A second request keeps the first time.
    const again = await store.requestStop(execution.id, nowMs + 5000, LEASE_MS);
    expect(again?.execution.stopRequestedAt).toBe(new Date(nowMs).toISOString());
  });

  it('leaves a finished execution as it is', async () => {
    const execution = await queued(store, 'succeeded');
    const found = await store.requestStop(execution.id, Date.now(), LEASE_MS);
    expect(found).toMatchObject({ owned: false, execution: { status: 'succeeded', stopRequestedAt: null } });
    expect(await store.listStopRequests(10)).toEqual([]);
  });

  it('takes over the execution of another owner only when that owner went silent', async () => {
    const other = temp.reopen();
    const nowMs = Date.now();
    await other.heartbeat(nowMs);
    const theirs = await queued(other);
    const found = await store.requestStop(theirs.id, nowMs, LEASE_MS);
    // SQLite has one process: whatever another owner left is an earlier run of this one.
    const liveOwnerKeepsIt = store.kind === 'postgres';
    expect(found?.owned).toBe(!liveOwnerKeepsIt);
    expect(found?.execution.stopRequestedAt).not.toBeNull();
    if (liveOwnerKeepsIt) {
      expect((await other.listStopRequests(10)).map((e) => e.id)).toEqual([theirs.id]);
      expect(await store.listStopRequests(10)).toEqual([]);
      // Once silent for longer than the lease, the asking process takes it.
      const later = await store.requestStop(theirs.id, nowMs + LEASE_MS + 1, LEASE_MS);
      expect(later?.owned).toBe(true);
      expect(await other.listStopRequests(10)).toEqual([]);
    }
    expect((await store.listStopRequests(10)).map((e) => e.id)).toEqual([theirs.id]);
  });
});

describe('conversation counters', () => {
  it('adds messages and credits per agent and conversation, across store instances', async () => {
    const key = { agentId: 'support-bot', conversationId: 'conv_1' };
    const t0 = Date.parse('2026-01-15T10:20:00Z');
    expect(await store.addConversationMessages(key, 2, 1.5, t0)).toEqual({
      messageCount: 2,
      creditsUsed: 1.5,
      startedAt: '2026-01-15T10:20:00.000Z',
    });
    const restarted = temp.reopen();
    expect(await restarted.addConversationMessages(key, 1, 0, t0 + 60_000)).toEqual({
      messageCount: 3,
      creditsUsed: 1.5,
      startedAt: '2026-01-15T10:20:00.000Z',
    });
    const otherAgent = await store.addConversationMessages({ ...key, agentId: 'sales-bot' }, 2, 3, t0);
    expect(otherAgent.messageCount).toBe(2);
  });

  it('counts concurrent exchanges of one conversation without losing any', async () => {
    const key = { agentId: 'support-bot', conversationId: 'conv_busy' };
    const second = temp.reopen();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? store : second).addConversationMessages(key, 2, 1, Date.now())),
    );
    const totals = await store.addConversationMessages(key, 0, 0, Date.now());
    expect(totals).toMatchObject({ messageCount: 40, creditsUsed: 20 });
  });
});
