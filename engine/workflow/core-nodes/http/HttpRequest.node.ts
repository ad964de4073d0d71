/**
 * n8n's HTTP Request node (v4, 4.1, 4.2). Every request goes through the engine's SSRF guard and
 * undici Agent (`engine/pool/http-request.ts`, via the core-node services); redirects are
 * followed only when the node's Redirects option says so. Items are sent in batches as n8n's
 * Batching option says (all at once without it), and answered in input order.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { HooklineError } from '../../../errors.js';
import { NodeApiError, NodeOperationError, sleep } from '../../../node-contract/n8n-runtime.js';
import type { GuardedResponse } from '../../../pool/http-request.js';
import { coreServicesOf } from '../services.js';
import { httpRequestDescription } from './description.js';
import { buildRequest, refuseUnsupportedOptions, type HttpOptions } from './request-options.js';
import { responseItems, statusError } from './response-items.js';

export class HttpRequest implements INodeType {
  description = httpRequestDescription;

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const services = coreServicesOf(this.helpers);
    const sent: Array<Promise<GuardedResponse> | { refused: string }> = [];
    for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
      const options = this.getNodeParameter('options', itemIndex, {}) as HttpOptions;
      await waitForBatch(options, itemIndex);
      try {
        refuseUnsupportedOptions(this, options, itemIndex);
        const response = services.httpRequest(await buildRequest(this, itemIndex, options));
        // Settled below, in input order; a rejection is not unhandled meanwhile.
        response.catch(() => undefined);
        sent.push(response);
      } catch (error) {
        // As n8n: an item whose request cannot be built fails the node, or with continue-on-fail
        // becomes `{ error: message }` while the other items are still sent.
        if (!this.continueOnFail()) throw error;
        sent.push({ refused: (error as Error).message });
      }
    }
    const output: INodeExecutionData[] = [];
    for (const [itemIndex, pending] of sent.entries()) {
      const options = this.getNodeParameter('options', itemIndex, {}) as HttpOptions;
      if ('refused' in pending) {
        output.push({ json: { error: pending.refused }, pairedItem: { item: itemIndex } });
        continue;
      }
      try {
        output.push(...responseItems(this, await answered(this, pending, options, itemIndex), options, itemIndex));
      } catch (error) {
        if (!this.continueOnFail()) throw error;
        output.push({ json: { error: errorJson(error) }, pairedItem: { item: itemIndex } });
      }
    }
    return [output];
  }
}

/** n8n's batching: after every `batchSize` items, wait `batchInterval` ms before sending more. */
async function waitForBatch(options: HttpOptions, itemIndex: number): Promise<void> {
  const batch = options.batching?.batch;
  if (!batch) return;
  const size = batch.batchSize !== undefined && batch.batchSize > 0 ? batch.batchSize : 1;
  const intervalMs = batch.batchInterval ?? 1000;
  if (itemIndex > 0 && intervalMs > 0 && itemIndex % size === 0) await sleep(intervalMs);
}

/** The response, or the error n8n reports: by status (unless `neverError`) or by network failure. */
async function answered(
  context: IExecuteFunctions,
  pending: Promise<GuardedResponse>,
  options: HttpOptions,
  itemIndex: number,
): Promise<GuardedResponse> {
  let response: GuardedResponse;
  try {
    response = await pending;
  } catch (error) {
    throw networkError(context, error, itemIndex);
  }
  const ok = response.statusCode >= 200 && response.statusCode < 300;
  if (ok || options.response?.response?.neverError) return response;
  const location = response.headers.location;
  if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string')
    // n8n v4 follows redirects by default; Hookline does not, so say why the node stopped here.
    throw new NodeOperationError(
      context.getNode(),
      `The server answered ${response.statusCode} (a redirect to ${location}), and redirects are not followed`,
      { itemIndex, description: "Turn on Follow Redirects under the node's Redirects option to follow it." },
    );
  throw statusError(context, response, itemIndex);
}

function networkError(context: IExecuteFunctions, error: unknown, itemIndex: number): Error {
  const node = context.getNode();
  if (error instanceof HooklineError) {
    // n8n's client reports its timeout as an aborted connection (ECONNABORTED), and so do we.
    if (error.code === 'DELIVERY_TIMEOUT')
      return new NodeApiError(
        node,
        { code: 'ECONNABORTED', message: error.message },
        { itemIndex, description: `${error.message} (the node's Timeout option)` },
      );
    // The SSRF guard's refusal, or a URL the guard cannot read: nothing was sent.
    return new NodeOperationError(node, error.message, { itemIndex });
  }
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const reason = { code: typeof code === 'string' ? code : 'UNKNOWN', message: String(message ?? error) };
  return new NodeApiError(node, reason, { itemIndex });
}

function errorJson(error: unknown) {
  const { message, description, httpCode } = error as { message?: string; description?: string; httpCode?: string };
  return { message, ...(description ? { description } : {}), ...(httpCode ? { httpCode } : {}) };
}
