/** A new execution record, queued. */
import { createId } from '../events/ids.js';
import type { ExecutionRecord } from '../store/types.js';

export function newExecution(
  workflowId: string,
  triggerNode: string | null,
  kind: ExecutionRecord['kind'],
  input: unknown,
  extra: Partial<ExecutionRecord> = {},
): ExecutionRecord {
  const now = new Date();
  return {
    id: createId('exec', now.getTime()),
    workflowId,
    kind,
    triggerNode,
    status: 'queued',
    input,
    output: null,
    error: null,
    idempotencyKey: null,
    metadata: null,
    createdAt: now.toISOString(),
    startedAt: null,
    finishedAt: null,
    ...extra,
  };
}
