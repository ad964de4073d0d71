/**
 * The Webhook node's parameters as the host and the node read them, once per request or per table
 * build: methods, path, response mode, code, data and headers, and the options the checks use.
 * Values are n8n's; how each one is read (which version keeps `responseCode` where, when
 * `responseData` applies) follows n8n's documented behaviour.
 */
import type { INode } from 'n8n-workflow';
import { NodeHelpers } from '../../../node-contract/n8n-runtime.js';

/** n8n's type names for the two nodes of this family. */
export const WEBHOOK_NODE_TYPE = 'n8n-nodes-base.webhook';
export const RESPOND_TO_WEBHOOK_NODE_TYPE = 'n8n-nodes-base.respondToWebhook';

export type WebhookAuthentication = 'none' | 'basicAuth' | 'headerAuth' | 'jwtAuth';
export type WebhookResponseMode = 'onReceived' | 'lastNode' | 'responseNode';
export type LastNodeResponseData = 'allEntries' | 'firstEntryJson' | 'firstEntryBinary' | 'noData';

/** The `options` collection, as far as Hookline acts on it. */
export interface WebhookOptions {
  allowedOrigins: string;
  ignoreBots: boolean;
  ipWhitelist: string;
  noResponseBody: boolean;
  rawBody: boolean;
  binaryPropertyName: string;
  /** onReceived: a custom text body. */
  responseData?: string;
  /** lastNode + firstEntryJson: the content type to answer with. */
  responseContentType?: string;
  /** lastNode + firstEntryJson: answer with this (dot) path of the first item instead of all of it. */
  responsePropertyName?: string;
  /** Lower-case names. */
  responseHeaders: Record<string, string>;
}

export interface WebhookParameters {
  /** One per output, in output order; a single method unless `multipleMethods`. */
  methods: string[];
  multipleMethods: boolean;
  /** `path` without leading and trailing slashes ('' when unset). */
  path: string;
  authentication: WebhookAuthentication | string;
  responseMode: WebhookResponseMode | string;
  responseCode: number;
  /** lastNode only. */
  responseData: LastNodeResponseData;
  responseBinaryPropertyName: string;
  options: WebhookOptions;
}

/** The parameter reader of a webhook context or of the trigger table (declared defaults filled in). */
export type ParameterReader = (name: string, fallback: unknown) => unknown;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown, fallback = ''): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : fallback;

function methodsOf(read: ParameterReader, multiple: boolean): string[] {
  const raw = read('httpMethod', multiple ? ['GET', 'POST'] : 'GET');
  // n8n's multiOptions default when the export leaves the list out.
  const list = Array.isArray(raw) ? raw : multiple && raw === 'GET' ? ['GET', 'POST'] : [raw];
  return list.map((method) => text(method, 'GET').toUpperCase());
}

/** v1/v1.1 keep a number; v2 an option `{ values: { responseCode, customCode } }`, the custom code winning. */
function responseCodeOf(read: ParameterReader, version: number, options: Record<string, unknown>): number {
  let code: unknown = 200;
  if (version < 2) code = read('responseCode', 200);
  else if (isRecord(options.responseCode) && isRecord(options.responseCode.values)) {
    const { responseCode, customCode } = options.responseCode.values;
    code = customCode || responseCode;
  }
  const value = Number(code);
  return Number.isInteger(value) && value >= 100 && value <= 599 ? value : 200;
}

function headersOf(raw: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  const entries = isRecord(raw) && Array.isArray(raw.entries) ? raw.entries : [];
  for (const entry of entries) {
    if (!isRecord(entry) || text(entry.name) === '') continue;
    headers[text(entry.name).toLowerCase()] = text(entry.value);
  }
  return headers;
}

function optionsOf(raw: Record<string, unknown>): WebhookOptions {
  const optional = (name: string) =>
    typeof raw[name] === 'string' && raw[name] !== '' ? String(raw[name]) : undefined;
  return {
    allowedOrigins: text(raw.allowedOrigins, '*') || '*',
    ignoreBots: raw.ignoreBots === true,
    ipWhitelist: text(raw.ipWhitelist),
    noResponseBody: raw.noResponseBody === true,
    rawBody: raw.rawBody === true,
    binaryPropertyName: text(raw.binaryPropertyName, 'data') || 'data',
    responseData: optional('responseData'),
    responseContentType: optional('responseContentType'),
    responsePropertyName: optional('responsePropertyName'),
    responseHeaders: headersOf(raw.responseHeaders),
  };
}

/** Reads every parameter the Webhook node and its host act on. */
export function readWebhookParameters(read: ParameterReader, version: number): WebhookParameters {
  const rawOptions = read('options', {});
  const options = isRecord(rawOptions) ? rawOptions : {};
  const multipleMethods = read('multipleMethods', false) === true;
  const responseMode = text(read('responseMode', 'onReceived'), 'onReceived');
  const responseData = responseMode === 'lastNode' ? text(read('responseData', 'firstEntryJson')) : '';
  return {
    methods: methodsOf(read, multipleMethods),
    multipleMethods,
    path: text(read('path', ''))
      .trim()
      .replace(/^\/+|\/+$/g, ''),
    authentication: text(read('authentication', 'none'), 'none'),
    responseMode,
    responseCode: responseCodeOf(read, version, options),
    responseData: (responseData || 'firstEntryJson') as LastNodeResponseData,
    responseBinaryPropertyName: text(read('responseBinaryPropertyName', 'data'), 'data'),
    options: optionsOf(options),
  };
}

/**
 * The path n8n serves the node at, after `/webhook/` (n8n-workflow's own `getNodeWebhookPath`, so
 * it matches by construction): `path`, or the node's `webhookId` when the path is empty; a node
 * without `webhookId` (hand-written JSON) is served under `{workflowId}/{node name}/`. A path with
 * `:name` segments is served under `webhookId/` (n8n's dynamic webhooks); without a `webhookId` n8n
 * cannot serve it, and neither does Hookline: null.
 */
export function webhookPathOf(
  workflowId: string,
  node: { name: string; webhookId?: string },
  path: string,
): string | null {
  const dynamic = isDynamicPath(path);
  if (dynamic && !node.webhookId) return null;
  const full = NodeHelpers.getNodeWebhookPath(workflowId, node as INode, path, !dynamic);
  return full.replace(/^\/+|\/+$/g, '') || null;
}

/** A path with at least one `:name` segment. */
export function isDynamicPath(path: string): boolean {
  return path.split('/').some((segment) => segment.startsWith(':'));
}
