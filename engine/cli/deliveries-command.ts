/** `hookline deliveries list|get|retry` and `hookline replay`. */
import type { Delivery, DeliveryStatusFilter } from '../sdk/delivery-types.js';
import { type CommandSpec, type Flags, integerFlag, requireFlag, stringFlag, UsageError } from './command.js';
import { details, table } from './format.js';
import { EXIT, parseTime, printJson, remote } from './remote.js';
import { replayCommand } from './replay-command.js';

const STATUSES = ['pending', 'in_flight', 'succeeded', 'success', 'retrying', 'failed', 'expired', 'undelivered'];
const webhookFlag = { type: 'string', value: 'ID', doc: 'the webhook the delivery belongs to (required)' } as const;

/** `--status failed,expired`: each word checked here, so a typo is a usage error, not a 400. */
function statusFlag(flags: Flags): DeliveryStatusFilter[] | undefined {
  const status = stringFlag(flags, 'status');
  if (status === undefined) return undefined;
  const words = status.split(',');
  for (const word of words)
    if (!STATUSES.includes(word))
      throw new UsageError(`--status takes ${STATUSES.join(', ')} (or a comma list of them), got '${status}'`);
  return words as DeliveryStatusFilter[];
}

const list = remote({
  name: 'deliveries list',
  summary: 'List deliveries, newest first: of one webhook, or across all (e.g. everything failed).',
  flags: {
    webhook: { type: 'string', value: 'ID', doc: 'only this webhook’s deliveries' },
    status: { type: 'string', value: 'STATUS', doc: `${STATUSES.join('|')}, or a comma list` },
    'event-type': { type: 'string', value: 'TYPE', doc: 'only this event type' },
    'event-id': { type: 'string', value: 'ID', doc: 'only this event’s deliveries' },
    cursor: { type: 'string', value: 'CURSOR', doc: 'the next page, as the previous one printed it' },
    since: { type: 'string', value: 'TIME', doc: 'ISO date-time or a duration ago (2h, 7d)' },
    until: { type: 'string', value: 'TIME', doc: 'ISO date-time or a duration ago' },
    limit: { type: 'string', value: 'N', doc: 'page size (default 50)' },
    offset: { type: 'string', value: 'N', doc: 'skip this many' },
  },
  async run(client, ctx) {
    const since = stringFlag(ctx.flags, 'since');
    const until = stringFlag(ctx.flags, 'until');
    const options = {
      status: statusFlag(ctx.flags),
      eventType: stringFlag(ctx.flags, 'event-type'),
      eventId: stringFlag(ctx.flags, 'event-id'),
      cursor: stringFlag(ctx.flags, 'cursor'),
      limit: integerFlag(ctx.flags, 'limit'),
      offset: integerFlag(ctx.flags, 'offset'),
      timeRange: {
        start: since === undefined ? undefined : parseTime(since, 'since'),
        end: until === undefined ? undefined : parseTime(until, 'until'),
      },
    };
    const webhookId = stringFlag(ctx.flags, 'webhook');
    const page = webhookId
      ? await client.webhooks.getDeliveries(webhookId, options)
      : await client.deliveries.list(options);
    if (ctx.json) return (printJson(ctx, page), EXIT.ok);
    for (const line of deliveryTable(page.deliveries)) ctx.io.out(line);
    ctx.io.err(`${page.deliveries.length} deliver${page.deliveries.length === 1 ? 'y' : 'ies'}`);
    if (page.next_cursor) ctx.io.err(`more: --cursor ${page.next_cursor}`);
    return EXIT.ok;
  },
});

function deliveryTable(rows: Delivery[]): string[] {
  return table(rows, [
    { header: 'ID', cell: (d) => d.id },
    { header: 'WEBHOOK', cell: (d) => d.webhook_id },
    { header: 'EVENT', cell: (d) => d.event, maxWidth: 32 },
    { header: 'STATUS', cell: (d) => d.status },
    { header: 'ATTEMPTS', cell: (d) => d.attempts },
    { header: 'LAST CODE', cell: (d) => d.last_status_code },
    { header: 'CREATED', cell: (d) => d.created_at },
    { header: 'LAST ERROR', cell: (d) => d.last_error, maxWidth: 40 },
  ]);
}

const get = remote({
  name: 'deliveries get',
  summary: 'Show one delivery with its payload and every attempt.',
  args: ['DELIVERY_ID'],
  flags: { webhook: webhookFlag },
  async run(client, ctx) {
    const delivery = await client.webhooks.getDelivery(requireFlag(ctx.flags, 'webhook'), ctx.args[0]);
    if (ctx.json) return (printJson(ctx, delivery), EXIT.ok);
    const lines = details([
      ['ID', delivery.id],
      ['Webhook', delivery.webhook_id],
      ['Event', `${delivery.event} (${delivery.event_id})`],
      ['Status', delivery.status],
      ['Attempts', delivery.attempts],
      ['Next attempt', delivery.next_attempt_at],
      ['Created', delivery.created_at],
      ['Completed', delivery.completed_at],
    ]);
    for (const line of lines) ctx.io.out(line);
    ctx.io.out('');
    if (delivery.attempt_log.length === 0) return (ctx.io.out('No attempts yet.'), EXIT.ok);
    const attempts = table(delivery.attempt_log, [
      { header: '#', cell: (a) => a.attempt },
      { header: 'TIME', cell: (a) => a.timestamp },
      { header: 'CODE', cell: (a) => a.response_code ?? a.error_code },
      { header: 'MS', cell: (a) => a.response_time_ms },
      { header: 'RESPONSE', cell: (a) => a.error ?? a.response_body, maxWidth: 50 },
    ]);
    for (const line of attempts) ctx.io.out(line);
    return EXIT.ok;
  },
});

const retry = remote({
  name: 'deliveries retry',
  summary: 'Send a delivery again now.',
  args: ['DELIVERY_ID'],
  flags: { webhook: webhookFlag },
  async run(client, ctx) {
    const delivery = await client.webhooks.retryDelivery(requireFlag(ctx.flags, 'webhook'), ctx.args[0]);
    if (ctx.json) printJson(ctx, delivery);
    else ctx.io.out(`${delivery.id} queued (${delivery.status})`);
    return EXIT.ok;
  },
});

/** `deliveries …` and `replay`. */
export const DELIVERY_COMMANDS: CommandSpec[] = [list, get, retry, replayCommand];
