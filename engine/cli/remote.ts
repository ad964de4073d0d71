/**
 * What every command that talks to a running engine shares: the engine's address
 * (`--api-url`, `--url` where a command has no webhook URL of its own, `HOOKLINE_URL`),
 * `--api-key`/`HOOKLINE_API_KEY`, `--json`, and API errors printed as `CODE: message` with exit 1.
 */
import { Hookline } from '../sdk/client.js';
import { isHooklineApiError } from '../sdk/errors.js';
import { type CommandContext, type CommandSpec, type FlagSpec, stringFlag, UsageError } from './command.js';

/** The engine's address when no flag or `HOOKLINE_URL` gives one: its default host and port. */
export const DEFAULT_URL = 'http://127.0.0.1:8787';

/** Flags of every remote command. */
export const REMOTE_FLAGS: Record<string, FlagSpec> = {
  'api-url': { type: 'string', value: 'URL', doc: `engine address (env HOOKLINE_URL, default ${DEFAULT_URL})` },
  'api-key': { type: 'string', value: 'KEY', doc: 'API key (env HOOKLINE_API_KEY)' },
  json: { type: 'boolean', doc: 'print the API’s JSON instead of a table' },
};

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** What a remote command's `run` gets: the parsed command line and whether `--json` was given. */
export type RemoteContext = CommandContext & { json: boolean };

/** A command that runs against the API. */
export interface RemoteCommand {
  name: string;
  summary: string;
  args?: string[];
  flags?: Record<string, FlagSpec>;
  notes?: string[];
  /** Does the work; resolves with the exit code. */
  run(client: Hookline, ctx: RemoteContext): Promise<number>;
}

/** `--url` as the engine's address, on commands where it does not name a webhook's receiver. */
const URL_ALIAS: FlagSpec = { type: 'string', value: 'URL', doc: 'same as --api-url' };

/**
 * The client for `--api-url` (or `--url` where that is not the webhook's own URL) and
 * `--api-key`, falling back to the environment.
 */
export function clientFor(ctx: CommandContext, urlIsEngine = true): Hookline {
  const flagUrl = stringFlag(ctx.flags, 'api-url') ?? (urlIsEngine ? stringFlag(ctx.flags, 'url') : undefined);
  const baseUrl = flagUrl ?? ctx.env.HOOKLINE_URL ?? DEFAULT_URL;
  const apiKey = stringFlag(ctx.flags, 'api-key') ?? ctx.env.HOOKLINE_API_KEY;
  if (!apiKey)
    throw new UsageError(
      'an API key is required: pass --api-key or set HOOKLINE_API_KEY (make one with `hookline api-key create --name NAME`)',
    );
  return new Hookline({ baseUrl, apiKey, timeoutMs: 120_000 });
}

/** Turns a {@link RemoteCommand} into a command spec with the shared flags and error handling. */
export function remote(command: RemoteCommand): CommandSpec {
  return {
    name: command.name,
    summary: command.summary,
    args: command.args,
    notes: command.notes,
    flags: { ...command.flags, ...REMOTE_FLAGS, ...(command.flags?.url ? {} : { url: URL_ALIAS }) },
    async run(ctx) {
      const client = clientFor(ctx, !command.flags?.url);
      try {
        return await command.run(client, { ...ctx, json: ctx.flags.json === true });
      } catch (error) {
        if (!isHooklineApiError(error)) throw error;
        const field =
          typeof error.details?.field === 'string' && error.details.field ? ` (field: ${error.details.field})` : '';
        ctx.io.err(`hookline ${command.name}: ${error.code}: ${error.message}${field}`);
        return EXIT.failed;
      }
    },
  };
}

/** Prints `value` as indented JSON: the `--json` output, one document per command. */
export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.out(JSON.stringify(value, null, 2));
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A time flag: an ISO 8601 date-time, `now`, or a duration ago (`30s`, `15m`, `2h`, `7d`, `1w`).
 * @throws UsageError for anything else.
 */
export function parseTime(text: string, flag: string, nowMs = Date.now()): Date {
  const relative = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (relative) return new Date(nowMs - Number(relative[1]) * UNIT_MS[relative[2]]);
  if (text === 'now') return new Date(nowMs);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms))
    throw new UsageError(`--${flag} must be an ISO date-time or a duration ago like 2h, got '${text}'`);
  return new Date(ms);
}
