/**
 * Which trigger node answers which method and path, with the parameters its checks read, rebuilt
 * when workflows load or change. n8n's dynamic webhook paths (`/webhook/{webhookId}/user/:id`) match
 * as n8n matches them: same number of segments, every literal segment equal, the most literal
 * segments winning; a static path always wins over a dynamic one.
 */
import type { INodeType } from 'n8n-workflow';
import { readTriggerParameters, type TriggerParameters } from '../trigger-checks/index.js';
import { readWebhookParameters, type WebhookParameters } from '../workflow/core-nodes/webhook/webhook-params.js';
import { nodeParameter } from '../workflow/node-types.js';
import { triggerRoutes, type TriggerRoute } from '../workflow/routes.js';
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
  /** n8n's Webhook node: its parameters, read once per table build. */
  webhookParams?: WebhookParameters;
  /** The values of a dynamic path's `:name` segments, for this request. */
  pathParams?: Record<string, string>;
}

export interface TriggerTable {
  find(method: string, path: string): TriggerBinding | undefined;
  /** The methods something listens to on `path` (CORS preflights). */
  methodsAt(path: string): string[];
  rebuild(workflows: Iterable<LoadedWorkflow>): void;
  readonly size: number;
}

interface DynamicEntry {
  method: string;
  segments: string[];
  binding: TriggerBinding;
}

const trimSlashes = (path: string): string => path.replace(/\/+$/, '');

/** The dynamic entry matching `segments` best, with its parameters, or undefined. */
function matchDynamic(entries: DynamicEntry[], method: string, segments: string[]): TriggerBinding | undefined {
  let best: { entry: DynamicEntry; literal: number } | undefined;
  for (const entry of entries) {
    if ((method !== '*' && entry.method !== method) || entry.segments.length !== segments.length) continue;
    let literal = 0;
    const fits = entry.segments.every((segment, index) => {
      if (segment.startsWith(':')) return segments[index] !== '';
      literal++;
      return segment === segments[index];
    });
    if (fits && (!best || literal > best.literal)) best = { entry, literal };
  }
  if (!best) return undefined;
  const pathParams: Record<string, string> = {};
  best.entry.segments.forEach((segment, index) => {
    if (segment.startsWith(':')) pathParams[segment.slice(1)] = decodeSegment(segments[index]);
  });
  return { ...best.entry.binding, pathParams };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function bindingOf(workflow: LoadedWorkflow, node: WorkflowNodeDefinition, nodeType: INodeType, route: TriggerRoute) {
  const params = node.parameters;
  const read = (name: string, fallback: unknown) => nodeParameter(nodeType.description, params, name, fallback);
  const webhookParams = route.n8n ? readWebhookParameters(read, node.typeVersion) : undefined;
  return {
    workflow,
    node,
    nodeType,
    route,
    agentId: route.kind === 'agent' ? String(params.agentId) : undefined,
    respondWhenFinished:
      webhookParams !== undefined
        ? webhookParams.responseMode !== 'onReceived'
        : params.responseMode === 'lastNode' || workflow.definition.settings?.respond === 'when_finished',
    // Read as the node reads them in its webhook context.
    checkParams: readTriggerParameters({ getNodeParameter: read }),
    webhookParams,
  };
}

export function createTriggerTable(registry: NodeTypeRegistry): TriggerTable {
  let bindings = new Map<string, TriggerBinding>();
  let dynamic: DynamicEntry[] = [];
  return {
    find(method, path) {
      const trimmed = trimSlashes(path);
      const found = bindings.get(`${method} ${trimmed}`);
      if (found || dynamic.length === 0) return found;
      return matchDynamic(dynamic, method, trimmed.split('/'));
    },
    methodsAt(path) {
      const trimmed = trimSlashes(path);
      const methods = [...bindings.keys()].filter((key) => key.endsWith(` ${trimmed}`)).map((key) => key.split(' ')[0]);
      const segments = trimmed.split('/');
      for (const entry of dynamic)
        if (matchDynamic([entry], entry.method, segments) && !methods.includes(entry.method))
          methods.push(entry.method);
      return methods;
    },
    rebuild(workflows) {
      const next = new Map<string, TriggerBinding>();
      const nextDynamic: DynamicEntry[] = [];
      for (const workflow of workflows) {
        for (const node of workflow.definition.nodes) {
          const nodeType = registry.get(node.type);
          if (!nodeType) continue;
          for (const route of triggerRoutes(node, workflow.id, registry)) {
            const binding = bindingOf(workflow, node, nodeType, route);
            if (route.n8n && route.path.includes('/:'))
              nextDynamic.push({ method: route.method, segments: route.path.split('/'), binding });
            else next.set(`${route.method} ${route.path}`, binding);
          }
        }
      }
      bindings = next;
      dynamic = nextDynamic;
    },
    get size() {
      return bindings.size + dynamic.length;
    },
  };
}
