/**
 * n8n's Respond to Webhook node (`n8n-nodes-base.respondToWebhook`, v1 to v1.5), our implementation
 * of its documented behaviour: it builds the answer (all items, the first item, JSON, text, a JWT,
 * a redirect, binary or nothing, with a code and headers) and hands it to the host through
 * `helpers.hookline.setResponse`; the host answers the waiting caller with it at once, while the run
 * goes on (see `engine/ingress/n8n-webhooks.ts`). It passes its input on; v1.3, and v1.4+ with
 * `enableResponseOutput`, add a second output holding the response sent.
 */
import { importPKCS8, SignJWT } from 'jose';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { getHooklineHelpers, type HooklineResponse } from '../../../node-contract/helpers.js';
import { NodeOperationError } from '../../../node-contract/n8n-runtime.js';
import { respondProperties } from './respond-description.js';
import { WEBHOOK_NODE_TYPE } from './webhook-params.js';

/** The triggers a Respond to Webhook node can answer for (n8n's list; Hookline serves the first). */
const WEBHOOK_TRIGGER_TYPES = [
  WEBHOOK_NODE_TYPE,
  'n8n-nodes-base.formTrigger',
  '@n8n/n8n-nodes-langchain.chatTrigger',
  'n8n-nodes-base.wait',
];

interface RespondOptions {
  responseCode?: number;
  responseHeaders?: { entries?: Array<{ name?: unknown; value?: unknown }> };
  responseKey?: string;
}

export class RespondToWebhook implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Respond to Webhook',
    name: 'respondToWebhook',
    group: ['transform'],
    version: [1, 1.1, 1.2, 1.3, 1.4, 1.5],
    defaultVersion: 1.5,
    description: 'Returns data for Webhook',
    defaults: { name: 'Respond to Webhook' },
    inputs: ['main'],
    outputs: ['main'],
    credentials: [{ name: 'jwtAuth', required: true, displayOptions: { show: { respondWith: ['jwt'] } } }],
    properties: respondProperties,
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const node = this.getNode();
    let response: HooklineResponse;
    try {
      if (node.typeVersion >= 1.1) assertWebhookParent(this);
      response = await buildResponse(this, items);
    } catch (error) {
      if (!this.continueOnFail()) throw error;
      return [[{ json: { error: (error as Error).message }, pairedItem: items.map((_, item) => ({ item })) }]];
    }
    getHooklineHelpers(this.helpers)?.setResponse(response);
    const withResponse =
      node.typeVersion === 1.3 ||
      (node.typeVersion >= 1.4 && this.getNodeParameter('enableResponseOutput', 0) === true);
    if (!withResponse) return [items];
    const sent = {
      body: response.body as IDataObject,
      headers: response.headers ?? {},
      statusCode: response.statusCode,
    };
    return [items, [{ json: { response: sent } }]];
  }
}

function assertWebhookParent(context: IExecuteFunctions): void {
  const parents = context.getParentNodes(context.getNode().name);
  if (!parents.some(({ type }) => WEBHOOK_TRIGGER_TYPES.includes(type)))
    throw new NodeOperationError(context.getNode(), 'No Webhook node found in the workflow');
}

function headersOf(options: RespondOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const entry of options.responseHeaders?.entries ?? [])
    if (entry?.name !== undefined && String(entry.name) !== '')
      headers[String(entry.name).toLowerCase()] = String(entry.value ?? '');
  return headers;
}

/** `{ [a]: { [b]: value } }` for the dot path `a.b`; prototype keys are refused, as everywhere else. */
function nestUnder(path: string, value: unknown): IDataObject {
  const keys = path.split('.');
  if (keys.some((key) => key === '__proto__' || key === 'constructor' || key === 'prototype'))
    throw new Error(`'Put Response in Field' may not name '${path.slice(0, 100)}'`);
  return keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as IDataObject;
}

