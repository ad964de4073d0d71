/**
 * The engine's live notices (`/api/v1/stream`, server-sent events). `EventSource` cannot send an
 * `Authorization` header, so each connection first asks for a single-use stream token with the API
 * key and opens `?token=…`; when the stream breaks, a new token is fetched and it reconnects, with
 * a growing pause. Views subscribe with `useLive` and reload what they show.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';

export interface Notice {
  kind: 'deliveries' | 'attempts' | 'executions' | 'ready';
  webhook_id?: string;
  webhook_ids?: string[] | null;
  [field: string]: unknown;
}

type Listener = (notice: Notice) => void;
export type LiveState = 'connecting' | 'live' | 'offline';

const listeners = new Set<Listener>();
const stateListeners = new Set<(state: LiveState) => void>();
let source: EventSource | null = null;
let state: LiveState = 'offline';
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let failures = 0;
let running = false;

function setState(next: LiveState): void {
  state = next;
  for (const listener of stateListeners) listener(next);
}

async function connect(): Promise<void> {
  if (!running) return;
  setState('connecting');
  try {
    const { token } = await api<{ token: string }>('POST', '/stream/tokens');
    if (!running) return;
    source = new EventSource(`/api/v1/stream?token=${encodeURIComponent(token)}`);
    for (const kind of ['ready', 'deliveries', 'attempts', 'executions'])
      source.addEventListener(kind, (event) => {
        if (kind === 'ready') {
          failures = 0;
          setState('live');
        }
        const notice = JSON.parse((event as MessageEvent<string>).data) as Notice;
        for (const listener of listeners) listener(notice);
      });
    // A used token cannot reopen the stream: close, and reconnect with a new one.
    source.onerror = () => reconnect();
  } catch {
    reconnect();
  }
}

function reconnect(): void {
  source?.close();
  source = null;
  if (!running) return;
  setState('offline');
  failures += 1;
  retryTimer = setTimeout(() => void connect(), Math.min(30_000, 1_000 * 2 ** Math.min(failures, 5)));
}

export function startLive(): void {
  if (running) return;
  running = true;
  failures = 0;
  void connect();
}

export function stopLive(): void {
  running = false;
  if (retryTimer) clearTimeout(retryTimer);
  source?.close();
  source = null;
  setState('offline');
}

/** Whether a notice is about one webhook's deliveries (a fan-out notice without ids may be). */
export const aboutWebhook =
  (id: string) =>
  (notice: Notice): boolean =>
    notice.webhook_id === id ||
    (notice.kind === 'deliveries' && (!notice.webhook_ids || notice.webhook_ids.includes(id)));

/**
 * Calls `onNotice` for matching notices, at most once per `delayMs` (a burst of attempts is one
 * reload). Views that read much per reload (a request per webhook) wait longer.
 */
export function useLive(onNotice: (notice: Notice) => void, matches: (notice: Notice) => boolean, delayMs = 300): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last: Notice | null = null;
    const listener = (notice: Notice) => {
      if (!matches(notice)) return;
      last = notice;
      timer ??= setTimeout(() => {
        timer = null;
        if (last) onNotice(last);
      }, delayMs);
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (timer) clearTimeout(timer);
    };
  }, [onNotice, matches, delayMs]);
}

export function useLiveState(): LiveState {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    stateListeners.add(setCurrent);
    return () => void stateListeners.delete(setCurrent);
  }, []);
  return current;
}
