/**
 * Runs accepted executions: marks them running, runs the graph, records the result and the
 * lifecycle events in one durable write. Executions are independent: one failing never touches
 * another. The executor counts what is in flight so shutdown can wait for it, and holds an
 * AbortController per run so a stop request ends it (as `stopped`) at the next node boundary.
 *
 * A run a Wait node parks (`waiting`) is written with its parked state in the same write as its
 * status; `run` with `parked` resumes it later (see wait-resumer.ts), and the write that ends it
 * removes the parked state, whether it finished or was stopped while waiting.
 */
import type { INodeExecutionData } from 'n8n-workflow';
import { createEvent, type EventEnvelope } from '../events/envelope.js';
import { withOrganization, withOrganizationMetadata } from '../events/organization.js';
import type { HooklineNodeHelpers, HooklineResponse } from '../node-contract/helpers.js';
import type { GroupCommitter } from '../store/group-commit.js';
import type { ExecutionRecord, ExecutionUpdate, RunStateStore } from '../store/types.js';
import {
  finishedEvents,
  startedEvents,
  stepEvents as eventsOfStep,
  type ExecutionSubject,
} from './lifecycle-events.js';
import { workflowOrganization } from './organization.js';
import { messagesOfRun, type AgentEnding } from './agent-events.js';
import { agentIdOf, conversationKey, creditsUsed } from './run-data.js';
import { runsBeforeStore } from './run-before-store.js';
import { runGraph, type ParkedGraph, type RunResult } from './runner.js';
import type { LoadedWorkflow, NodeTypeRegistry } from './types.js';
import type { CredentialResolver } from './node-context.js';
import type { NodeSender } from '../delivery/node-sends.js';
import type { CoreNodeServices } from './core-nodes/services.js';
import type { Logger } from '../logger.js';
import type { ExecutionRecorder } from '../metrics/index.js';

export interface ExecutionOutcome {
  executionId: string;
  result: RunResult;
  /** Set by a Respond node; otherwise the output answers. */
  response?: HooklineResponse;
}

export interface Executor {
  /**
   * Runs an execution already stored as queued; resolves when its result is durable. One already
   * running here is not run twice: its run's outcome is returned. One asked to stop before it
   * started (`stopRequestedAt`) ends as stopped without running.
   */
  run(request: RunRequest): Promise<ExecutionOutcome>;
  /** Stops a run of this process: true when it runs here (it then ends as `stopped`, see `outcome`). */
  stop(executionId: string): boolean;
  /** The outcome of a run of this process, or null when none runs here. */
  outcome(executionId: string): Promise<ExecutionOutcome> | null;
  /**
   * Runs an execution not stored yet, when its workflow may run first (`runsBeforeStore`, see
   * run-before-store.ts), else null: store it queued, then `run` it. The caller writes `update` and
   * `events` with the execution's acceptance, then calls `stored`.
   */
  runBeforeStore(request: RunRequest): Promise<UnstoredRun> | null;
  /** Told once an unstored run's write is durable (the metrics, a failure's log line). */
  stored(run: UnstoredRun): void;
  /** Counts other work (accepting a run, say) as in flight until it settles. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Resolves when nothing is running (graceful shutdown). */
  idle(): Promise<void>;
  readonly inFlight: number;
}

/** A run made before its execution was stored (`runBeforeStore`): what to write with its acceptance. */
export interface UnstoredRun {
  outcome: ExecutionOutcome;
  /** The execution's end: status, output, error and times. */
  update: ExecutionUpdate;
  /** Its events from start to end, with its organization. */
  events: EventEnvelope[];
  subject: ExecutionSubject;
}

export interface RunRequest {
  workflow: LoadedWorkflow;
  execution: ExecutionRecord;
  /** The trigger's output: what the webhook() call or the manual input produced. */
  startOutput: INodeExecutionData[][];
  agentId?: string;
  /**
   * Told the first response a node sets (n8n's Respond to Webhook), while the run goes on: the host
   * answers a waiting caller at once, as n8n does.
   */
  onResponse?: (response: HooklineResponse) => void;
  /** Resumes a parked execution (claimed with `claimDueWaits`) from this state instead of its trigger. */
  parked?: ParkedGraph;
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
  /** Counts each agent run's messages and credits into its conversation. */
  conversations: Pick<RunStateStore, 'addConversationMessages'>;
  /** Told when a run was parked (durably) until `resumeAtMs`, so the resumer can wake then. */
  onParked?: (resumeAtMs: number) => void;
  /** Services of n8n's core nodes (Code node threads, guarded HTTP), on `this.helpers.hookline.core`. */
  core?: CoreNodeServices;
}

interface ActiveRun {
  controller: AbortController;
  outcome: Promise<ExecutionOutcome>;
}

const RUNNING_MARK_DELAY_MS = 100;

