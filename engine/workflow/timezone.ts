/**
 * Which time zone a workflow's nodes see (`this.getTimezone()`, the Schedule Trigger, the Wait node's
 * dates): its `settings.timezone`, as n8n's workflow settings store it, unless unset or n8n's
 * `DEFAULT`; then the engine's (the process's `TZ`, as n8n's instance time zone).
 */
import type { WorkflowDefinition } from './types.js';

let known: { tz: string | undefined; zone: string } | undefined;

/**
 * The engine's own time zone. Asked per run and per node, and a `DateTimeFormat` costs tens of
 * microseconds to make: it is made again only when `process.env.TZ` changed.
 */
export function engineTimezone(): string {
  const tz = process.env.TZ;
  if (!known || known.tz !== tz) known = { tz, zone: Intl.DateTimeFormat().resolvedOptions().timeZone };
  return known.zone;
}

/** An IANA zone the runtime knows (and so croner and n8n's date helpers). */
export function isTimezone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone the workflow asks for, or null when it leaves it to the engine. */
export function requestedTimezone(definition: Pick<WorkflowDefinition, 'settings'>): unknown {
  const zone = definition.settings?.timezone;
  return zone === undefined || zone === null || zone === '' || zone === 'DEFAULT' ? null : zone;
}

/** The workflow's time zone; an unknown one falls back to the engine's (validate reports it). */
export function workflowTimezone(definition: Pick<WorkflowDefinition, 'settings'>): string {
  const zone = requestedTimezone(definition);
  return isTimezone(zone) ? zone : engineTimezone();
}
