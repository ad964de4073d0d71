/**
 * `hookline replay --webhook ID --since … [--until …]`: re-sends a time range. The API answers a
 * replay once every delivery is queued, so to show real progress the range is sent as consecutive
 * windows, oldest first (receivers still get the events in order), and the bar advances per
 * finished window. The windows share no millisecond: the API's bounds are both inclusive.
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
): Promise<number> {
  const progress = createProgress(ctx.io, `replay ${webhookId}`, windows.length);
  let replayed = 0;
  try {
    for (const [i, window] of windows.entries()) {
      const result = await client.webhooks.replay(webhookId, {
        since: new Date(window.startMs),
        until: new Date(window.endMs),
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

/** The `replay` command. */
export const replayCommand = remote({
  name: 'replay',
  summary: 'Send a webhook every matching event of a time range again (recover after an outage).',
  flags: {
    webhook: { type: 'string', value: 'ID', doc: 'the webhook to replay to (required)' },
    since: { type: 'string', value: 'TIME', doc: 'start: ISO date-time or a duration ago (2h, 7d) (required)' },
    until: { type: 'string', value: 'TIME', doc: 'end (default now)' },
    windows: {
      type: 'string',
      value: 'N',
      doc: `send the range as N consecutive windows, one progress step each (default ${DEFAULT_WINDOWS})`,
    },
  },
  notes: [
    'Example: hookline replay --webhook wh_123 --since 2h',
    'Progress is drawn on stderr; the result goes to stdout.',
  ],
  async run(client, ctx) {
    const webhookId = requireFlag(ctx.flags, 'webhook');
    const nowMs = Date.now();
    const since = parseTime(requireFlag(ctx.flags, 'since'), 'since', nowMs);
    const untilText = stringFlag(ctx.flags, 'until');
    const until = untilText === undefined ? new Date(nowMs) : parseTime(untilText, 'until', nowMs);
    if (since.getTime() > until.getTime()) throw new UsageError('--since must not be after --until');
    const count = integerFlag(ctx.flags, 'windows') ?? DEFAULT_WINDOWS;
    if (count < 1 || count > 1000) throw new UsageError('--windows must be between 1 and 1000');
    const windows = replayWindows(since.getTime(), until.getTime(), count);
    const replayed = await replayAll(client, ctx, webhookId, windows);
    const summary = {
      success: true,
      webhook_id: webhookId,
      replayed,
      since: since.toISOString(),
      until: until.toISOString(),
      windows: windows.length,
    };
    if (ctx.json) printJson(ctx, summary);
    else ctx.io.out(`Replayed ${replayed} event(s) to ${webhookId} from ${summary.since} to ${summary.until}`);
    return EXIT.ok;
  },
});
