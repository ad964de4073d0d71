/**
 * The commands that run the engine in this process: `serve`, `validate`, `run` and `events`.
 * Their flags are the settings `engine/config.ts` declares. The engine is imported only when one
 * of them runs, so the API commands start without loading it.
 */
import { readFile } from 'node:fs/promises';
import type { IDataObject } from 'n8n-workflow';
import { describeSettings, loadConfig, SETTINGS } from '../config.js';
import { EVENT_CATALOG } from '../events/catalog.js';
import type { EndOutput } from '../workflow/runner.js';
import type { CommandSpec, FlagSpec, Flags } from './command.js';
import type { Env, Output } from './io.js';
import type { ReloadSummary } from '../workflow/live-folder.js';
import type { WorkflowProblem } from '../workflow/validate.js';
import { EXIT } from './remote.js';

/** Every setting that has a flag, as a command flag. */
function settingFlags(): Record<string, FlagSpec> {
  const flags: Record<string, FlagSpec> = {};
  const docs = new Map(describeSettings().map((row) => [row.flag, row]));
  for (const spec of Object.values(SETTINGS)) {
    if (!('flag' in spec) || !spec.flag) continue;
    const row = docs.get(`--${spec.flag}`)!;
    flags[spec.flag] = {
      type: spec.type === 'boolean' ? 'boolean' : 'string',
      value: 'VALUE',
      doc: `${row.doc} (env ${row.env}, default ${row.default})`,
    };
  }
  return flags;
}

/** Config values from flags: `loadConfig` wants strings and booleans only. */
const configFlags = (flags: Flags) => flags as Record<string, string | boolean | undefined>;

async function serve(flags: Flags, env: Env, io: Output): Promise<number> {
  const config = loadConfig({ flags: configFlags(flags), env });
  const { createEngine } = await import('../index.js');
  const engine = createEngine({ config, env });
  const { url } = await engine.start();
  io.out(`Hookline is serving ${engine.workflows.size} workflow(s) from ${config.workflowsDir} on ${url}`);
  printProblems(engine.problems, io);
  if (config.watch) {
    io.out(`Watching ${config.workflowsDir}: changed files are reloaded`);
    engine.folder.events.on('reload', (summary: ReloadSummary) => {
      const changes = (['created', 'updated', 'deleted'] as const).flatMap((change) =>
        summary[change].map((id) => `${change} ${id}`),
      );
      if (changes.length > 0) io.out(`Reloaded ${config.workflowsDir}: ${changes.join(', ')}`);
      printProblems(summary.problems, io);
    });
  }
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
  return EXIT.ok;
}

/** A refused file, as `hookline validate` prints it; with --watch its previous version keeps serving. */
function printProblems(problems: readonly WorkflowProblem[], io: Output): void {
  for (const problem of problems)
    io.err(
      `refused ${problem.file ?? ''}:${problem.pointer}: ${problem.message} (the previous version, if any, keeps serving)`,
    );
}

async function validate(files: string[], io: Output): Promise<number> {
  const [{ loadWorkflowFiles }, { createNodeTypeRegistry }, { packageNodeTypes }] = await Promise.all([
    import('../workflow/loader.js'),
    import('../workflow/node-types.js'),
    import('../workflow/package-nodes.js'),
  ]);
  const { problems, warnings, workflows } = await loadWorkflowFiles(files, createNodeTypeRegistry(packageNodeTypes()));
  for (const problem of problems) io.out(`${problem.file ?? ''}:${problem.pointer}: ${problem.message}`);
  for (const warning of warnings) io.out(`${warning.file ?? ''}:${warning.pointer}: warning: ${warning.message}`);
  if (problems.length === 0) io.out(`${workflows.length} workflow(s) valid`);
  return problems.length > 0 ? EXIT.failed : EXIT.ok;
}

async function run(workflowId: string, flags: Flags, env: Env, io: Output): Promise<number> {
  const input = typeof flags.input === 'string' ? JSON.parse(await readFile(flags.input, 'utf8')) : {};
  const config = loadConfig({ flags: configFlags(flags), env, overrides: { port: 0, logLevel: 'warn' } });
  const { createEngine } = await import('../index.js');
  const engine = createEngine({ config, env });
  await engine.start();
  try {
    const outcome = await engine.runManually(workflowId, Array.isArray(input) ? input : [input]);
    io.out(
      JSON.stringify(
        {
          execution_id: outcome.executionId,
          status: outcome.result.status,
          // Every end node's items under its name: a branching workflow (If → hot | cold) ends in several.
          output: itemsByEndNode(outcome.result.ends),
          error: outcome.result.error,
        },
        null,
        2,
      ),
    );
    return outcome.result.status === 'succeeded' ? EXIT.ok : EXIT.failed;
  } finally {
    await engine.stop();
  }
}

/** A node that ran more than once (two branches join into it) shows all its items under its one name. */
function itemsByEndNode(ends: readonly EndOutput[]): Record<string, IDataObject[]> {
  const byNode: Record<string, IDataObject[]> = {};
  for (const end of ends) (byNode[end.node] ??= []).push(...end.items);
  return byNode;
}

/** `serve`, `validate`, `run`, `events`. */
export const ENGINE_COMMANDS: CommandSpec[] = [
  {
    name: 'serve',
    summary: 'Serve the workflows of --workflows DIR and the management API over HTTP.',
    flags: settingFlags(),
    run: ({ flags, env, io }) => serve(flags, env, io),
  },
  {
    name: 'validate',
    summary: 'Check workflow files; prints file:pointer: problem per problem, exit 1 on any.',
    args: ['FILE...'],
    flags: {},
    run: ({ args, io }) => validate(args, io),
  },
  {
    name: 'run',
    summary: 'Run a workflow once with --input FILE (a JSON object or array of items) and print the result.',
    args: ['WORKFLOW_ID'],
    flags: { input: { type: 'string', value: 'FILE', doc: 'JSON object or array of items' }, ...settingFlags() },
    run: ({ args, flags, env, io }) => run(args[0], flags, env, io),
  },
  {
    name: 'events',
    summary: 'List the event catalog.',
    flags: {},
    async run({ io }) {
      for (const spec of EVENT_CATALOG) io.out(`${spec.type.padEnd(32)} ${spec.source.padEnd(9)} ${spec.description}`);
      return EXIT.ok;
    },
  },
];
