/**
 * `hookline event-types list|get|register|remove`: publishers' JSON Schemas for their own event
 * types, and `hookline events publish` (with `--idempotency-key`), which the API checks against them.
 */
import { readFile } from 'node:fs/promises';
import { type CommandSpec, type Flags, stringFlag, UsageError } from './command.js';
import { details, table } from './format.js';
import { EXIT, printJson, remote } from './remote.js';

/** A JSON flag given inline (`{…}`) or as a file path. */
async function jsonFlag(flags: Flags, name: string): Promise<unknown> {
  const value = stringFlag(flags, name);
  if (value === undefined) return undefined;
  const inline = /^\s*[[{]/.test(value);
  const text = inline
    ? value
    : await readFile(value, 'utf8').catch((error: Error) => {
        throw new UsageError(`--${name}: ${error.message}`);
      });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--${name} is not valid JSON: ${(error as Error).message}`);
  }
}

const list = remote({
  name: 'event-types list',
  summary: 'List the event types that have a registered data schema.',
  async run(client, ctx) {
    const types = await client.eventTypes.list();
    if (ctx.json) return (printJson(ctx, types), EXIT.ok);
    const rows = table(types, [
      { header: 'TYPE', cell: (t) => t.type },
      { header: 'VERSION', cell: (t) => t.version },
      { header: 'UPDATED', cell: (t) => t.updated_at },
      { header: 'DESCRIPTION', cell: (t) => t.description },
    ]);
    for (const line of rows) ctx.io.out(line);
    return EXIT.ok;
  },
});

const get = remote({
  name: 'event-types get',
  summary: "Show one event type's registered data schema.",
  args: ['TYPE'],
  async run(client, ctx) {
    const type = await client.eventTypes.get(ctx.args[0]);
    if (ctx.json) return (printJson(ctx, type), EXIT.ok);
    const lines = details([
      ['Type', type.type],
      ['Description', type.description ?? ''],
      ['Version', type.version],
      ['Updated', type.updated_at],
      ['Schema', type.schema],
    ]);
    for (const line of lines) ctx.io.out(line);
    return EXIT.ok;
  },
});

const register = remote({
  name: 'event-types register',
  summary: "Register or replace the JSON Schema of an event type's data.",
  args: ['TYPE'],
  flags: {
    schema: { type: 'string', value: 'FILE|JSON', doc: 'the JSON Schema: a file, or inline JSON' },
    description: { type: 'string', value: 'TEXT', doc: 'what the event means' },
  },
  notes: [
    'Published events of TYPE are then checked against it (400 INVALID_INPUT naming the path).',
    'Example: hookline event-types register order.completed --schema schemas/order-completed.json',
  ],
  async run(client, ctx) {
    const schema = await jsonFlag(ctx.flags, 'schema');
    if (!schema || typeof schema !== 'object' || Array.isArray(schema))
      throw new UsageError('--schema is required and must be a JSON object');
    const description = stringFlag(ctx.flags, 'description');
    const type = await client.eventTypes.register(ctx.args[0], {
      schema: schema as Record<string, unknown>,
      ...(description !== undefined ? { description } : {}),
    });
    if (ctx.json) return (printJson(ctx, type), EXIT.ok);
    ctx.io.out(`${type.type} registered (version ${type.version})`);
    return EXIT.ok;
  },
});

const remove = remote({
  name: 'event-types remove',
  summary: "Remove an event type's schema: its events are no longer checked.",
  args: ['TYPE'],
  async run(client, ctx) {
    const removed = await client.eventTypes.remove(ctx.args[0]);
    if (ctx.json) return (printJson(ctx, removed), EXIT.ok);
    ctx.io.out(`${removed.type} removed`);
    return EXIT.ok;
  },
});

const publish = remote({
  name: 'events publish',
  summary: 'Publish an event to every matching webhook.',
  args: ['TYPE'],
  flags: {
    data: { type: 'string', value: 'FILE|JSON', doc: "the event's data: a file, or inline JSON (default {})" },
    metadata: { type: 'string', value: 'FILE|JSON', doc: 'metadata object' },
    'idempotency-key': { type: 'string', value: 'KEY', doc: 'publish once per key (a repeat answers with the first)' },
  },
  async run(client, ctx) {
    const data = (await jsonFlag(ctx.flags, 'data')) ?? {};
    const metadata = await jsonFlag(ctx.flags, 'metadata');
    const idempotencyKey = stringFlag(ctx.flags, 'idempotency-key');
    const result = await client.events.publish(
      { type: ctx.args[0], data, ...(metadata !== undefined ? { metadata: metadata as Record<string, unknown> } : {}) },
      { idempotencyKey },
    );
    if (ctx.json) return (printJson(ctx, result), EXIT.ok);
    const repeat = result.duplicate ? ' (a repeat of its Idempotency-Key: nothing new published)' : '';
    ctx.io.out(`${result.event_id} ${result.type}: ${result.deliveries} matching webhook(s)${repeat}`);
    return EXIT.ok;
  },
});

/** `event-types …`, and `events publish`. */
export const EVENT_TYPE_COMMANDS: CommandSpec[] = [list, get, register, remove];
export const PUBLISH_COMMAND = publish;