async function buildResponse(context: IExecuteFunctions, items: INodeExecutionData[]): Promise<HooklineResponse> {
  const respondWith = String(context.getNodeParameter('respondWith', 0));
  const options = context.getNodeParameter('options', 0, {}) as RespondOptions;
  const headers = headersOf(options);
  const statusCode = Number(options.responseCode || 200);
  const keyed = (value: unknown) => (options.responseKey ? nestUnder(options.responseKey, value) : value);
  switch (respondWith) {
    case 'allIncomingItems':
      return { statusCode, headers, body: keyed(items.map((item) => item.json)) };
    case 'firstIncomingItem':
      return { statusCode, headers, body: keyed(items[0]?.json ?? {}) };
    case 'json':
      return { statusCode, headers, body: jsonBody(context) };
    case 'text':
      return { statusCode, headers, body: textBody(context) };
    case 'jwt':
      return { statusCode, headers, body: { token: await signToken(context) } };
    case 'noData':
      return { statusCode, headers, body: undefined };
    case 'redirect':
      headers.location = String(context.getNodeParameter('redirectURL', 0));
      return { statusCode: Number(options.responseCode ?? 307), headers, body: undefined };
    case 'binary':
      return binaryResponse(context, items, statusCode, headers);
    default:
      throw new NodeOperationError(context.getNode(), `The Response Data option "${respondWith}" is not supported!`);
  }
}

function jsonBody(context: IExecuteFunctions): unknown {
  const raw = context.getNodeParameter('responseBody', 0);
  if (typeof raw !== 'string') return raw;
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new NodeOperationError(context.getNode(), "Invalid JSON in 'Response Body' field");
  }
}

/** Text mode's body defaults to '' (the shared parameter name's first default is JSON mode's). */
function textBody(context: IExecuteFunctions): string {
  if (context.getNode().parameters.responseBody === undefined) return '';
  return String(context.getNodeParameter('responseBody', 0) ?? '');
}

async function signToken(context: IExecuteFunctions): Promise<string> {
  try {
    const credential = (await context.getCredentials('jwtAuth')) as Record<string, unknown>;
    const algorithm = typeof credential.algorithm === 'string' && credential.algorithm ? credential.algorithm : 'HS256';
    const raw = context.getNodeParameter('payload', 0, {});
    const payload = (typeof raw === 'string' ? JSON.parse(raw || '{}') : raw) as Record<string, unknown>;
    const key =
      credential.keyType === 'pemKey'
        ? await importPKCS8(String(credential.privateKey ?? '').replace(/\\n/g, '\n'), algorithm)
        : new TextEncoder().encode(String(credential.secret ?? ''));
    // n8n's JWT library stamps `iat` unless the payload has one.
    const token = new SignJWT(payload).setProtectedHeader({ alg: algorithm, typ: 'JWT' });
    if (payload.iat === undefined) token.setIssuedAt();
    return await token.sign(key);
  } catch (error) {
    throw new NodeOperationError(context.getNode(), `Error signing JWT token: ${(error as Error).message}`);
  }
}

function binaryResponse(
  context: IExecuteFunctions,
  items: INodeExecutionData[],
  statusCode: number,
  headers: Record<string, string>,
): HooklineResponse {
  const binary = items[0]?.binary;
  const keys = Object.keys(binary ?? {});
  if (!binary || keys.length === 0)
    throw new NodeOperationError(context.getNode(), 'No binary data exists on the first item!');
  const source = context.getNode().parameters.responseDataSource === 'set' ? 'set' : 'automatically';
  const field = source === 'set' ? String(context.getNode().parameters.inputFieldName ?? 'data') : keys[0];
  const data = binary[field];
  if (!data) throw new NodeOperationError(context.getNode(), `The item has no binary field '${field.slice(0, 100)}'`);
  const body = Buffer.from(data.data, 'base64');
  headers['content-length'] ??= String(body.length);
  headers['content-type'] ??= data.mimeType;
  return { statusCode, headers, body };
}
