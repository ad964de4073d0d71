/**
 * What n8n answers a Webhook node's caller, by response mode, as n8n documents and does it:
 * `onReceived` at once (`{"message":"Workflow was started"}`, the custom `responseData` text, or no
 * body); `lastNode` with the last node's output (`firstEntryJson`, `allEntries`, `noData`;
 * `firstEntryBinary` needs binary data, which the run's result does not carry); `responseNode` with
 * what the Respond to Webhook node set. The bodies n8n sends after a run (`Error in workflow`, …)
 * are n8n's own; refusals before a run are in Hookline's error shape (see n8n-webhooks.ts).
 */
import type { FastifyReply } from 'fastify';
import type { HooklineResponse } from '../node-contract/helpers.js';
import type { WebhookParameters } from '../workflow/core-nodes/webhook/webhook-params.js';
import type { ExecutionOutcome } from '../workflow/executor.js';

/** An answer: status, headers (lower-case names) and a body (undefined: none). */
export interface N8nAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

const message = (statusCode: number, text: string): N8nAnswer => ({
  statusCode,
  headers: {},
  body: { message: text },
});

/** `onReceived`: n8n's default message, the custom text, or nothing with `noResponseBody`. */
export function onReceivedAnswer(params: WebhookParameters): N8nAnswer {
  const { options } = params;
  let body: unknown = { message: 'Workflow was started' };
  if (options.responseData) body = options.responseData;
  else if (options.noResponseBody) body = undefined;
  return { statusCode: params.responseCode, headers: {}, body };
}

/** A dot path into an item, as n8n's `responsePropertyName` reads it; prototype keys read nothing. */
function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** `lastNode`: the run's outcome as n8n answers it. */
export function lastNodeAnswer(params: WebhookParameters, outcome: ExecutionOutcome): N8nAnswer {
  const { result } = outcome;
  if (result.status === 'failed') return message(500, 'Error in workflow');
  if (result.status === 'stopped') return message(500, 'There was a problem executing the workflow');
  const items = result.output;
  const code = params.responseCode;
  switch (params.responseData) {
    case 'noData':
      return { statusCode: code, headers: {}, body: undefined };
    case 'allEntries':
      return { statusCode: code, headers: {}, body: items };
    case 'firstEntryBinary':
      return message(500, items.length === 0 ? 'No item was found to return' : 'No binary data was found to return');
    default: {
      if (items.length === 0) return message(500, 'No item to return was found');
      const property = params.options.responsePropertyName;
      const body = property === undefined ? items[0] : valueAt(items[0], property);
      const contentType = params.options.responseContentType;
      return { statusCode: code, headers: contentType ? { 'content-type': contentType } : {}, body };
    }
  }
}

/** `responseNode`: the Respond to Webhook node's answer; a run that never reached one answers empty. */
export function responseNodeAnswer(
  params: WebhookParameters,
  response: HooklineResponse | null,
  outcome: ExecutionOutcome | null,
): N8nAnswer {
  if (response) return { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body };
  if (outcome?.result.status === 'failed') return message(500, 'Error in workflow');
  if (outcome?.result.status === 'stopped') return message(500, 'There was a problem executing the workflow');
  return { statusCode: params.responseCode, headers: {}, body: undefined };
}

/**
 * Sends an answer as express sends n8n's: text as HTML unless a content type is set, a Buffer as is,
 * anything else as JSON (even under another content type, which the node's options may set).
 * `extraHeaders` (the node's response headers, CORS) go first; the answer's own win.
 */
export function sendAnswer(reply: FastifyReply, answer: N8nAnswer, extraHeaders: Record<string, string>): FastifyReply {
  const headers = { ...extraHeaders, ...answer.headers };
  const { body } = answer;
  void reply.status(answer.statusCode);
  // express's `res.json(undefined)`: the JSON content type (not on a 204 or 304), and no body.
  if (body === undefined || body === null) {
    if (answer.statusCode !== 204 && answer.statusCode !== 304)
      headers['content-type'] ??= 'application/json; charset=utf-8';
    return reply.headers(headers).send();
  }
  if (Buffer.isBuffer(body)) return reply.headers(headers).send(body);
  if (typeof body === 'string') {
    headers['content-type'] ??= 'text/html; charset=utf-8';
    return reply.headers(headers).send(body);
  }
  headers['content-type'] ??= 'application/json; charset=utf-8';
  return reply.headers(headers).send(JSON.stringify(body));
}
