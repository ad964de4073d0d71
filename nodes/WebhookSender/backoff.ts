/**
 * Inline retry schedule. The engine's outbox has its own, longer schedule; this one only has to
 * outlast a blip while the n8n execution waits. Both step with `exponentialDelay` from the
 * engine's message module, and read answers (2xx, 410, abort header) with its `classifyAnswer`.
 */
import { exponentialDelay } from '../../engine/message/index.js';

/** Longest wait between two inline attempts: an execution should not sit idle for minutes. */
export const MAX_BACKOFF_MS = 30_000;

/**
 * Wait before retry number `retry` (1 for the first retry): `baseMs`, then doubling, capped at
 * {@link MAX_BACKOFF_MS}. With the default 1000 ms: 1 s, 2 s, 4 s.
 */
export function backoffDelayMs(retry: number, baseMs: number): number {
  return exponentialDelay(retry, baseMs, 2, MAX_BACKOFF_MS);
}
