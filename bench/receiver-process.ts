/**
 * The webhook receiver of the benchmarks, in its own process so its event loop is not the one
 * being measured. A bare `node:http` server answering `200 ok`: the receiver should cost as
 * little as possible, so the figures show the sender's cost.
 *
 * From each body it reads `"seq"` (per-endpoint order: the URL path is the endpoint) and `"t"`
 * (when the sender published it, epoch ms) with regular expressions instead of JSON.parse, again
 * to stay cheap. Commands: `stats`, `reset`, `waitFor`, `down` (refuse connections), `up`, `hang`,
 * `behave` (how to answer: see {@link Behaviour}; only 2xx answers are counted), and `recordIds`
 * then `arrivals` (every 2xx-answered request's `webhook-id`, by path, in arrival order).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { failStart, serveParent } from './child.js';
import { percentile, wallClockMs } from './stats.js';

const SEQ = /"seq":(\d+)/;
const SENT_AT = /"t":([\d.]+)/;

interface Tally {
  count: number;
  firstAtMs: number;
  lastAtMs: number;
  outOfOrder: number;
  duplicates: number;
  latenciesMs: number[];
  /** When each counted request arrived, in order (the backlog figure's drain profile). */
  arrivalsMs: number[];
  lastSeqByEndpoint: Map<string, number>;
}

const fresh = (): Tally => ({
  count: 0,
  firstAtMs: 0,
  lastAtMs: 0,
  outOfOrder: 0,
  duplicates: 0,
  latenciesMs: [],
  arrivalsMs: [],
  lastSeqByEndpoint: new Map(),
});
let tally = fresh();

/**
 * How the receiver answers: `ok` (200), `hang` (reads each request and never answers: the sender's
 * timeout ends it, or a later `behave` releases it), `status` (that status, e.g. 500), `reset` (a
 * TCP reset instead of an answer), `huge` (200 with a body of `bytes`, streamed as it is read).
 */
export type Behaviour =
  | { kind: 'ok' }
  | { kind: 'hang' }
  | { kind: 'status'; status: number }
  | { kind: 'reset' }
  | { kind: 'huge'; bytes: number };

let behaviour: Behaviour = { kind: 'ok' };
/** Requests held by `hang`, answered when the behaviour changes (unless their sender gave up). */
const held = new Map<ServerResponse, { path: string; body: string }>();
let peakHeld = 0;
let waiters: Array<{ count: number; resolve(): void }> = [];

/** With `recordIds`: each path's `webhook-id`s in arrival order (the crash proof reads them). */
let arrivals: Map<string, string[]> | null = null;

function record(path: string, body: string, webhookId: string | undefined): void {
  if (arrivals && webhookId) {
    const ids = arrivals.get(path) ?? [];
    if (ids.length === 0) arrivals.set(path, ids);
    ids.push(webhookId);
  }
  const nowMs = wallClockMs();
  tally.count++;
  if (tally.firstAtMs === 0) tally.firstAtMs = nowMs;
  tally.lastAtMs = nowMs;
  tally.arrivalsMs.push(nowMs);
  const sentAt = SENT_AT.exec(body);
  if (sentAt) tally.latenciesMs.push(nowMs - Number(sentAt[1]));
  const seq = SEQ.exec(body);
  if (seq) checkOrder(path, Number(seq[1]));
  if (waiters.length > 0 && waiters.some((w) => tally.count >= w.count)) {
    for (const waiter of waiters.filter((w) => tally.count >= w.count)) waiter.resolve();
    waiters = waiters.filter((w) => tally.count < w.count);
  }
}

/** A repeat of the last seq is an at-least-once duplicate; anything lower is out of order. */
function checkOrder(endpoint: string, seq: number): void {
  const last = tally.lastSeqByEndpoint.get(endpoint);
  if (last !== undefined && seq === last) tally.duplicates++;
  else if (last !== undefined && seq < last) tally.outOfOrder++;
  tally.lastSeqByEndpoint.set(endpoint, Math.max(seq, last ?? -1));
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => answer(req, res, req.url ?? '/', Buffer.concat(chunks).toString('utf8')));
}

