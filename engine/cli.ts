#!/usr/bin/env node
/**
 * The `hookline` command. Engine commands (serve, validate, run, events) run the engine in this
 * process; the others talk to a running engine through the SDK (`engine/sdk/`), or to its local
 * database (`api-key create`). Exit codes: 0 ok, 1 the operation or the API failed, 2 bad usage.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { apiKeyCreateCommand } from './cli/api-key-command.js';
import { type CommandSpec, commandHelp, parseCommand, UsageError } from './cli/command.js';
import { DELIVERY_COMMANDS } from './cli/deliveries-command.js';
import { ENGINE_COMMANDS } from './cli/engine-commands.js';
import { EVENT_COMMANDS } from './cli/events-command.js';
import { type Env, exitQuietlyOnClosedPipe, type Output, stdio } from './cli/io.js';
import { EXIT } from './cli/remote.js';
import { verifyCommand } from './cli/verify-command.js';
import { WEBHOOK_COMMANDS } from './cli/webhooks-command.js';
import { describeSettings } from './config.js';
import { isHooklineError } from './errors.js';

export type { Output } from './cli/io.js';

/** Every command, in the order `hookline help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  ...ENGINE_COMMANDS,
  ...WEBHOOK_COMMANDS,
  ...DELIVERY_COMMANDS,
  ...EVENT_COMMANDS,
  apiKeyCreateCommand,
  verifyCommand,
];

/** The command named by the first words of `argv` (longest name first), and the words after it. */
function findCommand(argv: string[]): { spec?: CommandSpec; rest: string[]; group?: string } {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const spec = COMMANDS.find((command) => command.name === name);
    if (spec) return { spec, rest: argv.slice(words) };
  }
  const group = COMMANDS.some((command) => command.name.startsWith(`${argv[0]} `)) ? argv[0] : undefined;
  return { rest: argv.slice(1), group };
}

/**
 * Runs one command line and resolves with its exit code; never calls `process.exit`, so tests run
 * it in-process with a captured `io` and their own `env`.
 */
export async function main(argv: string[], io: Output = stdio, env: Env = process.env): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h')
    return showHelp(argv.slice(argv[0] === 'help' ? 1 : argv.length), io);
  const { spec, rest, group } = findCommand(argv);
  if (!spec) return unknownCommand(argv, group, io);
  try {
    const { flags, args } = parseCommand(spec, rest);
    if (flags.help) {
      io.out(commandHelp(spec));
      return EXIT.ok;
    }
    return await spec.run({ flags, args, io, env });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`hookline ${spec.name}: ${error.message}\nRun 'hookline ${spec.name} --help' for its flags.`);
      return EXIT.usage;
    }
    io.err(
      `hookline ${spec.name}: ${isHooklineError(error) ? error.message : ((error as Error).stack ?? String(error))}`,
    );
    return EXIT.failed;
  }
}

function unknownCommand(argv: string[], group: string | undefined, io: Output): number {
  if (group) {
    const asksHelp = argv.length === 2 && (argv[1] === '--help' || argv[1] === '-h');
    const line = (text: string) => (asksHelp ? io.out(text) : io.err(text));
    if (!asksHelp)
      line(
        argv.length > 1
          ? `hookline: unknown command '${argv.slice(0, 2).join(' ')}'`
          : `hookline ${group}: give a subcommand`,
      );
    for (const row of commandRows(COMMANDS.filter((c) => c.name.startsWith(`${group} `)))) line(row);
    return asksHelp ? EXIT.ok : EXIT.usage;
  }
  io.err(`hookline: unknown command '${argv[0]}'\n${help()}`);
  return EXIT.usage;
}

function showHelp(topic: string[], io: Output): number {
  if (topic.length === 0) {
    io.out(help());
    return EXIT.ok;
  }
  const { spec, group } = findCommand(topic);
  if (spec) io.out(commandHelp(spec));
  else return unknownCommand([topic[0], '--help'], group, io);
  return EXIT.ok;
}

function commandRows(commands: readonly CommandSpec[]): string[] {
  return commands.map((c) => `  ${`${c.name}${(c.args ?? []).map((a) => ` ${a}`).join('')}`.padEnd(34)} ${c.summary}`);
}

function help(): string {
  const settings = describeSettings().map(
    (s) => `  ${(s.flag || '').padEnd(26)} ${s.env.padEnd(32)} ${s.doc} (default ${s.default})`,
  );
  return [
    'Usage: hookline <command> [flags]        hookline <command> --help for its flags',
    '',
    'Engine:',
    ...commandRows(ENGINE_COMMANDS),
    '',
    'Management API (engine at --api-url or HOOKLINE_URL, key in --api-key or HOOKLINE_API_KEY; --json for scripts):',
    ...commandRows([...WEBHOOK_COMMANDS, ...DELIVERY_COMMANDS, ...EVENT_COMMANDS]),
    '',
    'Local:',
    ...commandRows([apiKeyCreateCommand, verifyCommand]),
    '',
    'Exit codes: 0 ok, 1 the operation or the API failed (CODE: message on stderr), 2 usage error.',
    '',
    'Engine settings (flag, environment variable):',
    ...settings,
  ].join('\n');
}

// Run when executed (directly or through the npm bin symlink), not when imported by tests.
const entry = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : '';
if (entry === import.meta.url) {
  exitQuietlyOnClosedPipe();
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
