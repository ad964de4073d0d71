/**
 * The Schedule Trigger's rules (`rule.interval[]`) as n8n reads them, each turned into a 6-field cron
 * expression (seconds first, as croner and n8n's cron library take it) and, for intervals cron
 * cannot say (every 3 days, every 2 weeks, …), a recurrence gate that lets through only every Nth
 * firing, as n8n does: hours by hour of day, days by day of year, weeks by week of year (weeks begin
 * on Sunday), months by month.
 *
 * Where n8n fills an unset part with a random value (the second of a minute interval), this takes a
 * value derived from the workflow and node (`seed`): every process of a shared store then computes
 * the same fire times, so a tick has one identity across processes (see workflow/schedules.ts).
 */
import { createHash } from 'node:crypto';
import { Cron } from 'croner';
import { zonedTime, type ZonedTime } from './zoned-time.js';

export const SCHEDULE_FIELDS = ['seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'cronExpression'] as const;
export type ScheduleField = (typeof SCHEDULE_FIELDS)[number];

/** One entry of `rule.interval`, with n8n's defaults filled in. */
export interface ScheduleInterval {
  field: ScheduleField;
  secondsInterval: number;
  minutesInterval: number;
  hoursInterval: number;
  daysInterval: number;
  weeksInterval: number;
  monthsInterval: number;
  triggerAtDayOfMonth: number;
  /** Weekdays, 0 (Sunday) to 6. */
  triggerAtDay: number[];
  triggerAtHour: number;
  triggerAtMinute: number;
  expression: string;
}

/** n8n's defaults for an interval's fields (its node description). */
const DEFAULTS: Omit<ScheduleInterval, 'field'> = {
  secondsInterval: 30,
  minutesInterval: 5,
  hoursInterval: 1,
  daysInterval: 1,
  weeksInterval: 1,
  monthsInterval: 1,
  triggerAtDayOfMonth: 1,
  triggerAtDay: [0],
  triggerAtHour: 0,
  triggerAtMinute: 0,
  expression: '',
};

/** The node's `rule.interval` entries (n8n's default: one rule, every day at midnight). */
export function intervalsOf(parameters: Record<string, unknown>): ScheduleInterval[] {
  const rule = parameters.rule as { interval?: unknown } | undefined;
  const raw = rule === undefined ? [{ field: 'days' }] : rule?.interval;
  const list = Array.isArray(raw) ? raw : [];
  return list.map((entry) => ({ ...DEFAULTS, field: 'days', ...(entry as object) }) as ScheduleInterval);
}

const inRange = (value: unknown, min: number, max: number): boolean =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** Why n8n would refuse the interval ("Invalid interval"), or null. */
export function intervalProblem(interval: ScheduleInterval): string | null {
  const range = inRange;
  switch (interval.field) {
    case 'seconds':
      return range(interval.secondsInterval, 1, 59) ? null : 'Seconds must be in range 1-59';
    case 'minutes':
      return range(interval.minutesInterval, 1, 59) ? null : 'Minutes must be in range 1-59';
    case 'hours':
      return range(interval.hoursInterval, 1, 23) ? null : 'Hours must be in range 1-23';
    case 'days':
      return range(interval.daysInterval, 1, 31) ? null : 'Days must be in range 1-31';
    case 'weeks':
      return range(interval.weeksInterval, 1, 52) ? null : 'Weeks must be in range 1-52';
    case 'months':
      return range(interval.monthsInterval, 1, 12) ? null : 'Months must be in range 1-12';
    case 'cronExpression':
      return cronProblem(interval.expression);
    default:
      return `unknown trigger interval '${String((interval as { field: unknown }).field)}'`;
  }
}

/** Why the interval's time of day, weekdays or day of month cannot be scheduled, or null. */
export function triggerAtProblem(interval: ScheduleInterval): string | null {
  const { field } = interval;
  if (['hours', 'days', 'weeks', 'months'].includes(field) && !inRange(interval.triggerAtMinute, 0, 59))
    return 'Trigger at Minute must be in range 0-59';
  if (['days', 'weeks', 'months'].includes(field) && !inRange(interval.triggerAtHour, 0, 23))
    return 'Trigger at Hour must be in range 0-23';
  if (field === 'months' && !inRange(interval.triggerAtDayOfMonth, 1, 31))
    return 'Trigger at Day of Month must be in range 1-31';
  const days = interval.triggerAtDay;
  if (field === 'weeks' && !(Array.isArray(days) && days.every((day) => inRange(day, 0, 6))))
    return 'Trigger on Weekdays must list days 0 (Sunday) to 6';
  return null;
}

/** Why croner refuses the expression (5 or 6 fields), or null. */
export function cronProblem(expression: unknown): string | null {
  if (typeof expression !== 'string' || expression.trim() === '') return 'the cron expression is empty';
  try {
    new Cron(expression.trim(), { paused: true }).stop();
    return null;
  } catch (error) {
    return `Invalid cron expression: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** A number in `[min, max)` derived from the seed: the same in every process. */
function stableInt(seed: string, label: string, min: number, max: number): number {
  const digest = createHash('sha256').update(`${seed}:${label}`).digest();
  return min + (digest.readUInt32BE(0) % (max - min));
}

/** The interval's cron expression (6 fields, seconds first; a custom expression as written). */
export function cronExpressionOf(interval: ScheduleInterval, seed: string): string {
  const { field } = interval;
  if (field === 'cronExpression') return interval.expression.trim();
  if (field === 'seconds') return `*/${interval.secondsInterval} * * * * *`;
  const second = stableInt(seed, 'second', 0, 60);
  if (field === 'minutes') return `${second} */${interval.minutesInterval} * * * *`;
  const minute = interval.triggerAtMinute;
  if (field === 'hours') return `${second} ${minute} */${interval.hoursInterval} * * *`;
  // Cron cannot say "every N days or weeks": these fire daily or weekly and the recurrence gate thins them.
  const hour = interval.triggerAtHour;
  if (field === 'days') return `${second} ${minute} ${hour} * * *`;
  if (field === 'weeks') {
    const days = interval.triggerAtDay.length === 0 ? '*' : interval.triggerAtDay.join(',');
    return `${second} ${minute} ${hour} * * ${days}`;
  }
  return `${second} ${minute} ${hour} ${interval.triggerAtDayOfMonth} */${interval.monthsInterval} *`;
}

type Unit = 'hours' | 'days' | 'weeks' | 'months';

/** The position in its cycle n8n compares (hour of day, day of year, week of year, month), and the cycle. */
const POSITION: Record<Unit, { of: (at: ZonedTime) => number; cycle: number }> = {
  hours: { of: (at) => at.hour, cycle: 24 },
  days: { of: (at) => at.dayOfYear, cycle: 365 },
  weeks: { of: (at) => at.week, cycle: 52 },
  months: { of: (at) => at.month - 1, cycle: 12 },
};

/**
 * The recurrence gate of an interval: true for the firings that count. Every firing counts unless
 * the interval is hours, days, weeks or months with a size other than 1; then a firing counts when
 * at least that many units passed since the last one that counted (weeks: or it is the same week,
 * so several weekdays of one week all fire). The first firing always counts. n8n 2.8.4 asks for
 * exactly that many, so its every-5-hours rule stops after 20:00 (no later firing hour is 5 after it):
 * this takes n8n's later "at least" (docs/n8n-schedule-wait.md).
 */
export function createRecurrenceGate(interval: ScheduleInterval, timezone: string): (at: Date) => boolean {
  const unit = (['hours', 'days', 'weeks', 'months'] as const).find((u) => u === interval.field);
  const size = unit ? (interval[`${unit}Interval` as const] as number) : 1;
  if (!unit || size === 1) return () => true;
  const { of, cycle } = POSITION[unit];
  let last: number | undefined;
  return (at) => {
    const position = of(zonedTime(at, timezone));
    const passed = last === undefined ? Infinity : (position - last + cycle) % cycle;
    if (passed >= size || (unit === 'weeks' && passed === 0)) {
      last = position;
      return true;
    }
    return false;
  };
}
