/** `hookline events get|erase|publish`: stored events by id (`hookline events` alone lists the catalog). */
import type { CommandSpec } from './command.js';
import { PUBLISH_COMMAND } from './event-types-command.js';
import { details } from './format.js';
import { EXIT, printJson, remote } from './remote.js';

const get = remote({
  name: 'events get',
  summary: 'Show one stored event: its type, time and data (none once erased).',
  args: ['EVENT_ID'],
  async run(client, ctx) {
    const event = await client.events.get(ctx.args[0]);
    if (ctx.json) return (printJson(ctx, event), EXIT.ok);
    const lines = details([
      ['ID', event.id],
      ['Type', event.type],
      ['Time', event.timestamp],
      ['Erased', event.erased_at ?? 'no'],
      ['Data', event.data],
      ['Metadata', event.metadata],
    ]);
    for (const line of lines) ctx.io.out(line);
    return EXIT.ok;
  },
});

const erase = remote({
  name: 'events erase',
  summary: "Erase an event's content: its data, its deliveries' payloads and their attempts' excerpts.",
  args: ['EVENT_ID'],
  notes: [
    'The event and its deliveries stay on record, marked erased; deliveries not sent yet are closed as',
    "failed ('content erased') and are never sent. Running it again changes nothing more.",
  ],
  async run(client, ctx) {
    const erased = await client.events.eraseContent(ctx.args[0]);
    if (ctx.json) return (printJson(ctx, erased), EXIT.ok);
    ctx.io.out(
      `${erased.event_id} erased: ${erased.deliveries} deliver${erased.deliveries === 1 ? 'y' : 'ies'} emptied ` +
        `(${erased.closed_deliveries} not sent yet, now closed), ${erased.attempts} attempt excerpt(s) cleared`,
    );
    return EXIT.ok;
  },
});

/** `events get`, `events erase`, `events publish`. */
export const EVENT_COMMANDS: CommandSpec[] = [get, erase, PUBLISH_COMMAND];
