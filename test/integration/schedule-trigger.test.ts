/**
 * n8n's Schedule Trigger on a real engine and store: a one-second rule fires the workflow every
 * second with n8n's item in the workflow's time zone (waited for as executions, never a fixed
 * sleep); deactivating the workflow ends its schedule; on PostgreSQL two engines with the same
 * workflow run each tick once.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionRecord } from '../../engine/store/types.js';
import { chain, node } from '../fixtures/workflows.js';
import { describe, expect, it } from '../helpers/engine-fixture.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { TEST_STORE } from '../helpers/store.js';
import { nextEvent, untilValue } from '../helpers/wait.js';

const API_KEY = 'hk_admin_schedule_0123456789';

const everySecond = {
  id: 'tick',
  name: 'Tick',
  settings: { timezone: 'Asia/Kolkata' },
  nodes: [
    node(
      'Schedule',
      'n8n-nodes-base.scheduleTrigger',
      { rule: { interval: [{ field: 'seconds', secondsInterval: 1 }] } },
      { typeVersion: 1.2 },
    ),
    node('After', 'hookline.set', { fields: { at: '={{ $json.timestamp }}' }, keepOnlySet: true }),
  ],
  connections: chain('Schedule', 'After'),
};

const options = { workflows: { tick: everySecond }, config: { apiKey: API_KEY } };

const ticks = async (running: TestEngine): Promise<ExecutionRecord[]> =>
  (await running.engine.store.listExecutions({ workflowId: 'tick', limit: 1000 })).filter(
    (e) => e.status === 'succeeded',
  );

const untilTicks = (running: TestEngine, count: number) =>
  untilValue(
    () => ticks(running),
    (list) => list.length >= count,
    `${count} scheduled runs`,
    20_000,
  );

describe('the Schedule Trigger', () => {
  it("fires every second with n8n's item, in the workflow's time zone", async ({ startEngine }) => {
    const running = await startEngine(options);
    const runs = await untilTicks(running, 2);
    const [run] = runs;
    expect(run!.triggerNode).toBe('Schedule');
    const [item] = run!.input as Record<string, string>[];
    expect(Object.keys(item!)).toEqual([
      'timestamp',
      'Readable date',
      'Readable time',
      'Day of week',
      'Year',
      'Month',
      'Day of month',
      'Hour',
      'Minute',
      'Second',
      'Timezone',
    ]);
    expect(item!.Timezone).toBe('Asia/Kolkata (UTC+05:30)');
    expect(item!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+05:30$/);
    expect(run!.output).toEqual([{ at: item!.timestamp }]);
    // Each tick is its own second.
    const keys = runs.map((r) => r.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('stops firing once the workflow is deactivated', async ({ startEngine }) => {
    const running = await startEngine(options);
    await untilTicks(running, 1);
    const response = await fetch(`${running.url}/api/v1/workflows/tick/deactivate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(response.status).toBe(200);
    expect(running.engine.schedules.jobs).toBe(0);
  });

  it('follows the workflow file with --watch: a changed rule replaces the schedule, a removed file ends it', async ({
    startEngine,
  }) => {
    const hourly = (interval: unknown[]) => ({
      ...everySecond,
      nodes: [node('Schedule', 'n8n-nodes-base.scheduleTrigger', { rule: { interval } }, { typeVersion: 1.3 })],
      connections: {},
    });
    const twoRules = hourly([{ field: 'hours' }, { field: 'cronExpression', expression: '0 9 * * 1' }]);
    const running = await startEngine({
      workflows: { tick: twoRules },
      config: { apiKey: API_KEY, watch: true, watchDebounceMs: 20 },
    });
    const { engine } = running;
    expect(engine.schedules.jobs).toBe(2);
    let reloaded = nextEvent(engine.folder.events, 'reload');
    running.dir.file('tick.json', hourly([{ field: 'days', triggerAtHour: 6 }]));
    await reloaded;
    expect(engine.schedules.jobs).toBe(1);
    reloaded = nextEvent(engine.folder.events, 'reload');
    rmSync(join(running.dir.path, 'tick.json'));
    await reloaded;
    expect(engine.schedules.jobs).toBe(0);
  });

  it.skipIf(TEST_STORE !== 'postgres')(
    'runs each tick once with two engines on one PostgreSQL database',
    async ({ startEngine }) => {
      const first = await startEngine(options);
      const second = await startTestEngine({ ...options, sharedStore: first.location });
      try {
        expect(second.engine.schedules.jobs).toBe(1);
        const runs = await untilTicks(first, 4);
        const keys = runs.map((r) => r.idempotencyKey);
        expect(new Set(keys).size).toBe(keys.length);
        // Both engines fired every tick; one of them wrote each.
        const all = await first.engine.store.listExecutions({ workflowId: 'tick', limit: 1000 });
        expect(new Set(all.map((r) => r.idempotencyKey)).size).toBe(all.length);
        // Both fired, and the store turned the later of a tick's two writes away.
        expect(first.engine.schedules.ticks.fired).toBeGreaterThan(0);
        expect(second.engine.schedules.ticks.fired).toBeGreaterThan(0);
        expect(first.engine.schedules.ticks.duplicate + second.engine.schedules.ticks.duplicate).toBeGreaterThan(0);
      } finally {
        await second.stop();
      }
    },
  );
});
