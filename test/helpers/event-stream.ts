/** A server-sent events client for tests: opens a stream with fetch and waits for named events. */
export interface StreamEvent {
  event: string;
  data: unknown;
}

export interface OpenStream {
  status: number;
  headers: Headers;
  /** Resolves with the next event named `name` (earlier ones of other names are kept, not lost). */
  next(name: string, timeoutMs?: number): Promise<StreamEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<OpenStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const received: StreamEvent[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  const ended = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) received.push({ event, data: JSON.parse(data) as unknown });
          for (const wake of waiters.splice(0)) wake();
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    status: response.status,
    headers: response.headers,
    ended,
    async next(name, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = received.findIndex((e) => e.event === name);
        if (index >= 0) return received.splice(index, 1)[0];
        const leftMs = deadline - Date.now();
        if (leftMs <= 0) throw new Error(`no '${name}' event within ${timeoutMs} ms`);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((wake) => waiters.push(wake)),
          new Promise<void>((wake) => (timer = setTimeout(wake, leftMs))),
          ended,
        ]);
        clearTimeout(timer);
        if (received.findIndex((e) => e.event === name) < 0 && (await isSettled(ended)))
          throw new Error(`stream ended before a '${name}' event`);
      }
    },
    close: () => abort.abort(),
  };
}

async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  return Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => setImmediate(() => resolve(false))),
  ]);
}
