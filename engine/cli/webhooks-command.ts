/** `hookline webhooks list|create|get|update|delete|enable|disable|rotate-secret|test`. */
import type { Webhook, WebhookWithSecret } from '../sdk/types.js';
import { type CommandSpec, integerFlag, stringFlag, UsageError } from './command.js';
import { details, table } from './format.js';
import { EXIT, printJson, remote, type RemoteContext } from './remote.js';
import { WEBHOOK_INPUT_FLAGS, webhookInput } from './webhook-input.js';

/** The `key: value` view of one webhook. */
function webhookDetails(w: Webhook): string[] {
  const stats = w.delivery_stats;
  return details([
    ['ID', w.id],
    ['Name', w.name],
    ['URL', w.url],
    ['Events', w.events.join(', ')],
    ['Status', w.disabled_reason ? `${w.status} (${w.disabled_reason})` : w.status],
    ['Organization', w.organization],
    ['Signature', `${w.signature_scheme}${w.signature_header ? ` in ${w.signature_header}` : ''}`],
    ['Timeout', `${w.timeout_ms} ms`],
    ['Filters', w.filters],
    [
      'Deliveries',
      `${stats.successful_deliveries} ok, ${stats.failed_deliveries} failed, ${stats.pending_deliveries} pending`,
    ],
    ['Last delivery', w.last_delivery],
    ['Created', w.created_at],
  ]);
}

/** Prints a webhook that carries its secret, which the API shows only now. */
function printWithSecret(ctx: RemoteContext, w: WebhookWithSecret): number {
  if (ctx.json) return (printJson(ctx, w), EXIT.ok);
  for (const line of webhookDetails(w)) ctx.io.out(line);
  ctx.io.out(`Secret:        ${w.secret}`);
  if (w.public_key) ctx.io.out(`Public key:    ${w.public_key}`);
  ctx.io.err('Store the secret now: it is not shown again.');
  return EXIT.ok;
}

const idArg = ['ID'];

const list = remote({
  name: 'webhooks list',
  summary: 'List webhooks with their delivery counts.',
  flags: {
    limit: { type: 'string', value: 'N', doc: 'page size (default 50)' },
    offset: { type: 'string', value: 'N', doc: 'skip this many' },
    cursor: { type: 'string', value: 'CURSOR', doc: 'next_cursor of the previous page' },
    organization: { type: 'string', value: 'ORG', doc: 'only this organization' },
    status: { type: 'string', value: 'active|disabled', doc: 'only active or only disabled webhooks' },
  },
  async run(client, ctx) {
    const status = stringFlag(ctx.flags, 'status');
    if (status !== undefined && status !== 'active' && status !== 'disabled')
      throw new UsageError(`--status must be active or disabled, got '${status}'`);
    const page = await client.webhooks.list({
      limit: integerFlag(ctx.flags, 'limit'),
      offset: integerFlag(ctx.flags, 'offset'),
      cursor: stringFlag(ctx.flags, 'cursor'),
      organization: stringFlag(ctx.flags, 'organization'),
      status,
    });
    if (ctx.json) return (printJson(ctx, page), EXIT.ok);
    const rows = table(page.webhooks, [
      { header: 'ID', cell: (w) => w.id },
      { header: 'NAME', cell: (w) => w.name, maxWidth: 24 },
      { header: 'URL', cell: (w) => w.url, maxWidth: 40 },
      { header: 'EVENTS', cell: (w) => w.events.join(','), maxWidth: 30 },
      { header: 'STATUS', cell: (w) => w.status },
      {
        header: 'OK/FAILED/PENDING',
        cell: (w) =>
          `${w.delivery_stats.successful_deliveries}/${w.delivery_stats.failed_deliveries}/${w.delivery_stats.pending_deliveries}`,
      },
      { header: 'LAST DELIVERY', cell: (w) => w.last_delivery },
    ]);
    for (const line of rows) ctx.io.out(line);
    ctx.io.err(
      `${page.webhooks.length} of ${page.total} webhook(s)${page.next_cursor ? `; next page: --cursor ${page.next_cursor}` : ''}`,
    );
    return EXIT.ok;
  },
});

const create = remote({
  name: 'webhooks create',
  summary: 'Create a webhook from flags and/or --data/--file; prints its secret once.',
  flags: WEBHOOK_INPUT_FLAGS,
  notes: [
    'Example: hookline webhooks create --url https://example.com/hook --events order.completed,order.refunded --name Orders',
  ],
  run: async (client, ctx) => printWithSecret(ctx, await client.webhooks.create(await webhookInput(ctx.flags))),
});

