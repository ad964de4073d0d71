/**
 * A moment's calendar fields in an IANA time zone, through `Intl` (what moment-timezone and luxon
 * compute for n8n): the Schedule Trigger's item and its "every N days/weeks" gates read these.
 */
export interface ZonedTime {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 0 (Sunday) to 6. */
  weekday: number;
  /** The zone's offset then, `+01:00` (`+00:00` for UTC). */
  offset: string;
  /** 1 to 366. */
  dayOfYear: number;
  /** Week of the year as en-US counts it (moment's `week()`): weeks begin on Sunday, week 1 holds 1 January. */
  week: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timezone: string): Intl.DateTimeFormat {
  let format = formats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
      timeZoneName: 'longOffset',
    });
    formats.set(timezone, format);
  }
  return format;
}

const DAY_MS = 86_400_000;

export function zonedTime(at: Date, timezone: string): ZonedTime {
  const parts = Object.fromEntries(
    formatFor(timezone)
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const weekday = WEEKDAYS.indexOf(String(parts.weekday));
  const dayOfYear = (Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / DAY_MS + 1;
  const daysInYear = (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / DAY_MS;
  const january1 = new Date(Date.UTC(year, 0, 1)).getUTCDay();
  // The week whose Saturday falls in the next year holds its 1 January: week 1.
  const week = dayOfYear + (6 - weekday) > daysInYear ? 1 : Math.floor((dayOfYear - 1 + january1) / 7) + 1;
  const offset = String(parts.timeZoneName).replace(/^GMT/, '') || '+00:00';
  return {
    year,
    month,
    day,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    millisecond: at.getUTCMilliseconds(),
    weekday,
    offset,
    dayOfYear,
    week,
  };
}
