/**
 * Waiting in tests. Prefer an event: `receiver.waitFor(n)` / `receiver.waitUntil(predicate)` for
 * requests, `nextEvent()` for an emitter. State with no event (a delivery row's status, an
 * execution's status) is polled by `until()`, bounded by a deadline that names what it waited for.
 * Never a fixed sleep, never a duration asserted.
 */
import { once, type EventEmitter } from 'node:events';

export interface WaitOptions {
  /** Give up after this long. @defaultValue 10_000 */
  timeoutMs?: number;
  /**
   * What to await between two checks: a quiet point of the system under test (e.g. the
   * executor's `idle()`) when it has one. @defaultValue a 10 ms timer
   */
  between?: () => Promise<unknown>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const POLL_MS = 10;

const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, POLL_MS));

/**
 * Resolves with the first value `read` returns that `accept` takes; rejects, naming `what`,
 * once the deadline passes.
 */
export async function untilValue<T, U extends T>(
  read: () => T | Promise<T>,
  accept: (value: T) => value is U,
  what: string,
  options?: number | WaitOptions,
): Promise<U>;
export async function untilValue<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  what: string,
  options?: number | WaitOptions,
): Promise<T>;
export async function untilValue<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  what: string,
  options: number | WaitOptions = {},
): Promise<T> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, between = pause } =
    typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await between();
  }
}

/** Resolves once `check` holds; rejects, naming `what`, once the deadline passes. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  options: number | WaitOptions = {},
): Promise<void> {
  await untilValue(check, Boolean, what, options);
}

/** The arguments of the next `name` event of `emitter`; rejects, naming it, after `timeoutMs`. */
export async function nextEvent(
  emitter: EventEmitter,
  name: string,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<unknown[]> {
  try {
    return await once(emitter, name, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    if ((error as Error).name === 'AbortError')
      throw new Error(`timed out after ${timeoutMs} ms waiting for '${name}'`);
    throw error;
  }
}

/** A promise a test resolves by hand: a gate that holds receiver answers until it opens. */
export function createGate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}
