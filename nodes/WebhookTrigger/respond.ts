/**
 * What the trigger hands on and answers: the workflow item (with secrets stripped), the seed's
 * "queued" answer, and error answers written n8n-style through the response object.
 */
import type { IDataObject, IWebhookResponseData } from 'n8n-workflow';
import { rejectionBody, type WebhookRejection } from '../../engine/trigger-checks/index.js';

/**
 * Headers that carry credentials or signatures. They are dropped from the item because items are
 * stored with the execution and shown in editors and logs; the checks have already used them.
 */
export const REDACTED_HEADERS: readonly string[] = [
  'authorization',
  'cookie',
  'proxy-authorization',
  'x-hub-signature-256',
  'stripe-signature',
  'webhook-signature',
];

/** The part of express's `Response` used to answer a rejected request. */
export interface RejectionResponse {
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
  json(body: unknown): unknown;
}

/** Headers without {@link REDACTED_HEADERS} and `extra` (names compared in lower case). */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
  extra: readonly string[] = [],
): IDataObject {
  const drop = new Set([...REDACTED_HEADERS, ...extra.map((name) => name.toLowerCase())]);
  const kept: IDataObject = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !drop.has(name.toLowerCase())) kept[name] = value;
  }
  return kept;
}

/** The query without `token`: the URL token is a secret whatever the authentication method. */
export function redactQuery(query: Record<string, unknown>): IDataObject {
  const kept: IDataObject = {};
  for (const [name, value] of Object.entries(query)) if (name !== 'token') kept[name] = value as IDataObject[string];
  return kept;
}

/** The seed's answer to an accepted request, before the engine adds `execution_id`. */
export function acceptedResponse(): { success: true; message: string; status: 'queued' } {
  return { success: true, message: 'Webhook processed successfully', status: 'queued' };
}

/** What a successful call hands to the workflow. */
export interface AcceptedRequest {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  params: object;
  responseMode: 'onReceived' | 'lastNode';
  /** Further headers to strip, e.g. the configured hex signature header. */
  redactHeaders?: readonly string[];
}

/**
 * One item `{ body, headers, query, params }` on the main output; for `onReceived` also the
 * seed's "queued" answer, which n8n sends (the engine answers itself, with the execution id).
 */
export function acceptRequest(request: AcceptedRequest): IWebhookResponseData {
  const json: IDataObject = {
    body: request.body as IDataObject,
    headers: redactHeaders(request.headers, request.redactHeaders),
    query: redactQuery(request.query),
    params: request.params as IDataObject,
  };
  const result: IWebhookResponseData = { workflowData: [[{ json }]] };
  if (request.responseMode === 'onReceived') result.webhookResponse = acceptedResponse();
  return result;
}

/** Writes the rejection (status, headers, the seed's error body) and tells the host not to answer again. */
export function rejectRequest(res: RejectionResponse, rejection: WebhookRejection): IWebhookResponseData {
  res.status(rejection.status);
  for (const [name, value] of Object.entries(rejection.headers ?? {})) res.setHeader(name, value);
  res.json(rejectionBody(rejection));
  return { noWebhookResponse: true };
}
