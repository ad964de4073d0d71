/**
 * Runs accepted executions: marks them running, runs the graph, records the result and the
 * lifecycle events in one durable write. Executions are independent: one failing never touches
 * another. The executor counts what is in flight so shutdown can wait for it.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import { createEvent, type EventEnvelope } from '../events/envelope.js';
import type { HooklineNodeHelpers, HooklineResponse } from '../node-contract/helpers.js';
import type { GroupCommitter } from '../store/group-commit.js';
import type { ExecutionRecord } from '../store/types.js';
import { finishedEvents, startedEvents, stepEvent, type ExecutionSubject } from './lifecycle-events.js';
import { runGraph, type RunResult } from './runner.js';
import type { LoadedWorkflow, NodeTypeRegistry } from './types.js';
import type { CredentialResolver } from './node-context.js';
import type { NodeSender } from '../delivery/node-sends.js';
import type { Logger } from '../logger.js';
import type { ExecutionRecorder } from '../metrics/index.js';

export interface ExecutionOutcome {
  executionId: string;
  result: RunResult;
  /** Set by a Respond node; otherwise the output answers. */
  response?: HooklineResponse;
}

export interface Executor {
  /** Runs an execution already stored as queued; resolves when its result is durable. */
  run(request: RunRequest): Promise<ExecutionOutcome>;
  /** Counts other work (accepting a run, say) as in flight until it settles. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Resolves when nothing is running (graceful shutdown). */
  idle(): Promise<void>;
  readonly inFlight: number;
}

export interface RunRequest {
  workflow: LoadedWorkflow;
  execution: ExecutionRecord;
  /** The trigger's output: what the webhook() call or the manual input produced. */
  startOutput: INodeExecutionData[][];
  agentId?: string;
}

export interface ExecutorOptions {
  committer: GroupCommitter;
  registry: NodeTypeRegistry;
  resolveCredential: CredentialResolver;
  /** Durable outbox sends for sender nodes. */
  sendWebhook: NodeSender;
  log: Logger;
  /** Told each run's final status once it is durable (the metrics). */
  recorder?: ExecutionRecorder;
}

const RUNNING_MARK_DELAY_MS = 100;

export function createExecutor(options: ExecutorOptions): Executor {
  const { committer } = options;
  const running = new Set<Promise<unknown>>();

  const { resolveCredential } = options;

  async function execute(request: RunRequest): Promise<ExecutionOutcome> {
    const { execution, workflow } = request;
    const subject: ExecutionSubject = { workflow, execution, agentId: request.agentId };
    const startedAt = new Date();
    const started = {
      executionUpdates: [{ id: execution.id, status: 'running' as const, startedAt: startedAt.toISOString() }],
      events: startedEvents(subject, startedAt),
    };
    // Most runs end within milliseconds: their start is written with their end, one write
    // instead of two. A slower run is marked running after RUNNING_MARK_DELAY_MS, so pollers see it.
    let startWritten: Promise<unknown> | null = null;
    const markRunning = setTimeout(() => void (startWritten = committer.submit(started)), RUNNING_MARK_DELAY_MS);
    let response: HooklineResponse | undefined;
    let currentNode = '';
    const stepEvents: EventEnvelope[] = [];
    const hookline: HooklineNodeHelpers = {
      executionId: execution.id,
      workflowId: workflow.id,
      setResponse: (value) => void (response = value),
      sendWebhook: (request) =>
        options.sendWebhook({ workflowId: workflow.id, nodeName: currentNode, executionId: execution.id }, request),
      async emitEvent(type, data, metadata) {
        const event = createEvent(type, data, { ...metadata, workflow_id: workflow.id, execution_id: execution.id });
        const result = await committer.submit({ events: [event] });
        return { eventId: event.id, deliveries: result.deliveries ?? 0 };
      },
    };
    const result = await runGraph({
      workflow,
      registry: options.registry,
      executionId: execution.id,
      startNode: execution.triggerNode ?? '',
      startOutput: request.startOutput,
      resolveCredential,
      hookline,
      log: options.log,
      onStep: (step) => stepEvents.push(stepEvent(subject, step)),
      onNodeStart: (name) => void (currentNode = name),
    }).catch((error: unknown): RunResult => ({
      status: 'failed',
      output: [],
      ends: [],
      steps: [],
      error: { node: '', message: error instanceof Error ? error.message : String(error) },
    }));
    const finishedAt = new Date();
    clearTimeout(markRunning);
    if (startWritten) await startWritten;
    const startEvents = startWritten ? [] : started.events;
    await committer.submit({
      executionUpdates: [
        {
          id: execution.id,
          status: result.status,
          output: result.output,
          error: result.error
            ? { node: result.error.node, message: result.error.message, code: 'NODE_EXECUTION_FAILED' }
            : null,
          startedAt: startedAt.toISOString(),
          finishedAt: finishedAt.toISOString(),
        },
      ],
      events: [...startEvents, ...stepEvents, ...finishedEvents(subject, result, startedAt, finishedAt)],
    });
    options.recorder?.executionFinished(result.status);
    if (result.status === 'failed')
      options.log.warn(
        { executionId: execution.id, workflowId: workflow.id, node: result.error?.node, err: result.error?.message },
        'execution failed',
      );
    return { executionId: execution.id, result, response };
  }

  function track<T>(work: Promise<T>): Promise<T> {
    running.add(work);
    const forget = () => running.delete(work);
    work.then(forget, forget);
    return work;
  }

  return {
    track,
    run: (request) => track(execute(request)),
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    get inFlight() {
      return running.size;
    },
  };
}
