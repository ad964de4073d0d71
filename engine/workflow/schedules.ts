/**
 * Runs schedule triggers: while the engine serves a workflow (active, loaded, reloaded with
 * `--watch`), each of its scheduled trigger nodes has a cron job per rule (croner, in the workflow's
 * time zone); a reload that changes the node, its workflow's zone or its activation replaces them, and
 * an unload or stop ends them.
 *
 * A tick is accepted like a webhook request: an execution written durably, then run. Its identity is
 * its scheduled time, the execution's idempotency key under that trigger node: every process of a
 * shared PostgreSQL store computes the same fire times (see core-nodes/schedule/schedule-rules.ts),
 * and the store's idempotent insert (an advisory lock per key) lets the first write stand, so a tick
 * runs once however many processes fire it.
 */
import type { INodeExecutionData, INodeType } from 'n8n-workflow';
import { Cron } from 'croner';
import { withOrganization } from '../events/organization.js';
import type { GroupCommitter } from '../store/group-commit.js';
import { newExecution } from './execution-record.js';
import type { Executor } from './executor.js';
import { acceptedEvents } from './lifecycle-events.js';
import { workflowOrganization } from './organization.js';
import { workflowTimezone } from './timezone.js';
import type { LoadedWorkflow, NodeTypeRegistry, WorkflowNodeDefinition } from './types.js';
import type { Logger } from '../logger.js';

/** One cron rule of a scheduled node, and which of its firings count (n8n's "every N days" and such). */
export interface ScheduleRule {
  cron: string;
  fires(at: Date): boolean;
}

/** A node type the engine schedules (n8n's Schedule Trigger): its rules, and the items a tick emits. */
export interface ScheduledNodeType {
  scheduleRules(node: WorkflowNodeDefinition, context: { seed: string; timezone: string }): ScheduleRule[];
  scheduledItems(at: Date, timezone: string): INodeExecutionData[];
}

export function isScheduledNodeType(nodeType: INodeType | undefined): nodeType is INodeType & ScheduledNodeType {
  return typeof (nodeType as Partial<ScheduledNodeType> | undefined)?.scheduleRules === 'function';
}

export interface Scheduler {
  /** The served workflows changed: schedule theirs (jobs start only once `start` was called). */
  sync(workflows: Iterable<LoadedWorkflow>): void;
  start(): void;
  stop(): void;
  /** Cron jobs running now (one per rule). */
  readonly jobs: number;
  /** Ticks this process fired, and of those, how many another process had already written. */
  readonly ticks: { fired: number; duplicate: number };
}

export interface SchedulerOptions {
  registry: NodeTypeRegistry;
  committer: GroupCommitter;
  executor: Executor;
  log: Logger;
  /** How long a tick's key stands (longer than any clock skew between processes). @defaultValue 86400 */
  tickWindowSec?: number;
}

interface Scheduled {
  key: string;
  signature: string;
  workflow: LoadedWorkflow;
  node: WorkflowNodeDefinition;
  timezone: string;
  jobs: Cron[];
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { registry, log } = options;
  const scheduled = new Map<string, Scheduled>();
  let wanted = new Map<string, Omit<Scheduled, 'jobs'>>();
  let running = false;
  const ticks = { fired: 0, duplicate: 0 };

  function apply(): void {
    for (const [key, current] of scheduled) {
      if (running && wanted.get(key)?.signature === current.signature) continue;
      for (const job of current.jobs) job.stop();
      scheduled.delete(key);
    }
    if (!running) return;
    for (const [key, spec] of wanted) if (!scheduled.has(key)) scheduled.set(key, { ...spec, jobs: startJobs(spec) });
  }

  function startJobs(spec: Omit<Scheduled, 'jobs'>): Cron[] {
    const nodeType = registry.get(spec.node.type);
    if (!isScheduledNodeType(nodeType)) return [];
    const seed = `${spec.workflow.id}:${spec.node.id || spec.node.name}`;
    const jobs: Cron[] = [];
    try {
      const rules = nodeType.scheduleRules(spec.node, { seed, timezone: spec.timezone });
      for (const [index, rule] of rules.entries()) {
        const onTick = (job: Cron) => tick(spec, nodeType, rule, index, job.currentRun() ?? new Date());
        jobs.push(new Cron(rule.cron, { timezone: spec.timezone, unref: true }, onTick));
      }
    } catch (error) {
      // Validation refuses bad rules; this is the guard for one that only fails here.
      for (const job of jobs) job.stop();
      log.error({ err: error, workflowId: spec.workflow.id, node: spec.node.name }, 'a schedule could not start');
      return [];
    }
    log.debug({ workflowId: spec.workflow.id, node: spec.node.name, rules: jobs.length }, 'schedule started');
    return jobs;
  }

  function tick(
    spec: Omit<Scheduled, 'jobs'>,
    nodeType: ScheduledNodeType,
    rule: ScheduleRule,
    index: number,
    at: Date,
  ): void {
    if (!running || !rule.fires(at)) return;
    ticks.fired++;
    const items = nodeType.scheduledItems(at, spec.timezone);
    // The workflow as served now: a reload that left this node alone may have changed the others.
    const workflow = wanted.get(spec.key)?.workflow ?? spec.workflow;
    const tickKey = `schedule:${index}:${at.toISOString()}`;
    void options.executor
      .track(accept(workflow, spec.node.name, tickKey, items))
      .catch((error: unknown) =>
        log.error({ err: error, workflowId: spec.workflow.id, node: spec.node.name }, 'a schedule tick failed'),
      );
  }

  /** Writes the tick's execution (unless another process already did) and runs it. */
  async function accept(workflow: LoadedWorkflow, node: string, tickKey: string, items: INodeExecutionData[]) {
    const execution = newExecution(
      workflow.id,
      node,
      'workflow',
      items.map((item) => item.json),
      { idempotencyKey: tickKey, metadata: { trigger_source: 'schedule' } },
    );
    const events = withOrganization(acceptedEvents({ workflow, execution }), workflowOrganization(workflow.definition));
    const committed = await options.committer.submit({
      acknowledged: true,
      executions: [{ record: execution, events, idempotencyWindowSec: options.tickWindowSec ?? 86_400 }],
    });
    if (committed.executionIds.get(execution.id)?.duplicate) return void ticks.duplicate++;
    await options.executor.run({ workflow, execution, startOutput: [items] });
  }

  return {
    sync(workflows) {
      const next = new Map<string, Omit<Scheduled, 'jobs'>>();
      for (const workflow of workflows) {
        if (!workflow.active) continue;
        const timezone = workflowTimezone(workflow.definition);
        for (const node of workflow.definition.nodes) {
          if (node.disabled || !isScheduledNodeType(registry.get(node.type))) continue;
          const signature = JSON.stringify([node.type, node.typeVersion, node.parameters, timezone]);
          const key = `${workflow.id}\u0000${node.name}`;
          next.set(key, { key, signature, workflow, node, timezone });
        }
      }
      wanted = next;
      apply();
    },
    start() {
      running = true;
      apply();
    },
    stop() {
      running = false;
      apply();
    },
    ticks,
    get jobs() {
      return [...scheduled.values()].reduce((sum, entry) => sum + entry.jobs.length, 0);
    },
  };
}
