/**
 * Which trigger node answers which method and path, rebuilt when workflows load or change, and
 * the authentication check that runs before a request's body is read.
 */
import type { FastifyRequest } from 'fastify';
import type { INodeType } from 'n8n-workflow';
import { HooklineError } from '../errors.js';
import { authenticate, authKey, WebhookAuthError, type AuthMethod } from '../../nodes/WebhookTrigger/auth.js';
import { checkSource } from '../../nodes/WebhookTrigger/inspect-request.js';
import { readTriggerParameters, type TriggerOptions } from '../../nodes/WebhookTrigger/parameters.js';
import type { CredentialResolver } from '../workflow/execute-context.js';
import { triggerRoute, type TriggerRoute } from '../workflow/routes.js';
import type { LoadedWorkflow, NodeTypeRegistry, WorkflowNodeDefinition } from '../workflow/types.js';

export interface TriggerBinding {
  workflow: LoadedWorkflow;
  node: WorkflowNodeDefinition;
  nodeType: INodeType;
  route: TriggerRoute;
  agentId?: string;
  authMethod: AuthMethod;
  respondWhenFinished: boolean;
  /** IP allowlist and allowed origins: checked first, before credentials. */
  sourceOptions: TriggerOptions;
}

export interface TriggerTable {
  find(method: string, path: string): TriggerBinding | undefined;
  rebuild(workflows: Iterable<LoadedWorkflow>): void;
  readonly size: number;
}

/** Credential type per authentication method of the trigger node. */
export const CREDENTIAL_TYPES: Record<AuthMethod, string | null> = {
  urlToken: 'hooklineTokenApi',
  bearer: 'hooklineBearerApi',
  basic: 'hooklineBasicAuthApi',
  none: null,
};

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
          const params = node.parameters;
          next.set(`${route.method} ${route.path}`, {
            workflow,
            node,
            nodeType: registry.get(node.type)!,
            route,
            agentId: route.kind === 'agent' ? String(params.agentId) : undefined,
            authMethod: (params.authentication as AuthMethod | undefined) ?? 'urlToken',
            respondWhenFinished:
              params.responseMode === 'lastNode' || workflow.definition.settings?.respond === 'when_finished',
            sourceOptions: readTriggerParameters({
              getNodeParameter: (name: string, fallback: unknown) => params[name] ?? fallback,
            } as never).options,
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

/**
 * Checks the caller's credentials from the headers and query alone; returns a key naming the
 * caller for rate limiting (the credential, or the address when the trigger is open).
 */
export async function preAuthenticate(
  binding: TriggerBinding,
  request: FastifyRequest,
  resolve: CredentialResolver,
): Promise<string> {
  const source = checkSource({ headers: request.headers, query: {}, ip: request.ip }, binding.sourceOptions);
  if (source) throw new HooklineError(source.code, source.message);
  const type = CREDENTIAL_TYPES[binding.authMethod];
  const reference = type ? binding.node.credentials?.[type] : undefined;
  const credential = type && reference ? await resolve(type, reference) : null;
  try {
    authenticate(
      { headers: request.headers, query: request.query as Record<string, unknown> },
      binding.authMethod,
      credential,
    );
  } catch (error) {
    if (error instanceof WebhookAuthError) {
      throw new HooklineError(error.code, error.message, {
        details: error.details,
        headers: error.wwwAuthenticate ? { 'www-authenticate': error.wwwAuthenticate } : undefined,
      });
    }
    throw error;
  }
  return `${binding.workflow.id}:${binding.node.name}:${binding.authMethod === 'none' ? request.ip : authKey(binding.authMethod, credential)}`;
}
