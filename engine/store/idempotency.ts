/**
 * The one rule both stores apply to idempotency keys, for trigger executions and for published
 * events alike: within the window, the first write under a key stands and a repeat is answered
 * with it. What differs per store is only how the lookup is locked (SQLite: its one writer;
 * PostgreSQL: an advisory lock per key, see pg-store.ts).
 */
import { DEFAULTS } from '../config.js';
import type { KeyedEvent, NewExecution } from './types.js';

/**
 * The earliest creation time (ISO) whose key a write made at `createdAt` still repeats.
 * @defaultValue windowSec: the engine's `idempotencyWindowSec` default
 */
export function idempotencySince(createdAt: string, windowSec: number = DEFAULTS.idempotencyWindowSec): string {
  return new Date(Date.parse(createdAt) - windowSec * 1000).toISOString();
}

/**
 * The text an idempotent write is locked and de-duplicated by, or null without a key. A trigger's
 * keys are its own (workflow and trigger node); published events share one space of keys.
 */
export function idempotencyScopeKey(item: NewExecution | KeyedEvent): string | null {
  if ('event' in item) return JSON.stringify(['event', item.idempotencyKey]);
  const { record } = item;
  return record.idempotencyKey ? JSON.stringify([record.workflowId, record.triggerNode, record.idempotencyKey]) : null;
}
