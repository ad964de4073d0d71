/**
 * The Schedule Trigger's cron mapping, recurrence gates and item, by schedule arithmetic on fixed
 * dates (no clock). The mapping is checked against n8n-workflow's own `toCronExpression` (the helper
 * n8n's cron-based nodes use) where the two describe the same schedule: equal fire times, with n8n's
 * random second (and, for hours, its random minute) replaced by ours. n8n's Schedule Trigger builds its
 * expression in its own node code, which we may not copy; its documented shapes are asserted directly.
 */
import { Cron } from 'croner';
import { toCronExpression } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import {
  createRecurrenceGate,
  cronExpressionOf,
  intervalProblem,
  intervalsOf,
  type ScheduleInterval,
} from '../../../../engine/workflow/core-nodes/schedule/schedule-rules.js';
import { scheduledItem } from '../../../../engine/workflow/core-nodes/schedule/schedule-item.js';
import { zonedTime } from '../../../../engine/workflow/core-nodes/schedule/zoned-time.js';

const SEED = 'wf:node';
const FROM = new Date('2026-03-01T00:00:00Z');
const interval = (entry: Partial<ScheduleInterval>): ScheduleInterval =>
  intervalsOf({ rule: { interval: [entry] } })[0]!;

/** The next `count` fire times of a 6-field expression, in UTC. */
const fireTimes = (expression: string, count = 12): string[] =>
  new Cron(expression, { paused: true, timezone: 'UTC' }).nextRuns(count, FROM).map((d) => d.toISOString());

/** `expression` with its first `fields` fields taken from `from`. */
const withFields = (expression: string, from: string, fields: number): string =>
  [...from.split(' ').slice(0, fields), ...expression.split(' ').slice(fields)].join(' ');

describe('schedule rules as cron expressions', () => {
  it.each([
    [{ field: 'minutes', minutesInterval: 7 }, { mode: 'everyX', unit: 'minutes', value: 7 }, 1],
    [{ field: 'hours', hoursInterval: 3, triggerAtMinute: 20 }, { mode: 'everyX', unit: 'hours', value: 3 }, 2],
    [{ field: 'days', triggerAtHour: 9, triggerAtMinute: 30 }, { mode: 'everyDay', hour: 9, minute: 30 }, 1],
    [
      { field: 'weeks', triggerAtDay: [2], triggerAtHour: 18, triggerAtMinute: 5 },
      { mode: 'everyWeek', hour: 18, minute: 5, weekday: 2 },
      1,
    ],
    [
      { field: 'months', triggerAtDayOfMonth: 15, triggerAtHour: 6, triggerAtMinute: 0 },
      { mode: 'everyMonth', hour: 6, minute: 0, dayOfMonth: 15 },
      1,
    ],
    [
      { field: 'cronExpression', expression: ' 0 15 * * 1-5 ' },
      { mode: 'custom', cronExpression: ' 0 15 * * 1-5 ' },
      0,
    ],
  ] as const)('%o fires when n8n-workflow’s toCronExpression(%o) does', (entry, triggerTime, randomFields) => {
    const ours = cronExpressionOf(interval(entry as Partial<ScheduleInterval>), SEED);
    const theirs = withFields(toCronExpression(triggerTime as never), ours, randomFields);
    expect(fireTimes(ours)).toEqual(fireTimes(theirs));
  });

  it("writes n8n's documented shapes: every N seconds, a stable second for the rest", () => {
    expect(cronExpressionOf(interval({ field: 'seconds', secondsInterval: 15 }), SEED)).toBe('*/15 * * * * *');
    const minutes = cronExpressionOf(interval({ field: 'minutes', minutesInterval: 5 }), SEED);
    expect(minutes).toMatch(/^\d{1,2} \*\/5 \* \* \* \*$/);
    // The same workflow and node give the same second in every process; another node, usually another.
    expect(cronExpressionOf(interval({ field: 'minutes', minutesInterval: 5 }), SEED)).toBe(minutes);
    expect(cronExpressionOf(interval({ field: 'months', monthsInterval: 3 }), SEED)).toMatch(/ 1 \*\/3 \*$/);
    expect(cronExpressionOf(interval({ field: 'weeks', triggerAtDay: [1, 3, 5] }), SEED)).toMatch(/ \* \* 1,3,5$/);
    expect(cronExpressionOf(interval({ field: 'weeks', triggerAtDay: [] }), SEED)).toMatch(/ \* \* \*$/);
  });

  it("fills n8n's defaults: one rule, every day at midnight", () => {
    expect(intervalsOf({})).toHaveLength(1);
    const [daily] = intervalsOf({});
    expect(daily).toMatchObject({ field: 'days', daysInterval: 1, triggerAtHour: 0, triggerAtMinute: 0 });
    expect(cronExpressionOf(daily!, SEED)).toMatch(/^\d{1,2} 0 0 \* \* \*$/);
  });

  it("refuses what n8n's interval check refuses", () => {
    expect(intervalProblem(interval({ field: 'seconds', secondsInterval: 0 }))).toBe('Seconds must be in range 1-59');
    expect(intervalProblem(interval({ field: 'minutes', minutesInterval: 60 }))).toBe('Minutes must be in range 1-59');
    expect(intervalProblem(interval({ field: 'hours', hoursInterval: 24 }))).toBe('Hours must be in range 1-23');
    expect(intervalProblem(interval({ field: 'days', daysInterval: 32 }))).toBe('Days must be in range 1-31');
    expect(intervalProblem(interval({ field: 'cronExpression', expression: 'every day' }))).toMatch(/^Invalid cron/);
    expect(intervalProblem(interval({ field: 'cronExpression', expression: '*/5 * * * *' }))).toBeNull();
  });
});

