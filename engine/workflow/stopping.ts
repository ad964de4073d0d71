/**
 * Stopping executions, through the store so it works whichever process runs them. A stop marks the
 * execution (`requestStop`); then:
 * - it runs in this process: its AbortController aborts, and it ends as `stopped` at the next node
 *   boundary (a node awaiting I/O is no longer waited for);
 * - it is queued and this process owns it now (it always does on SQLite; on PostgreSQL when its owner
 *   is this process or stopped heartbeating): it ends as `stopped` here without running;
 * - another live process runs it: that process finds the mark when it next polls
 *   (`pollStopRequests`, every `executionStopPollMs`) and stops it the same way.
 * Each way ends in one durable write with `workflow.stopped` (and `agent.stopped` for an agent).
 */
import { Errors } from '../errors.js';
import type { ExecutionRecord, Store } from '../store/types.js';
import type { Executor } from './executor.js';
import type { LoadedWorkflow } from './types.js';
import type { Logger } from '../logger.js';

export interface StopResult {
  execution: ExecutionRecord;
  /** True when another process runs it and will stop it (the execution is not stopped yet). */
  pending: boolean;
}

export interface Stopper {
  /** Stops a queued or running execution; NOT_FOUND for an unknown id, CONFLICT for a finished one. */
  stop(executionId: string): Promise<StopResult>;
  /** Acts on stop requests other processes left for this one's executions. */
  pollStopRequests(): Promise<number>;
  /** Polls every `intervalMs` on a store that several processes share (none on SQLite); returns the stop. */
  pollEvery(intervalMs: number): () => void;
}

export interface StopperOptions {
  store: Store;
  executor: Executor;
  workflows: ReadonlyMap<string, LoadedWorkflow>;
  /** How long a silent owner's executions wait before this process may take them over. */
  staleMs: number;
  log: Logger;
}

const FINISHED = new Set(['succeeded', 'failed', 'stopped']);
const POLL_BATCH = 100;

export function createStopper(options: StopperOptions): Stopper {
  const { store, executor } = options;
  const handling = new Set<string>();

  /** Ends an execution of this process as stopped: aborts its run, or ends it unrun. */
  function stopHere(execution: ExecutionRecord): Promise<unknown> {
    if (executor.stop(execution.id)) return executor.outcome(execution.id) ?? Promise.resolve();
    const workflow = options.workflows.get(execution.workflowId) ?? missingWorkflow(execution.workflowId);
    const stopping = { ...execution, stopRequestedAt: execution.stopRequestedAt ?? new Date().toISOString() };
    return executor.run({ workflow, execution: stopping, startOutput: [] });
  }

  async function pollStopRequests(): Promise<number> {
    const requests = await store.listStopRequests(POLL_BATCH);
    for (const execution of requests) {
      // A stop still being written shows up again until it is: act on it once.
      if (handling.has(execution.id)) continue;
      handling.add(execution.id);
      options.log.info({ executionId: execution.id }, 'stopping an execution as another process asked');
      void stopHere(execution)
        .catch((error: unknown) =>
          options.log.error({ err: error, executionId: execution.id }, 'stopping an execution failed'),
        )
        .finally(() => handling.delete(execution.id));
    }
    return requests.length;
  }

  return {
    async stop(executionId) {
      const found = await store.requestStop(executionId, Date.now(), options.staleMs);
      if (!found) throw Errors.NOT_FOUND(`Execution '${executionId}' not found`);
      const { execution, owned } = found;
      if (FINISHED.has(execution.status)) throw finishedConflict(execution);
      // Running here, even when the store names another owner (it cannot on SQLite).
      if (owned || executor.outcome(execution.id)) {
        await stopHere(execution);
        const after = (await store.getExecution(executionId)) ?? execution;
        if (after.status !== 'stopped') throw finishedConflict(after);
        return { execution: after, pending: false };
      }
      return { execution, pending: true };
    },
    pollStopRequests,
    pollEvery(intervalMs) {
      if (store.kind !== 'postgres') return () => undefined;
      const timer = setInterval(() => {
        pollStopRequests().catch((error: unknown) => options.log.error({ err: error }, 'stop-request poll failed'));
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

function finishedConflict(execution: ExecutionRecord) {
  return Errors.CONFLICT(
    `Execution '${execution.id}' already finished (${execution.status}); only a queued or running execution can be stopped`,
    { details: { execution_id: execution.id, status: execution.status } },
  );
}

/** A workflow whose file is gone: its queued executions can still be stopped (and say which workflow). */
function missingWorkflow(id: string): LoadedWorkflow {
  return {
    id,
    name: id,
    active: false,
    definition: { id, name: id, nodes: [], connections: {} },
    sourcePath: null,
    hash: '',
    nodesByName: new Map(),
  };
}
