/**
 * Which trigger node answers which method and path, with the parameters its checks read, rebuilt
 * when workflows load or change.
 */
import type { INodeType } from 'n8n-workflow';
import { readTriggerParameters, type TriggerParameters } from '../trigger-checks/index.js';
import { nodeParameter } from '../workflow/node-types.js';
import { triggerRoute, type TriggerRoute } from '../workflow/routes.js';
import type { LoadedWorkflow, NodeTypeRegistry, WorkflowNodeDefinition } from '../workflow/types.js';

export interface TriggerBinding {
  workflow: LoadedWorkflow;
  node: WorkflowNodeDefinition;
  nodeType: INodeType;
  route: TriggerRoute;
  agentId?: string;
  respondWhenFinished: boolean;
  /** The trigger's parameters as its node reads them (declared defaults filled in), for the checks. */
  checkParams: TriggerParameters;
}

export interface TriggerTable {
  find(method: string, path: string): TriggerBinding | undefined;
  rebuild(workflows: Iterable<LoadedWorkflow>): void;
  readonly size: number;
}

export function createTriggerTable(registry: NodeTypeRegistry): TriggerTable {
  let bindings = new Map<string, TriggerBinding>();
  return {
    find: (method, path) => bindings.get(`${method} ${path.replace(/\/+$/, '')}`),
    rebuild(workflows) {
      const next = new Map<string, TriggerBinding>();
      for (const workflow of workflows) {
        for (const node of workflow.definition.nodes) {
          const route = triggerRoute(node, workflow.id, registry);
          if (!route) continue;
          const nodeType = registry.get(node.type)!;
          const params = node.parameters;
          next.set(`${route.method} ${route.path}`, {
            workflow,
            node,
            nodeType,
            route,
            agentId: route.kind === 'agent' ? String(params.agentId) : undefined,
            respondWhenFinished:
              params.responseMode === 'lastNode' || workflow.definition.settings?.respond === 'when_finished',
            // Read as the node reads them in its webhook context.
            checkParams: readTriggerParameters({
              getNodeParameter: (name, fallback) => nodeParameter(nodeType.description, params, name, fallback),
            }),
          });
        }
      }
      bindings = next;
    },
    get size() {
      return bindings.size;
    },
  };
}
