/**
 * The body of `webhooks create|update`: `--data JSON` or `--file PATH` (any API field, in either
 * seed spelling) with the common fields as flags on top; a flag wins over the same field in JSON.
 */
import { readFile } from 'node:fs/promises';
import type { WebhookInput } from '../sdk/types.js';
import { type FlagSpec, type Flags, integerFlag, listFlag, stringFlag, UsageError } from './command.js';

/** Flags of create and update. */
export const WEBHOOK_INPUT_FLAGS: Record<string, FlagSpec> = {
  url: {
    type: 'string',
    value: 'URL',
    doc: 'the receiver’s URL (here --url is the webhook’s; give the engine with --api-url or HOOKLINE_URL)',
  },
  events: { type: 'string', value: 'A,B', doc: 'event types or patterns, comma-separated (order.*, *)' },
  name: { type: 'string', value: 'NAME', doc: 'display name' },
  description: { type: 'string', value: 'TEXT', doc: 'description' },
  organization: { type: 'string', value: 'ORG', doc: 'organization (workspace)' },
  secret: { type: 'string', value: 'SECRET', doc: 'signing secret (generated when left out)' },
  scheme: {
    type: 'string',
    value: 'SCHEME',
    doc: 'signature scheme: standard-webhooks, ed25519, hex, sha256, timestamped, stripe, none',
  },
  profile: {
    type: 'string',
    value: 'PROFILE',
    doc: 'a seed’s wire format: admin-do, aetherflow, agenticflow, unified, admin (other flags override it)',
  },
  header: {
    type: 'string',
    multiple: true,
    value: "'NAME: VALUE'",
    doc: 'extra request header sent with each delivery',
  },
  'timeout-ms': { type: 'string', value: 'MS', doc: 'receiver timeout in milliseconds' },
  enabled: { type: 'boolean', doc: 'deliver (the default on create)' },
  disabled: { type: 'boolean', doc: 'do not deliver yet' },
  data: { type: 'string', value: 'JSON', doc: 'any webhook fields as a JSON object' },
  file: { type: 'string', value: 'PATH', doc: 'a JSON file with the webhook fields' },
};

/** `'Name: value'` → `['Name', 'value']`. */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new UsageError(`--header must look like 'Name: value', got '${text}'`);
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}

async function jsonSource(flags: Flags): Promise<Record<string, unknown>> {
  const data = stringFlag(flags, 'data');
  const file = stringFlag(flags, 'file');
  if (data !== undefined && file !== undefined) throw new UsageError('give --data or --file, not both');
  if (data === undefined && file === undefined) return {};
  const [text, origin] =
    data !== undefined
      ? [data, '--data']
      : [
          await readFile(file!, 'utf8').catch((e: Error) => {
            throw new UsageError(`--file: ${e.message}`);
          }),
          `--file ${file}`,
        ];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${origin} is not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new UsageError(`${origin} must be a JSON object`);
  return parsed as Record<string, unknown>;
}

/** Fields given as flags; absent flags leave the field out (so update changes only those). */
function flagFields(flags: Flags): WebhookInput {
  if (flags.enabled && flags.disabled) throw new UsageError('give --enabled or --disabled, not both');
  const fields: WebhookInput = {};
  const text = (name: string) => stringFlag(flags, name);
  if (text('url') !== undefined) fields.url = text('url');
  if (text('events') !== undefined)
    fields.events = text('events')!
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
  if (text('name') !== undefined) fields.name = text('name');
  if (text('description') !== undefined) fields.description = text('description');
  if (text('organization') !== undefined) fields.organization = text('organization');
  if (text('secret') !== undefined) fields.secret = text('secret');
  if (text('profile') !== undefined) fields.profile = text('profile') as WebhookInput['profile'];
  if (text('scheme') !== undefined) fields.signature_scheme = text('scheme') as WebhookInput['signature_scheme'];
  const headers = listFlag(flags, 'header');
  if (headers.length > 0) fields.headers = Object.fromEntries(headers.map(parseHeader));
  const timeoutMs = integerFlag(flags, 'timeout-ms');
  if (timeoutMs !== undefined) fields.timeout_ms = timeoutMs;
  if (flags.enabled || flags.disabled) fields.enabled = flags.enabled === true;
  return fields;
}

/**
 * The request body from `--data`/`--file` and the flags. The API validates the fields; here only
 * what cannot be sent at all (bad JSON, nothing to change) is a usage error.
 */
export async function webhookInput(flags: Flags): Promise<WebhookInput> {
  const body = { ...(await jsonSource(flags)), ...flagFields(flags) } as WebhookInput & {
    url?: string;
    targetUrl?: string;
  };
  // A --url flag replaces the JSON's URL in whichever spelling it came.
  if (stringFlag(flags, 'url') !== undefined) delete body.targetUrl;
  if (Object.keys(body).length === 0)
    throw new UsageError('nothing to send: give fields as flags (--url, --events, …), --data JSON or --file PATH');
  return body;
}
