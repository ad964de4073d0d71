/**
 * The part of n8n's `IWebhookFunctions` a trigger node uses, over a fastify request, on the shared
 * host context (`workflow/node-context.ts`). The node writes error answers n8n-style through
 * `getResponseObject()`; the capture here lets the engine send them. `helpers.hooklineTrigger`
 * tells the node which checks the ingress already ran, so it runs only the rest.
 */
import type { FastifyRequest } from 'fastify';
import type { INodeType, IWebhookFunctions } from 'n8n-workflow';
import type { HooklineTriggerHelpers } from '../node-contract/helpers.js';
import type { TriggerCheck } from '../trigger-checks/index.js';
import { BASE_HELPERS, hostContext, withBaseContext, type CredentialResolver } from '../workflow/node-context.js';
import { nodeParameter } from '../workflow/node-types.js';
import type { LoadedWorkflow, WorkflowNodeDefinition } from '../workflow/types.js';

export interface CapturedResponse {
  sent: boolean;
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface WebhookContextOptions {
  request: FastifyRequest;
  workflow: LoadedWorkflow;
  node: WorkflowNodeDefinition;
  nodeType: INodeType;
  resolveCredential: CredentialResolver;
  baseUrl: string;
  path: string;
  /** The trigger checks that already ran and passed for this request. */
  checksPassed: readonly TriggerCheck[];
  /** n8n's execution mode: `manual` for its test URL. @defaultValue 'webhook' */
  mode?: 'webhook' | 'manual';
  /** The path's parameters (n8n's dynamic paths), instead of the route's. */
  params?: Record<string, string>;
  /** Claims of the JWT the ingress verified, handed to the node. */
  jwtPayload?: Record<string, unknown>;
  /** n8n's `getChildNodes`, for nodes that check what follows them. */
  childNodes?: (name: string) => Array<{ name: string; type: string; typeVersion: number }>;
}

export function createWebhookContext(options: WebhookContextOptions): {
  context: IWebhookFunctions;
  response: CapturedResponse;
} {
  const { request, node, nodeType } = options;
  const response: CapturedResponse = { sent: false, statusCode: 200, headers: {}, body: undefined };
  const res = {
    status(code: number) {
      response.statusCode = code;
      return res;
    },
    setHeader(name: string, value: string) {
      response.headers[name.toLowerCase()] = value;
      return res;
    },
    json(body: unknown) {
      Object.assign(response, { sent: true, body });
      return res;
    },
    send(body: unknown) {
      return res.json(body);
    },
    end(body?: unknown) {
      return res.json(body ?? '');
    },
  };
  const requestObject = {
    headers: request.headers,
    query: request.query,
    body: request.body,
    rawBody: request.rawBody,
    ip: request.ip,
    method: request.method,
    url: request.url,
    params: options.params ?? request.params,
  };
  const hooklineTrigger: HooklineTriggerHelpers = {
    checksPassed: options.checksPassed,
    jwtPayload: options.jwtPayload,
  };
  const context = {
    getBodyData: () => request.body ?? {},
    getHeaderData: () => request.headers,
    getQueryData: () => request.query ?? {},
    getParamsData: () => requestObject.params ?? {},
    getMode: () => options.mode ?? 'webhook',
    getChildNodes: (name: string) => options.childNodes?.(name) ?? [],
    getRequestObject: () => requestObject,
    getResponseObject: () => res,
    getNodeParameter: (name: string, fallback?: unknown) =>
      nodeParameter(nodeType.description, node.parameters, name, fallback),
    getWebhookName: () => 'default',
    getNodeWebhookUrl: () => `${options.baseUrl}${options.path}`,
    helpers: Object.assign({ hooklineTrigger }, BASE_HELPERS),
  };
  return { context: hostContext<IWebhookFunctions>(node, withBaseContext(context, options)), response };
}
