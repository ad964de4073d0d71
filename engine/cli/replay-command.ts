/**
 * `hookline replay --webhook ID [--since …] [--until …] [--only-failed]`: re-sends the events since
 * the webhook was created (or a range of them), or only those whose delivery failed. The API
 * answers a replay once every delivery is queued, so to show real progress the range is sent as
 * consecutive windows, oldest first (receivers still get the events in order), and the bar advances
 * per finished window. The windows share no millisecond: the API's bounds are both inclusive.
 */
import type { Hookline } from '../sdk/client.js';
import { integerFlag, requireFlag, stringFlag, UsageError } from './command.js';
import { createProgress } from './progress.js';
import { EXIT, parseTime, printJson, remote, type RemoteContext } from './remote.js';

/** Windows a replay is cut into unless `--windows` says otherwise. */
const DEFAULT_WINDOWS = 10;

/** One replay window, both ends inclusive, in Unix milliseconds. */
export interface ReplayWindow {
  startMs: number;
  endMs: number;
}

/**
 * Splits `[sinceMs, untilMs]` into at most `count` adjacent, non-overlapping windows that cover it
 * exactly (never more windows than milliseconds).
 */
export function replayWindows(sinceMs: number, untilMs: number, count: number): ReplayWindow[] {
  const span = untilMs - sinceMs + 1;
  const n = Math.max(1, Math.min(count, span));
  const bound = (i: number) => sinceMs + Math.floor((i * span) / n);
  return Array.from({ length: n }, (_, i) => ({ startMs: bound(i), endMs: bound(i + 1) - 1 }));
}

async function replayAll(
  client: Hookline,
  ctx: RemoteContext,
  webhookId: string,
  windows: ReplayWindow[],
  onlyFailed: boolean,
): Promise<number> {
  const progress = createProgress(ctx.io, `replay ${webhookId}`, windows.length);
  let replayed = 0;
  try {
    for (const [i, window] of windows.entries()) {
      const result = await client.webhooks.replay(webhookId, {
        since: new Date(window.startMs),
        until: new Date(window.endMs),
        only_failed: onlyFailed,
      });
      replayed += result.replayed;
      progress.update(i + 1, `${replayed} event(s) queued`);
    }
  } catch (error) {
    progress.finish();
    // Part of the range is already queued: say how much, so a rerun can start from a later point.
    if (replayed > 0) ctx.io.err(`${replayed} event(s) were queued before the failure`);
    throw error;
  }
  progress.finish();
  return replayed;
}

/**
 * The range to replay: from `--since` (never before the webhook was created: nothing older is
 * replayed) or the webhook's creation, to `--until` or now.
 */
async function replayRange(client: Hookline, ctx: RemoteContext, webhookId: string): Promise<ReplayWindow> {
  const nowMs = Date.now();
  const sinceText = stringFlag(ctx.flags, 'since');
  const untilText = stringFlag(ctx.flags, 'until');
  const since = sinceText === undefined ? undefined : parseTime(sinceText, 'since', nowMs);
  const until = untilText === undefined ? new Date(nowMs) : parseTime(untilText, 'until', nowMs);
  if (since && since.getTime() > until.getTime()) throw new UsageError('--since must not be after --until');
  // Also answers NOT_FOUND for an unknown webhook before anything is sent.
  const createdMs = Date.parse((await client.webhooks.get(webhookId)).created_at);
  return { startMs: Math.max(since?.getTime() ?? createdMs, createdMs), endMs: until.getTime() };
}

/** The `replay` command. */
export const replayCommand = remote({
  name: 'replay',
  summary: 'Send a webhook its events again (since it was created, or a range), or only the failed ones.',
  flags: {
    webhook: { type: 'string', value: 'ID', doc: 'the webhook to replay to (required)' },
    since: {
      type: 'string',
      value: 'TIME',
      doc: 'start: ISO date-time or a duration ago (2h, 7d) (default: when the webhook was created)',
    },
    until: { type: 'string', value: 'TIME', doc: 'end (default now)' },
    'only-failed': { type: 'boolean', doc: 'only events whose delivery to this webhook did not succeed (recover)' },
    windows: {
      type: 'string',
      value: 'N',
      doc: `send the range as N consecutive windows, one progress step each (default ${DEFAULT_WINDOWS})`,
    },
  },
  notes: [
    'Example: hookline replay --webhook wh_123 --since 2h --only-failed',
    'Events older than the webhook are never sent. Progress is drawn on stderr; the result goes to stdout.',
  ],
  async run(client, ctx) {
    const webhookId = requireFlag(ctx.flags, 'webhook');
    const count = integerFlag(ctx.flags, 'windows') ?? DEFAULT_WINDOWS;
    if (count < 1 || count > 1000) throw new UsageError('--windows must be between 1 and 1000');
    const onlyFailed = ctx.flags['only-failed'] === true;
    const range = await replayRange(client, ctx, webhookId);
    // A range that ends before the webhook existed holds nothing to send.
    const windows = range.endMs < range.startMs ? [] : replayWindows(range.startMs, range.endMs, count);
    const replayed = await replayAll(client, ctx, webhookId, windows, onlyFailed);
    const summary = {
      success: true,
      webhook_id: webhookId,
      replayed,
      since: new Date(range.startMs).toISOString(),
      until: new Date(range.endMs).toISOString(),
      only_failed: onlyFailed,
      windows: windows.length,
    };
    if (ctx.json) printJson(ctx, summary);
    else
      ctx.io.out(
        `Replayed ${replayed} ${onlyFailed ? 'failed ' : ''}event(s) to ${webhookId} from ${summary.since} to ${summary.until}`,
      );
    return EXIT.ok;
  },
});