function answer(req: IncomingMessage, res: ServerResponse, path: string, body: string): void {
  switch (behaviour.kind) {
    case 'hang':
      held.set(res, { path, body });
      peakHeld = Math.max(peakHeld, held.size);
      res.on('close', () => held.delete(res));
      return;
    case 'reset':
      return void req.socket.resetAndDestroy();
    case 'status':
      res.writeHead(behaviour.status, { 'content-type': 'text/plain' });
      return void res.end('failing');
    case 'huge':
      record(path, body, req.headers['webhook-id'] as string | undefined);
      res.writeHead(200, { 'content-type': 'text/plain' });
      // The sender stops reading and closes: the stream then ends with an error, not a crash.
      res.on('error', () => undefined);
      return void Readable.from(filler(behaviour.bytes)).pipe(res);
    default:
      record(path, body, req.headers['webhook-id'] as string | undefined);
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
      res.end('ok');
  }
}

/** `bytes` of filler in 64 KiB chunks, made as the client reads them. */
function* filler(bytes: number): Generator<Buffer> {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  for (let left = bytes; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
}

/** Changes how requests are answered; held ones are answered the new way (if their sender still waits). */
function behave(next: Behaviour): void {
  behaviour = next;
  if (next.kind === 'hang') return;
  for (const [res, { path, body }] of held) {
    held.delete(res);
    if (!res.destroyed) answer(res.req, res, path, body);
  }
}

/** When the count reached 0 %, 10 %, … 100 % of what arrived: eleven times, or none before any arrival. */
function tenths(arrivalsMs: readonly number[]): number[] {
  if (arrivalsMs.length === 0) return [];
  return Array.from(
    { length: 11 },
    (_, i) => arrivalsMs[Math.min(arrivalsMs.length - 1, Math.floor((i * arrivalsMs.length) / 10))],
  );
}

function stats() {
  const { latenciesMs } = tally;
  return {
    count: tally.count,
    tenthsMs: tenths(tally.arrivalsMs),
    firstAtMs: tally.firstAtMs,
    lastAtMs: tally.lastAtMs,
    outOfOrder: tally.outOfOrder,
    duplicates: tally.duplicates,
    endpoints: tally.lastSeqByEndpoint.size,
    held: held.size,
    peakHeld,
    latencyP50Ms: percentile(latenciesMs, 50),
    latencyP99Ms: percentile(latenciesMs, 99),
    latencyMaxMs: percentile(latenciesMs, 100),
  };
}

/**
 * Polls `url` one request at a time for `durationMs` and returns each answer's latency: a health
 * probe as an orchestrator runs it, from a process the load generator does not slow down.
 */
async function probe({ url, durationMs, everyMs }: { url: string; durationMs: number; everyMs: number }) {
  const latenciesMs: number[] = [];
  let failed = 0;
  // The first fetch loads undici and opens the connection (hundreds of ms): not the server's answer
  // time. A macrotask turn then lets the connection return to undici's pool, so the probes reuse it;
  // otherwise the next probe opens a second one in the middle of the load's connection storm.
  await fetch(url).then((response) => response.arrayBuffer());
  await new Promise((resolve) => setTimeout(resolve, 0));
  const endAt = performance.now() + durationMs;
  while (performance.now() < endAt) {
    const started = performance.now();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
      await response.arrayBuffer();
      if (!response.ok) failed++;
    } catch {
      failed++;
    }
    latenciesMs.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return {
    count: latenciesMs.length,
    failed,
    p99Ms: percentile(latenciesMs, 99),
    maxMs: percentile(latenciesMs, 100),
    slowest: latenciesMs
      .map((ms, i) => [i, Math.round(ms)])
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6),
  };
}

async function main(): Promise<void> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const waitFor = ({ count, timeoutMs }: { count: number; timeoutMs: number }) =>
    new Promise((resolve, reject) => {
      if (tally.count >= count) return resolve(stats());
      const timer = setTimeout(
        () => reject(new Error(`receiver got ${tally.count} of ${count} requests in ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiters.push({ count, resolve: () => (clearTimeout(timer), resolve(stats())) });
    });
  serveParent(
    {
      stats,
      reset: () => void (tally = fresh()),
      waitFor,
      // Down means refused connections, as when a receiver's process is gone.
      down: () => new Promise<void>((resolve) => (server.close(() => resolve()), server.closeAllConnections())),
      hang: () => behave({ kind: 'hang' }),
      recordIds: () => void (arrivals ??= new Map()),
      arrivals: () => Object.fromEntries(arrivals ?? []),
      behave,
      probe,
      up: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    },
    { url: `http://127.0.0.1:${port}`, port },
    async () => void server.close(),
  );
}

main().catch(failStart);
