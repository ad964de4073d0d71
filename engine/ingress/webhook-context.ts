/**
 * The part of n8n's `IWebhookFunctions` a trigger node uses, over a fastify request. The node
 * writes error answers n8n-style through `getResponseObject()`; the capture here lets the
 * engine send them.
 */
import type { FastifyRequest } from 'fastify';
import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';
import { createError } from '../errors.js';
import type { CredentialResolver } from '../workflow/execute-context.js';
import { parameterOrDefault } from '../workflow/node-types.js';
import type { LoadedWorkflow, WorkflowNodeDefinition } from '../workflow/types.js';
import type { INodeType } from 'n8n-workflow';

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
}

export function createWebhookContext(options: WebhookContextOptions): {
  context: IWebhookFunctions;
  response: CapturedResponse;
} {
  const { request, node, nodeType, workflow } = options;
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
    params: request.params,
  };
  const context = {
    getBodyData: () => request.body ?? {},
    getHeaderData: () => request.headers,
    getQueryData: () => request.query ?? {},
    getParamsData: () => request.params ?? {},
    getRequestObject: () => requestObject,
    getResponseObject: () => res,
    getNodeParameter(name: string, fallback?: unknown) {
      const value = parameterOrDefault(nodeType.description, node.parameters, name);
      return value === undefined ? fallback : value;
    },
    async getCredentials(type: string): Promise<ICredentialDataDecryptedObject> {
      const reference = node.credentials?.[type];
      const data = reference ? await options.resolveCredential(type, reference) : null;
      if (!data) throw createError('CREDENTIAL_NOT_FOUND', [reference?.name ?? '(none)', type]);
      return data as ICredentialDataDecryptedObject;
    },
    getNode: () => ({ ...node }),
    getWorkflow: () => ({ id: workflow.id, name: workflow.name, active: workflow.active }),
    getMode: () => 'webhook',
    getWebhookName: () => 'default',
    getNodeWebhookUrl: () => `${options.baseUrl}${options.path}`,
    helpers: {
      returnJsonArray: (data: unknown) => (Array.isArray(data) ? data : [data]).map((json) => ({ json })),
    },
  };
  return { context: context as unknown as IWebhookFunctions, response };
}
