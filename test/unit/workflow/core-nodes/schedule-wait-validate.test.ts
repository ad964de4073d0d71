/**
 * What validation says about Schedule Trigger and Wait nodes: a rule n8n would refuse, an unknown
 * time zone, and a Wait that resumes on a webhook or form are refused by node, type and version; a
 * property test feeds hostile rule entries and checks that validation never throws and that what it
 * accepts schedules.
 */
import fc from 'fast-check';
import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { ScheduleTrigger } from '../../../../engine/workflow/core-nodes/schedule/ScheduleTrigger.node.js';
import { createNodeTypeRegistry } from '../../../../engine/workflow/node-types.js';
import type { WorkflowDefinition } from '../../../../engine/workflow/types.js';
import { validateWorkflow } from '../../../../engine/workflow/validate.js';
import { chain, node } from '../../../fixtures/workflows.js';

const registry = createNodeTypeRegistry();
const SCHEDULE = 'n8n-nodes-base.scheduleTrigger';

const scheduled = (parameters: Record<string, unknown>, settings?: Record<string, unknown>): WorkflowDefinition => ({
  id: 'sched',
  name: 'Scheduled',
  settings,
  nodes: [node('Every', SCHEDULE, parameters, { typeVersion: 1.2 }), node('Done', 'n8n-nodes-base.noOp')],
  connections: chain('Every', 'Done'),
});

const waiting = (parameters: Record<string, unknown>): WorkflowDefinition => ({
  id: 'wait',
  name: 'Waits',
  nodes: [
    node('Start', 'hookline.manualTrigger'),
    node('Pause', 'n8n-nodes-base.wait', parameters, { typeVersion: 1.1 }),
  ],
  connections: chain('Start', 'Pause'),
});

const messages = (workflow: WorkflowDefinition) => validateWorkflow(workflow, registry).map((p) => p.message);

describe('validating schedule and wait nodes', () => {
  it('accepts every interval kind, and a schedule as the only trigger', () => {
    const interval = [
      { field: 'seconds', secondsInterval: 10 },
      { field: 'minutes' },
      { field: 'hours', hoursInterval: 2, triggerAtMinute: 15 },
      { field: 'days', daysInterval: 3, triggerAtHour: 8 },
      { field: 'weeks', weeksInterval: 2, triggerAtDay: [1, 5] },
      { field: 'months', monthsInterval: 3, triggerAtDayOfMonth: 28 },
      { field: 'cronExpression', expression: '0 9 * * 1-5' },
    ];
    expect(messages(scheduled({ rule: { interval } }, { timezone: 'Europe/Paris' }))).toEqual([]);
    expect(messages(scheduled({}))).toEqual([]);
  });

  it('refuses a rule n8n refuses, naming the node, its type, version and rule', () => {
    expect(messages(scheduled({ rule: { interval: [{ field: 'seconds', secondsInterval: 90 }] } }))).toEqual([
      "node 'Every' (n8n-nodes-base.scheduleTrigger v1.2), rule.interval[0]: Invalid interval: Seconds must be in range 1-59",
    ]);
    expect(
      messages(scheduled({ rule: { interval: [{ field: 'cronExpression', expression: '61 * * * *' }] } }))[0],
    ).toMatch(/rule\.interval\[0\]: Invalid interval: Invalid cron expression/);
    expect(messages(scheduled({ rule: { interval: [{ field: 'fortnights' }] } }))[0]).toMatch(
      /unknown field 'fortnights'/,
    );
    expect(messages(scheduled({ rule: { interval: [{ field: 'minutes', minutesInterval: '={{ 5 }}' }] } }))[0]).toMatch(
      /expressions in schedule rules are not supported/,
    );
    expect(messages(scheduled({ rule: 'daily' }))[0]).toMatch(/rule\.interval must be a list/);
  });

  it('refuses an unknown workflow time zone', () => {
    expect(messages(scheduled({}, { timezone: 'Mars/Olympus_Mons' }))[0]).toMatch(
      /settings\.timezone 'Mars\/Olympus_Mons' is not a known time zone/,
    );
    expect(messages(scheduled({}, { timezone: 'DEFAULT' }))).toEqual([]);
  });

  it('refuses a Wait that resumes on a webhook call or a form, and a negative amount', () => {
    expect(messages(waiting({ resume: 'webhook' }))).toEqual([
      "node 'Pause' (n8n-nodes-base.wait v1.1): resume 'webhook' is not supported; Hookline resumes a Wait node after a time interval (timeInterval) or at a specified time (specificTime)",
    ]);
    expect(messages(waiting({ resume: 'form' }))[0]).toMatch(/resume 'form' is not supported/);
    expect(messages(waiting({ amount: -1 }))[0]).toMatch(/Invalid wait amount/);
    expect(messages(waiting({ unit: 'weeks' }))[0]).toMatch(/unknown wait unit 'weeks'/);
    expect(messages(waiting({ resume: 'specificTime', dateTime: '2030-01-01T00:00:00' }))).toEqual([]);
    expect(messages(waiting({ amount: '={{ $json.delay }}', unit: 'minutes' }))).toEqual([]);
  });

  it('never throws on hostile rules, and what it accepts schedules', () => {
    const value = fc.oneof(
      fc.integer({ min: -5, max: 100 }),
      fc.string(),
      fc.constant(null),
      fc.array(fc.integer({ min: -2, max: 9 }), { maxLength: 4 }),
      fc.constantFrom('*/5 * * * *', '0 0 * * *', '* * * * * * *', '=', '={{1}}', 'L W #'),
    );
    const entry = fc.record(
      {
        field: fc.oneof(
          fc.constantFrom('seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'cronExpression'),
          fc.string(),
        ),
        secondsInterval: value,
        minutesInterval: value,
        hoursInterval: value,
        daysInterval: value,
        weeksInterval: value,
        monthsInterval: value,
        triggerAtDayOfMonth: value,
        triggerAtDay: value,
        triggerAtHour: value,
        triggerAtMinute: value,
        expression: value,
      },
      { requiredKeys: [] },
    );
    const trigger = new ScheduleTrigger();
    fc.assert(
      fc.property(fc.oneof(fc.array(entry, { maxLength: 3 }), fc.anything()), (interval) => {
        const workflow = scheduled({ rule: { interval } });
        const problems = validateWorkflow(workflow, registry);
        if (problems.length > 0) return;
        for (const rule of trigger.scheduleRules(workflow.nodes[0]!, { seed: 's', timezone: 'UTC' }))
          new Cron(rule.cron, { paused: true }).stop();
      }),
      { numRuns: 300 },
    );
  });
});
