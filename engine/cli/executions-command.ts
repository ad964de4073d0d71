/** `hookline executions get|stop`: one execution by id, and stopping a queued or running one. */
import type { Execution } from '../sdk/delivery-types.js';
import type { CommandSpec } from './command.js';
import { details } from './format.js';
import { EXIT, printJson, remote, type RemoteContext } from './remote.js';

function printExecution(ctx: RemoteContext, execution: Execution): void {
  const lines = details([
    ['ID', execution.execution_id],
    ['Workflow', execution.workflow_id],
    ['Kind', execution.kind],
    ['Status', execution.status],
    ['Created', execution.created_at],
    ['Started', execution.started_at],
    ['Finished', execution.finished_at],
    ['Stop asked', execution.stop_requested_at ?? null],
    ['Error', execution.error?.message ?? null],
  ]);
  for (const line of lines) ctx.io.out(line);
}

const get = remote({
  name: 'executions get',
  summary: 'Show one execution: its status, timings and error.',
  args: ['EXECUTION_ID'],
  async run(client, ctx) {
    const execution = await client.executions.get(ctx.args[0]);
    if (ctx.json) printJson(ctx, execution);
    else printExecution(ctx, execution);
    return EXIT.ok;
  },
});

const stop = remote({
  name: 'executions stop',
  summary: 'Stop a queued or running execution (emits workflow.stopped, or agent.stopped too for an agent).',
  args: ['EXECUTION_ID'],
  notes: [
    'A running execution stops at its next node boundary. When another engine process runs it, that',
    'process stops it within HOOKLINE_EXECUTION_STOP_POLL_MS; the command then shows it still running.',
    'A finished execution cannot be stopped: CONFLICT, exit 1.',
  ],
  async run(client, ctx) {
    const execution = await client.executions.stop(ctx.args[0]);
    if (ctx.json) return (printJson(ctx, execution), EXIT.ok);
    ctx.io.out(
      execution.status === 'stopped'
        ? `${execution.execution_id} stopped`
        : `${execution.execution_id} is ${execution.status} on another engine process: asked to stop`,
    );
    return EXIT.ok;
  },
});

/** `executions get`, `executions stop`. */
export const EXECUTION_COMMANDS: CommandSpec[] = [get, stop];