const update = remote({
  name: 'webhooks update',
  summary: 'Change the given fields of a webhook; the others stay as they are.',
  args: idArg,
  flags: {
    ...WEBHOOK_INPUT_FLAGS,
    secret: {
      type: 'string',
      value: 'SECRET',
      doc: 'new signing secret (prefer rotate-secret, which keeps the old one for the overlap)',
    },
  },
  async run(client, ctx) {
    const webhook = await client.webhooks.update(ctx.args[0], await webhookInput(ctx.flags));
    if (ctx.json) return (printJson(ctx, webhook), EXIT.ok);
    for (const line of webhookDetails(webhook)) ctx.io.out(line);
    return EXIT.ok;
  },
});

const get = remote({
  name: 'webhooks get',
  summary: 'Show one webhook.',
  args: idArg,
  async run(client, ctx) {
    const webhook = await client.webhooks.get(ctx.args[0]);
    if (ctx.json) return (printJson(ctx, webhook), EXIT.ok);
    for (const line of webhookDetails(webhook)) ctx.io.out(line);
    return EXIT.ok;
  },
});

const remove = remote({
  name: 'webhooks delete',
  summary: 'Delete a webhook and its pending deliveries.',
  args: idArg,
  async run(client, ctx) {
    const result = await client.webhooks.delete(ctx.args[0]);
    if (ctx.json) printJson(ctx, result);
    else ctx.io.out(`Deleted ${result.id}`);
    return EXIT.ok;
  },
});

function toggle(action: 'enable' | 'disable'): CommandSpec {
  return remote({
    name: `webhooks ${action}`,
    summary:
      action === 'enable'
        ? 'Resume deliveries to a webhook.'
        : 'Pause deliveries to a webhook (events are still recorded for a replay).',
    args: idArg,
    async run(client, ctx) {
      const webhook = await client.webhooks[action](ctx.args[0]);
      if (ctx.json) printJson(ctx, webhook);
      else ctx.io.out(`${webhook.id} is ${webhook.status}`);
      return EXIT.ok;
    },
  });
}

const rotate = remote({
  name: 'webhooks rotate-secret',
  summary: 'Replace the signing secret; the old one keeps signing during the overlap.',
  args: idArg,
  flags: { secret: { type: 'string', value: 'SECRET', doc: 'the new secret (generated when left out)' } },
  async run(client, ctx) {
    const webhook = await client.webhooks.rotateSecret(ctx.args[0], stringFlag(ctx.flags, 'secret'));
    if (ctx.json) return (printJson(ctx, webhook), EXIT.ok);
    ctx.io.out(`New secret:  ${webhook.secret}`);
    if (webhook.public_key) ctx.io.out(`Public key:  ${webhook.public_key}`);
    if (webhook.secret_rotation)
      ctx.io.out(`Old secret signs until ${webhook.secret_rotation.previous_secret_expires_at}`);
    return EXIT.ok;
  },
});

const test = remote({
  name: 'webhooks test',
  summary: 'Send a test event now and show what the receiver answered.',
  args: idArg,
  flags: {
    event: { type: 'string', value: 'TYPE', doc: 'event type (default webhook.test)' },
    data: { type: 'string', value: 'JSON', doc: 'event data as JSON' },
  },
  notes: ['Exit code 1 when the receiver did not answer 2xx.'],
  async run(client, ctx) {
    const data = stringFlag(ctx.flags, 'data');
    let parsed: unknown;
    try {
      parsed = data === undefined ? undefined : JSON.parse(data);
    } catch (error) {
      throw new UsageError(`--data is not valid JSON: ${(error as Error).message}`);
    }
    const result = await client.webhooks.test(ctx.args[0], { event: stringFlag(ctx.flags, 'event'), data: parsed });
    if (ctx.json) printJson(ctx, result);
    else {
      const outcome = `${result.success ? 'OK' : 'FAILED'}  ${result.status_code ?? result.error_code}`;
      ctx.io.out(`${outcome}  ${result.response_time_ms} ms  ${result.error ?? result.response_body ?? ''}`.trimEnd());
    }
    return result.success ? EXIT.ok : EXIT.failed;
  },
});

/** Every `webhooks …` command. */
export const WEBHOOK_COMMANDS: CommandSpec[] = [
  list,
  create,
  get,
  update,
  remove,
  toggle('enable'),
  toggle('disable'),
  rotate,
  test,
];
