/**
 * Stores an accepted trigger request as a queued execution (group commit: durable before any reply),
 * de-duplicated by `Idempotency-Key` / `webhook-id` within the idempotency window. A workflow whose
 * nodes act on nothing outside the run runs first and is stored finished, in the same write
 * (run-before-store.ts). Shared by Hookline's trigger and n8n's Webhook node, so both keep the same
 * guarantees.
 */
import type { FastifyRequest } from 'fastify';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { withOrganization } from '../events/organization.js';
import type { GroupCommitter } from '../store/group-commit.js';
import type { ExecutionRecord } from '../store/types.js';
import type { ExecutionOutcome, Executor } from '../workflow/executor.js';
import { newExecution } from '../workflow/execution-record.js';
import { acceptedEvents } from '../workflow/lifecycle-events.js';
import { workflowOrganization } from '../workflow/organization.js';
import type { TriggerBinding } from './trigger-table.js';

export interface AcceptOptions {
  committer: GroupCommitter;
  executor: Executor;
  idempotencyWindowSec: number;
}

export interface Accepted {
  execution: ExecutionRecord;
  /** Set when the idempotency key was seen within the window: the first execution's id. */
  duplicateOf?: string;
  /** Set when it ran before it was stored: the run is over, and stored with its acceptance. */
  outcome?: ExecutionOutcome;
}

/** The request's idempotency key (`Idempotency-Key`, else `webhook-id`), or null. */
function idempotencyKeyOf(request: FastifyRequest): string | null {
  const { headers } = request;
  return String(headers['idempotency-key'] ?? headers['webhook-id'] ?? '') || null;
}

/**
 * Writes the execution of `startOutput` (the trigger's output; its items' JSON is the input) and
 * resolves once it is durable: queued, or finished when it could run first.
 */
export async function acceptExecution(
  options: AcceptOptions,
  binding: TriggerBinding,
  request: FastifyRequest,
  startOutput: INodeExecutionData[][],
  triggerSource: unknown,
): Promise<Accepted> {
  const inputs: IDataObject[] = startOutput.flat().map((item) => item.json);
  const execution = newExecution(binding.workflow.id, binding.node.name, binding.route.kind, inputs, {
    idempotencyKey: idempotencyKeyOf(request),
    metadata: { trigger_source: triggerSource ?? null, ip: request.ip },
  });
  const { workflow, agentId } = binding;
  const accepted = withOrganization(
    acceptedEvents({ workflow, execution, agentId, wants: options.committer.wants }),
    workflowOrganization(workflow.definition, binding.node.name),
  );
  const ran = await options.executor.runBeforeStore({ workflow, execution, startOutput, agentId });
  const record = ran ? { ...execution, ...ran.update } : execution;
  const committed = await options.committer.submit({
    acknowledged: true,
    executions: [
      {
        record,
        events: ran ? [...accepted, ...ran.events] : accepted,
        idempotencyWindowSec: options.idempotencyWindowSec,
      },
    ],
  });
  const stored = committed.executionIds.get(execution.id)!;
  if (stored.duplicate) return { execution, duplicateOf: stored.id };
  if (!ran) return { execution };
  options.executor.stored(ran);
  return { execution: record, outcome: ran.outcome };
}
