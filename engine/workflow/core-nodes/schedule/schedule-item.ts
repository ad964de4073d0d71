/**
 * The item a Schedule Trigger emits, field for field as n8n 2.x writes it with moment-timezone
 * (`toISOString(true)`, `MMMM Do YYYY, h:mm:ss a`, `dddd`, …): the fire time in the workflow's zone.
 */
import type { IDataObject } from 'n8n-workflow';
import { zonedTime } from './zoned-time.js';

const MONTHS = 'January February March April May June July August September October November December'.split(' ');
const DAYS = 'Sunday Monday Tuesday Wednesday Thursday Friday Saturday'.split(' ');

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** English ordinal suffix of a day of the month (moment's `Do`). */
function ordinal(day: number): string {
  if (day % 100 >= 11 && day % 100 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][day % 10] ?? 'th';
}

export function scheduledItem(at: Date, timezone: string): IDataObject {
  const t = zonedTime(at, timezone);
  const time = `${t.hour % 12 || 12}:${pad(t.minute)}:${pad(t.second)} ${t.hour < 12 ? 'am' : 'pm'}`;
  const date = `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
  return {
    timestamp: `${date}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}.${pad(t.millisecond, 3)}${t.offset}`,
    'Readable date': `${MONTHS[t.month - 1]} ${t.day}${ordinal(t.day)} ${t.year}, ${time}`,
    'Readable time': time,
    'Day of week': DAYS[t.weekday],
    Year: pad(t.year, 4),
    Month: MONTHS[t.month - 1],
    'Day of month': pad(t.day),
    Hour: pad(t.hour),
    Minute: pad(t.minute),
    Second: pad(t.second),
    Timezone: `${timezone} (UTC${t.offset})`,
  };
}
