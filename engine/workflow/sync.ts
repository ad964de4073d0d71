/**
 * Brings the store in line with the workflow files: new files are created, changed ones updated,
 * vanished ones deleted, and each change emits its lifecycle event (agent triggers also emit the
 * agent's), in the same durable write.
 */
import { createEvent, type EventEnvelope } from '../events/envelope.js';
import { withOrganization } from '../events/organization.js';
import type { Store } from '../store/types.js';
import type { GroupCommitter } from '../store/group-commit.js';
import { triggerOrganization, workflowOrganization } from './organization.js';
import type { LoadedWorkflow } from './types.js';

export interface SyncSummary {
  created: string[];
  updated: string[];
  deleted: string[];
}

export async function syncWorkflows(
  store: Store,
  committer: GroupCommitter,
  workflows: readonly LoadedWorkflow[],
  sourceDir: string | null,
): Promise<SyncSummary> {
  const summary: SyncSummary = { created: [], updated: [], deleted: [] };
  const events: EventEnvelope[] = [];
  const loadedIds = new Set(workflows.map((w) => w.id));
  for (const workflow of workflows) {
    // An activation made through the API outlives restarts while the file is unchanged.
    const stored = await store.getWorkflow(workflow.id);
    if (stored && stored.hash === workflow.hash) workflow.active = stored.active;
    const change = await store.upsertWorkflow({
      id: workflow.id,
      name: workflow.name,
      active: workflow.active,
      definition: workflow.definition,
      hash: workflow.hash,
      sourcePath: workflow.sourcePath,
    });
    if (change === 'unchanged') continue;
    summary[change].push(workflow.id);
    events.push(
      ...withOrganization(
        changeEvents(change, workflow.id, workflow.name, workflow.definition.nodes),
        workflowOrganization(workflow.definition),
      ),
    );
  }
  for (const stored of await store.listWorkflows()) {
    // Only files that came from this folder are removed when they vanish.
    if (loadedIds.has(stored.id) || !sourceDir || !stored.sourcePath?.startsWith(sourceDir)) continue;
    // Several processes watching one folder all see the file go: the one whose delete took emits.
    if (!(await store.deleteWorkflow(stored.id))) continue;
    summary.deleted.push(stored.id);
    const definition = stored.definition as LoadedWorkflow['definition'];
    events.push(
      ...withOrganization(
        changeEvents('deleted', stored.id, stored.name, definition.nodes ?? []),
        workflowOrganization(definition),
      ),
    );
  }
  if (events.length > 0) await committer.submit({ events });
  return summary;
}

function changeEvents(
  change: 'created' | 'updated' | 'deleted',
  id: string,
  name: string,
  nodes: LoadedWorkflow['definition']['nodes'],
): EventEnvelope[] {
  const events: EventEnvelope[] = [
    createEvent(`workflow.${change}`, { workflow: { id, name }, workflowId: id, workflow_id: id, name }),
  ];
  for (const node of nodes) {
    if (node.parameters.kind === 'agent' && node.parameters.agentId) {
      const agentEvent = createEvent(`agent.${change}`, {
        agent_id: node.parameters.agentId,
        agentId: node.parameters.agentId,
        workflow_id: id,
      });
      // The agent's own organization; the caller gives the others the workflow's.
      events.push(...withOrganization([agentEvent], triggerOrganization(node)));
    }
  }
  return events;
}
