#!/usr/bin/env node
/**
 * The `hookline` command: serve, validate, run, events. Flags and environment variables are the
 * ones `engine/config.ts` declares; `hookline help` lists them.
 */
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { describeSettings, flagNames, loadConfig, SETTINGS } from './config.js';
import { EVENT_CATALOG } from './events/catalog.js';
import { isHooklineError } from './errors.js';
import { createEngine } from './index.js';
import { loadWorkflowFiles } from './workflow/loader.js';
import { createNodeTypeRegistry } from './workflow/node-types.js';
import { packageNodeTypes } from './workflow/package-nodes.js';

type Output = { out(line: string): void; err(line: string): void };
const stdio: Output = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) };

const booleanFlags = new Set(Object.values(SETTINGS).filter((s) => s.type === 'boolean').map((s) => ('flag' in s ? s.flag : '')));

function parse(argv: string[]) {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' }, input: { type: 'string' } };
  for (const flag of flagNames()) options[flag] = { type: booleanFlags.has(flag) ? 'boolean' : 'string' };
  return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
}

export async function main(argv: string[], io: Output = stdio, env: Record<string, string | undefined> = process.env): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`hookline: ${(error as Error).message}\nRun 'hookline help' for the commands and flags.`);
    return 2;
  }
  const [command = 'help', ...rest] = parsed.positionals;
  const flags = parsed.values as Record<string, string | boolean | undefined>;
  try {
    switch (command) {
      case 'serve':
        return await serve(flags, env, io);
      case 'validate':
        return await validate(rest, io);
      case 'run':
        return await run(rest[0], flags, env, io);
      case 'events':
        for (const spec of EVENT_CATALOG) io.out(`${spec.type.padEnd(32)} ${spec.source.padEnd(9)} ${spec.description}`);
        return 0;
      case 'help':
        io.out(help());
        return 0;
      default:
        io.err(`hookline: unknown command '${command}'\n${help()}`);
        return 2;
    }
  } catch (error) {
    io.err(`hookline: ${isHooklineError(error) ? error.message : (error as Error).stack ?? String(error)}`);
    return 1;
  }
}

async function serve(flags: Record<string, string | boolean | undefined>, env: Record<string, string | undefined>, io: Output): Promise<number> {
  const config = loadConfig({ flags, env });
  const engine = createEngine({ config, env });
  const { url } = await engine.start();
  io.out(`Hookline is serving ${engine.workflows.size} workflow(s) from ${config.workflowsDir} on ${url}`);
  await new Promise<void>((resolveStop) => {
    const shutdown = (signal: string) => {
      engine.log.info({ signal }, 'shutting down');
      engine.stop().then(resolveStop, (error) => {
        engine.log.error({ err: error }, 'shutdown failed');
        resolveStop();
      });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
  return 0;
}

async function validate(files: string[], io: Output): Promise<number> {
  if (files.length === 0) {
    io.err('hookline validate: give one or more workflow files');
    return 2;
  }
  const { problems, workflows } = await loadWorkflowFiles(files, createNodeTypeRegistry(packageNodeTypes()));
  for (const problem of problems) io.out(`${problem.file ?? ''}:${problem.pointer}: ${problem.message}`);
  if (problems.length === 0) io.out(`${workflows.length} workflow(s) valid`);
  return problems.length > 0 ? 1 : 0;
}

async function run(workflowId: string | undefined, flags: Record<string, string | boolean | undefined>, env: Record<string, string | undefined>, io: Output): Promise<number> {
  if (!workflowId) {
    io.err('hookline run: give a workflow id, and --input FILE with a JSON object or array of items');
    return 2;
  }
  const input = typeof flags.input === 'string' ? JSON.parse(await readFile(flags.input, 'utf8')) : {};
  const config = loadConfig({ flags, env, overrides: { port: 0, logLevel: 'warn' } });
  const engine = createEngine({ config, env });
  await engine.start();
  try {
    const outcome = await engine.runManually(workflowId, Array.isArray(input) ? input : [input]);
    io.out(JSON.stringify({ execution_id: outcome.executionId, status: outcome.result.status, output: outcome.result.output, error: outcome.result.error }, null, 2));
    return outcome.result.status === 'succeeded' ? 0 : 1;
  } finally {
    await engine.stop();
  }
}

function help(): string {
  const rows = describeSettings().map((s) => `  ${(s.flag || '').padEnd(26)} ${s.env.padEnd(32)} ${s.doc} (default ${s.default})`);
  return [
    'Usage: hookline <command> [flags]',
    '',
    'Commands:',
    '  serve                 serve the workflows of --workflows DIR over HTTP',
    '  validate FILE...      check workflow files; prints file:pointer: problem, exit 1 on any',
    '  run WORKFLOW_ID       run a workflow once with --input FILE (JSON items) and print the result',
    '  events                list the event catalog',
    '  help                  this text',
    '',
    'Settings (flag, environment variable):',
    ...rows,
  ].join('\n');
}

// Run when executed (directly or through the npm bin symlink), not when imported by tests.
const entry = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : '';
if (entry === import.meta.url) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
