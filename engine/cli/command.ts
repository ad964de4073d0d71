/**
 * How a CLI command is declared (its flags, arguments and help) and parsed. Every command gets
 * `--help`; a bad flag or a missing argument is a {@link UsageError}, which exits 2.
 */
import { parseArgs } from 'node:util';
import type { Env, Output } from './io.js';

/** One `--flag`. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  /** May be given more than once (`--header a --header b`). */
  multiple?: boolean;
  /** Placeholder in the help, e.g. `ID`. */
  value?: string;
  /** One line for `--help`. */
  doc: string;
}

/** Parsed flags: strings, booleans, or string lists for `multiple` ones. */
export type Flags = Record<string, string | boolean | string[] | undefined>;

/** What a command's `run` gets. */
export interface CommandContext {
  flags: Flags;
  /** Positional arguments after the command's name. */
  args: string[];
  io: Output;
  env: Env;
}

/** A command such as `webhooks list` or `verify`. */
export interface CommandSpec {
  /** The words that name it: `webhooks list`. */
  name: string;
  summary: string;
  /** Positional arguments for the usage line, e.g. `ID`; each is required, and a last `FILE...` takes one or more. */
  args?: string[];
  flags: Record<string, FlagSpec>;
  /** Extra help lines (examples, exit codes). */
  notes?: string[];
  /** Resolves with the exit code. */
  run(ctx: CommandContext): Promise<number>;
}

/** A mistake in how the command was called: exit code 2, with the command's usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses `argv` (the words after the command's name) against its spec. */
export function parseCommand(spec: CommandSpec, argv: string[]): { flags: Flags; args: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = { help: { type: 'boolean' } };
  for (const [name, flag] of Object.entries(spec.flags))
    options[name] = flag.multiple ? { type: flag.type, multiple: true } : { type: flag.type };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const flags = parsed.values as Flags;
  if (!flags.help) {
    const required = spec.args ?? [];
    const variadic = required.at(-1)?.endsWith('...') === true;
    if (parsed.positionals.length < required.length)
      throw new UsageError(`missing ${required.slice(parsed.positionals.length).join(' ')}`);
    if (parsed.positionals.length > required.length && !variadic)
      throw new UsageError(`unexpected argument '${parsed.positionals[required.length]}'`);
  }
  return { flags, args: parsed.positionals };
}

/** The `--help` text of one command. */
export function commandHelp(spec: CommandSpec): string {
  const flagRows = Object.entries(spec.flags).map(([name, flag]) => {
    const left = `--${name}${flag.type === 'string' ? ` ${flag.value ?? 'VALUE'}` : ''}`;
    return `  ${left.padEnd(28)} ${flag.doc}${flag.multiple ? ' (repeatable)' : ''}`;
  });
  return [
    `Usage: hookline ${spec.name}${(spec.args ?? []).map((a) => ` ${a}`).join('')} [flags]`,
    '',
    spec.summary,
    '',
    'Flags:',
    ...flagRows,
    `  ${'--help'.padEnd(28)} this text`,
    ...(spec.notes ? ['', ...spec.notes] : []),
  ].join('\n');
}

/** A string flag's value, or undefined. */
export function stringFlag(flags: Flags, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** A required string flag. @throws UsageError when it is missing. */
export function requireFlag(flags: Flags, name: string): string {
  const value = stringFlag(flags, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** A non-negative integer flag. @throws UsageError when it is not one. */
export function integerFlag(flags: Flags, name: string): number | undefined {
  const value = stringFlag(flags, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got '${value}'`);
  return Number(value);
}

/** A repeatable flag's values (an empty list when absent). */
export function listFlag(flags: Flags, name: string): string[] {
  const value = flags[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}
