/**
 * Resumes executions a Wait node parked, when they are due, in whichever process claims them first
 * (`claimDueWaits`: once each, on PostgreSQL across processes). A process wakes at the time of the
 * earliest parked execution it knows of (the executor tells it of its own parks, `wake`) and polls
 * every `pollMs` as the backstop for those another process parked or a claimer left behind. After a
 * restart the first check resumes everything that fell due while the engine was down.
 */
import type { GroupCommitter } from '../store/group-commit.js';
import type { DueWait, Store } from '../store/types.js';
import type { Executor } from './executor.js';
import type { ParkedGraph } from './runner.js';
import type { LoadedWorkflow } from './types.js';
import type { Logger } from '../logger.js';

export interface WaitResumer {
  /** Resumes what is due now, then keeps waking at due times and every `pollMs`. */
  start(): void;
  /** A run was parked until `resumeAtMs`: wake then (or earlier, if already due sooner). */
  wake(resumeAtMs: number): void;
  stop(): void;
}

export interface WaitResumerOptions {
  store: Pick<Store, 'claimDueWaits' | 'nextWaitAtMs'>;
  executor: Executor;
  committer: GroupCommitter;
  workflows: ReadonlyMap<string, LoadedWorkflow>;
  /** A claimer silent this long (no heartbeat) loses its claims to the next process. */
  staleMs: number;
  /** The backstop poll. */
  pollMs: number;
  /** Executions one claim takes at most. @defaultValue 50 */
  batch?: number;
  log: Logger;
}

export function createWaitResumer(options: WaitResumerOptions): WaitResumer {
  const { store, log } = options;
  const batch = options.batch ?? 50;
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let timerAtMs = Infinity;
  let checking: Promise<void> | null = null;
  let again = false;

  function armAt(atMs: number): void {
    if (!running || atMs >= timerAtMs) return;
    if (timer) clearTimeout(timer);
    timerAtMs = atMs;
    timer = setTimeout(fire, Math.max(0, atMs - Date.now()));
    timer.unref();
  }

  function fire(): void {
    timer = null;
    timerAtMs = Infinity;
    check();
  }

  /** One check at a time; a wake during one runs another right after it. */
  function check(): void {
    if (!running) return;
    if (checking) return void (again = true);
    checking = resumeDue()
      .catch((error: unknown) => log.error({ err: error }, 'resuming waiting executions failed'))
      .finally(() => {
        checking = null;
        if (again) {
          again = false;
          check();
        }
      });
  }

  async function resumeDue(): Promise<void> {
    let claimed: DueWait[];
    do {
      claimed = await store.claimDueWaits(Date.now(), options.staleMs, batch);
      for (const due of claimed) resume(due);
    } while (running && claimed.length === batch);
    const nowMs = Date.now();
    const next = await store.nextWaitAtMs();
    // One due but not claimable now (another process is taking it) is left to the poll.
    armAt(Math.min(next !== null && next > nowMs ? next : Infinity, nowMs + options.pollMs));
  }

  function resume({ execution, state }: DueWait): void {
    const workflow = options.workflows.get(execution.workflowId);
    const done = workflow
      ? options.executor.run({ workflow, execution, startOutput: [], parked: state as ParkedGraph })
      : abandon(execution.id, execution.workflowId);
    log.info({ executionId: execution.id, workflowId: execution.workflowId }, 'resuming a waiting execution');
    void done.catch((error: unknown) =>
      log.error({ err: error, executionId: execution.id }, 'a resumed execution failed to finish'),
    );
  }

  /** Its workflow is no longer served: it cannot resume, so it fails (and its parked state goes). */
  function abandon(executionId: string, workflowId: string): Promise<unknown> {
    const message = `workflow '${workflowId}' is no longer loaded, so its waiting execution cannot resume`;
    log.warn({ executionId, workflowId }, message);
    return options.committer.submit({
      executionUpdates: [
        { id: executionId, status: 'failed', error: { message }, finishedAt: new Date().toISOString(), wait: null },
      ],
    });
  }

  return {
    start() {
      if (running) return;
      running = true;
      check();
    },
    wake(resumeAtMs) {
      armAt(resumeAtMs);
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      timerAtMs = Infinity;
    },
  };
}