describe('recurrence gates', () => {
  /** Which of a rule's fire times count, over `count` firings. */
  const counted = (entry: Partial<ScheduleInterval>, count: number, timezone = 'UTC'): string[] => {
    const rule = interval(entry);
    const gate = createRecurrenceGate(rule, timezone);
    return new Cron(cronExpressionOf(rule, SEED), { paused: true, timezone })
      .nextRuns(count, FROM)
      .filter((at) => gate(at))
      .map((d) => d.toISOString().slice(0, 13));
  };

  it('every 3 days fires on every third day', () => {
    expect(counted({ field: 'days', daysInterval: 3, triggerAtHour: 8 }, 10)).toEqual([
      '2026-03-01T08',
      '2026-03-04T08',
      '2026-03-07T08',
      '2026-03-10T08',
    ]);
  });

  it("every 5 hours restarts at midnight, as n8n's does", () => {
    expect(counted({ field: 'hours', hoursInterval: 5 }, 7)).toEqual([
      '2026-03-01T00',
      '2026-03-01T05',
      '2026-03-01T10',
      '2026-03-01T15',
      '2026-03-01T20',
      '2026-03-02T05',
    ]);
  });

  it('every 2 weeks fires on each chosen weekday of every other week', () => {
    // 1 March 2026 is a Sunday: Monday and Wednesday of that week, then of the week after next.
    expect(counted({ field: 'weeks', weeksInterval: 2, triggerAtDay: [1, 3] }, 12)).toEqual([
      '2026-03-02T00',
      '2026-03-04T00',
      '2026-03-16T00',
      '2026-03-18T00',
      '2026-03-30T00',
      '2026-04-01T00',
    ]);
  });

  it('counts every firing of an interval of one', () => {
    expect(counted({ field: 'days' }, 3)).toHaveLength(3);
  });
});

describe("the schedule trigger's item", () => {
  it("writes n8n's fields in the zone", () => {
    expect(scheduledItem(new Date('2026-01-05T08:04:09.000Z'), 'Europe/Berlin')).toEqual({
      timestamp: '2026-01-05T09:04:09.000+01:00',
      'Readable date': 'January 5th 2026, 9:04:09 am',
      'Readable time': '9:04:09 am',
      'Day of week': 'Monday',
      Year: '2026',
      Month: 'January',
      'Day of month': '05',
      Hour: '09',
      Minute: '04',
      Second: '09',
      Timezone: 'Europe/Berlin (UTC+01:00)',
    });
  });

  it('writes afternoon hours, ordinals and negative and zero offsets', () => {
    expect(scheduledItem(new Date('2026-07-21T20:30:00.250Z'), 'America/New_York')).toMatchObject({
      timestamp: '2026-07-21T16:30:00.250-04:00',
      'Readable date': 'July 21st 2026, 4:30:00 pm',
      'Day of week': 'Tuesday',
      Timezone: 'America/New_York (UTC-04:00)',
    });
    expect(scheduledItem(new Date('2026-11-12T00:00:00Z'), 'UTC')).toMatchObject({
      timestamp: '2026-11-12T00:00:00.000+00:00',
      'Readable date': 'November 12th 2026, 12:00:00 am',
      Timezone: 'UTC (UTC+00:00)',
    });
    expect(scheduledItem(new Date('2026-11-23T12:00:00Z'), 'UTC')['Readable date']).toBe(
      'November 23rd 2026, 12:00:00 pm',
    );
  });

  it('counts weeks as en-US does: Sunday first, week 1 holds 1 January', () => {
    expect(zonedTime(new Date('2026-01-01T12:00:00Z'), 'UTC').week).toBe(1);
    expect(zonedTime(new Date('2026-01-03T12:00:00Z'), 'UTC').week).toBe(1);
    expect(zonedTime(new Date('2026-01-04T12:00:00Z'), 'UTC').week).toBe(2);
    expect(zonedTime(new Date('2026-12-26T12:00:00Z'), 'UTC').week).toBe(52);
    expect(zonedTime(new Date('2026-12-31T12:00:00Z'), 'UTC').week).toBe(1);
  });
});