export function createExecutor(options: ExecutorOptions): Executor {
  const { committer } = options;
  const running = new Set<Promise<unknown>>();
  const { resolveCredential } = options;
  const active = new Map<string, ActiveRun>();

  const subjectOf = ({ workflow, execution, agentId }: RunRequest): ExecutionSubject => ({
    workflow,
    execution,
    agentId: agentId ?? agentIdOf(workflow, execution),
    wants: committer.wants,
  });

  async function execute(request: RunRequest, signal: AbortSignal): Promise<ExecutionOutcome> {
    const { execution, workflow } = request;
    const subject = subjectOf(request);
    // Every event of the run carries its organization, so only that organization's webhooks get it.
    const organization = workflowOrganization(workflow.definition, execution.triggerNode);
    // A resumed run keeps the time it first started (the wait counts in its duration, as in n8n).
    const startedAt = request.parked && execution.startedAt ? new Date(execution.startedAt) : new Date();
    // Its parked state goes with the write that ends it (resumed, or stopped while waiting).
    const parked = Boolean(request.parked) || execution.status === 'waiting';
    // Stopped while queued or waiting: it does not run (again).
    if (signal.aborted)
      return finish(subject, { status: 'stopped', output: [], ends: [], steps: [] }, startedAt, [], null, parked);
    const started = {
      executionUpdates: [{ id: execution.id, status: 'running' as const, startedAt: startedAt.toISOString() }],
      events: withOrganization(startedEvents(subject, startedAt), organization),
    };
    // Most runs end within milliseconds: their start is written with their end, one write
    // instead of two. A slower run is marked running after RUNNING_MARK_DELAY_MS, so pollers see it.
    let startWritten: Promise<unknown> | null = request.parked ? Promise.resolve() : null;
    // A resumed run started before it parked, and its claim marked it running again.
    const markRunning = request.parked
      ? undefined
      : setTimeout(() => void (startWritten = committer.submit(started)), RUNNING_MARK_DELAY_MS);
    const { result, stepEvents, response } = await runNodes(request, subject, signal);
    clearTimeout(markRunning);
    if (startWritten) await startWritten;
    const events = [...(startWritten ? [] : started.events), ...stepEvents];
    if (result.status === 'waiting' && result.parked) return park(subject, result, startedAt, events);
    return finish(subject, result, startedAt, events, response, parked);
  }

  /** Runs the request's graph: its result (a crash is a failed run), its step events, a Respond node's answer. */
  async function runNodes(
    request: RunRequest,
    subject: ExecutionSubject,
    signal?: AbortSignal,
    emitted?: EventEnvelope[],
  ): Promise<{ result: RunResult; stepEvents: EventEnvelope[]; response: HooklineResponse | null }> {
    const { execution, workflow } = request;
    const stepEvents: EventEnvelope[] = [];
    const helpers = nodeHelpers(request, emitted);
    const result = await runGraph({
      workflow,
      registry: options.registry,
      executionId: execution.id,
      startNode: execution.triggerNode ?? '',
      startOutput: request.startOutput,
      resolveCredential,
      hookline: helpers.hookline,
      log: options.log,
      signal,
      onStep: (step) => stepEvents.push(...eventsOfStep(subject, step)),
      onNodeStart: helpers.onNodeStart,
      resumeFrom: request.parked,
    }).catch((error: unknown): RunResult => ({
      status: 'failed',
      output: [],
      ends: [],
      steps: [],
      error: { node: '', message: error instanceof Error ? error.message : String(error) },
    }));
    return { result, stepEvents, response: helpers.response() };
  }

  /** Writes a run a Wait node parked: status `waiting` and the state it resumes from, in one write. */
  async function park(
    subject: ExecutionSubject,
    result: RunResult,
    startedAt: Date,
    events: EventEnvelope[],
  ): Promise<ExecutionOutcome> {
    const { execution, workflow } = subject;
    const wait = result.parked!;
    await committer.submit({
      executionUpdates: [{ id: execution.id, status: 'waiting', startedAt: startedAt.toISOString(), wait }],
      events: withOrganization(events, workflowOrganization(workflow.definition, execution.triggerNode)),
    });
    options.onParked?.(wait.resumeAtMs);
    return { executionId: execution.id, result };
  }

  /** Records the end of a run (and its conversation's totals) in one durable write. */
  async function finish(
    subject: ExecutionSubject,
    result: RunResult,
    startedAt: Date,
    events: EventEnvelope[],
    response: HooklineResponse | null,
    parked = false,
  ): Promise<ExecutionOutcome> {
    const { execution } = subject;
    const finishedAt = new Date();
    const agent: AgentEnding = { conversation: null, responseBody: response?.body };
    const key = execution.kind === 'agent' ? conversationKey(execution, subject.agentId) : null;
    if (key) {
      const credits = result.status === 'succeeded' ? creditsUsed(result) : 0;
      // A counter that cannot be written must not keep the run's result from being recorded.
      agent.conversation = await options.conversations
        .addConversationMessages(key, messagesOfRun(result), credits, finishedAt.getTime())
        .catch((error: unknown) => {
          options.log.error({ err: error, executionId: execution.id }, 'counting the conversation failed');
          return null;
        });
    }
    const end = endOf(subject, result, startedAt, finishedAt, events, agent);
    await committer.submit({
      executionUpdates: [{ ...end.update, ...(parked && { wait: null }) }],
      events: end.events,
    });
    recorded(subject, result);
    return { executionId: execution.id, result, response: response ?? undefined };
  }

  /** What ends a run: its status, output and times, and its events with the run's organization. */
  function endOf(
    subject: ExecutionSubject,
    result: RunResult,
    startedAt: Date,
    finishedAt: Date,
    events: EventEnvelope[],
    agent: AgentEnding,
  ): { update: ExecutionUpdate; events: EventEnvelope[] } {
    const { execution, workflow } = subject;
    return {
      update: {
        id: execution.id,
        status: result.status,
        output: result.output,
        error: result.error
          ? { node: result.error.node, message: result.error.message, code: 'NODE_EXECUTION_FAILED' }
          : null,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
      },
      // Every event of the run carries its organization, so only that organization's webhooks get it.
      events: withOrganization(
        [...events, ...finishedEvents(subject, result, startedAt, finishedAt, agent)],
        workflowOrganization(workflow.definition, execution.triggerNode),
      ),
    };
  }

  /** Tells the metrics a run's durable end, and logs a failure. */
  function recorded(subject: ExecutionSubject, result: RunResult): void {
    options.recorder?.executionFinished(result.status);
    if (result.status === 'failed')
      options.log.warn(
        {
          executionId: subject.execution.id,
          workflowId: subject.workflow.id,
          node: result.error?.node,
          err: result.error?.message,
        },
        'execution failed',
      );
  }

  /**
   * Runs an execution not stored yet, all in this call: the run's events are those of a run that
   * started now and ended when its nodes did. Only for workflows `runsBeforeStore` accepts.
   */
  async function runUnstored(request: RunRequest): Promise<UnstoredRun> {
    const subject = subjectOf(request);
    const startedAt = new Date();
    // Events its nodes publish are written with it: they exist exactly when the execution does.
    const emitted: EventEnvelope[] = [];
    const { result, stepEvents, response } = await runNodes(request, subject, undefined, emitted);
    const events = [...startedEvents(subject, startedAt), ...emitted, ...stepEvents];
    const end = endOf(subject, result, startedAt, new Date(), events, {
      conversation: null,
      responseBody: response?.body,
    });
    return { ...end, subject, outcome: { executionId: request.execution.id, result, response: response ?? undefined } };
  }

  /**
   * `this.helpers.hookline` of the run's nodes, and the response a Respond node set. With `emitted`,
   * published events are collected there, to be written with the run (a run before its store).
   */
  function nodeHelpers({ execution, workflow, onResponse }: RunRequest, emitted?: EventEnvelope[]) {
    let response: HooklineResponse | null = null;
    let currentNode = '';
    const hookline: HooklineNodeHelpers = {
      executionId: execution.id,
      workflowId: workflow.id,
      core: options.core,
      setResponse(value) {
        if (response === null) onResponse?.(value);
        response = value;
      },
      sendWebhook: (request) =>
        options.sendWebhook({ workflowId: workflow.id, nodeName: currentNode, executionId: execution.id }, request),
      async emitEvent(type, data, metadata) {
        const event = createEvent(
          type,
          data,
          withOrganizationMetadata(
            { ...metadata, workflow_id: workflow.id, execution_id: execution.id },
            workflowOrganization(workflow.definition, execution.triggerNode),
          ),
        );
        if (emitted) {
          emitted.push(event);
          return { eventId: event.id, deliveries: 0 };
        }
        const result = await committer.submit({ events: [event] });
        return { eventId: event.id, deliveries: result.deliveries ?? 0 };
      },
    };
    return { hookline, onNodeStart: (name: string) => void (currentNode = name), response: () => response };
  }

  function start(request: RunRequest): Promise<ExecutionOutcome> {
    const id = request.execution.id;
    const running = active.get(id);
    if (running) return running.outcome;
    const controller = new AbortController();
    if (request.execution.stopRequestedAt) controller.abort();
    const outcome = track(execute(request, controller.signal));
    active.set(id, { controller, outcome });
    const forget = () => active.delete(id);
    outcome.then(forget, forget);
    return outcome;
  }

  function track<T>(work: Promise<T>): Promise<T> {
    running.add(work);
    const forget = () => running.delete(work);
    work.then(forget, forget);
    return work;
  }

  return {
    track,
    run: start,
    runBeforeStore: (request) =>
      request.execution.kind === 'workflow' && !request.parked && runsBeforeStore(request.workflow, options.registry)
        ? runUnstored(request)
        : null,
    stored: (run) => recorded(run.subject, run.outcome.result),
    stop(executionId) {
      const running = active.get(executionId);
      running?.controller.abort();
      return running !== undefined;
    },
    outcome: (executionId) => active.get(executionId)?.outcome ?? null,
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    get inFlight() {
      return running.size;
    },
  };
}
