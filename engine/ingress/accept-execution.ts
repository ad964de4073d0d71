/**
 * Stores an accepted trigger request as a queued execution (group commit: durable before any reply),
 * de-duplicated by `Idempotency-Key` / `webhook-id` within the idempotency window. Shared by
 * Hookline's trigger and n8n's Webhook node, so both keep the same guarantees.
 */
import type { FastifyRequest } from 'fastify';
import type { IDataObject } from 'n8n-workflow';
import { withOrganization } from '../events/organization.js';
import type { GroupCommitter } from '../store/group-commit.js';
import type { ExecutionRecord } from '../store/types.js';
import { newExecution } from '../workflow/execution-record.js';
import { acceptedEvents } from '../workflow/lifecycle-events.js';
import { workflowOrganization } from '../workflow/organization.js';
import type { TriggerBinding } from './trigger-table.js';

export interface AcceptOptions {
  committer: GroupCommitter;
  idempotencyWindowSec: number;
}

export interface Accepted {
  execution: ExecutionRecord;
  /** Set when the idempotency key was seen within the window: the first execution's id. */
  duplicateOf?: string;
}

/** The request's idempotency key (`Idempotency-Key`, else `webhook-id`), or null. */
function idempotencyKeyOf(request: FastifyRequest): string | null {
  const { headers } = request;
  return String(headers['idempotency-key'] ?? headers['webhook-id'] ?? '') || null;
}

/** Writes the queued execution of `inputs` (the items' JSON) and resolves once it is durable. */
export async function acceptExecution(
  options: AcceptOptions,
  binding: TriggerBinding,
  request: FastifyRequest,
  inputs: IDataObject[],
  triggerSource: unknown,
): Promise<Accepted> {
  const execution = newExecution(binding.workflow.id, binding.node.name, binding.route.kind, inputs, {
    idempotencyKey: idempotencyKeyOf(request),
    metadata: { trigger_source: triggerSource ?? null, ip: request.ip },
  });
  const subject = { workflow: binding.workflow, execution, agentId: binding.agentId };
  const committed = await options.committer.submit({
    acknowledged: true,
    executions: [
      {
        record: execution,
        events: withOrganization(
          acceptedEvents(subject),
          workflowOrganization(binding.workflow.definition, binding.node.name),
        ),
        idempotencyWindowSec: options.idempotencyWindowSec,
      },
    ],
  });
  const stored = committed.executionIds.get(execution.id)!;
  return stored.duplicate ? { execution, duplicateOf: stored.id } : { execution };
}
