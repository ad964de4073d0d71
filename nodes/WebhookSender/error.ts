/**
 * The sender's failures as n8n errors: `NodeOperationError` for a configuration the node cannot
 * act on, `NodeApiError` for a receiver that answered but never with 2xx. Both carry the item
 * index so n8n's UI points at the item that failed.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from '../../engine/node-contract/n8n-runtime.js';

/** Thrown for Emit Event inside n8n: there is no subscription store to publish to. */
export const EVENT_MODE_NEEDS_ENGINE = 'Emit Event needs the Hookline engine; use Post to URL inside n8n';

/** How an inline delivery ended when it did not succeed. */
export interface DeliveryFailure {
  /** The last HTTP status, or null when no answer came (refused, timed out). */
  statusCode: number | null;
  attempts: number;
  /** What went wrong on the last attempt, e.g. `HTTP 500: oops` or `connect ECONNREFUSED`. */
  error: string;
  /** Why retrying stopped early, when it did: 410 Gone or `webhook-delivery: abort-message`. */
  stopReason?: 'gone' | 'abort';
}

/** A configuration or input problem; never retried. */
export function configError(node: INode, message: string, itemIndex?: number, description?: string): Error {
  return new NodeOperationError(node, message, { itemIndex, description });
}

/** Whether `error` is already one of n8n's node errors, which must reach n8n unwrapped. */
export function isNodeError(error: unknown): error is Error {
  return error instanceof NodeOperationError || error instanceof NodeApiError;
}

/** Wraps whatever a dependency threw (a rules HooklineError, an engine error) for n8n. */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): Error {
  if (isNodeError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new NodeOperationError(node, message, { itemIndex });
}

function stopDescription(failure: DeliveryFailure): string {
  if (failure.stopReason === 'gone') return 'The receiver answered 410 Gone, so the node did not retry';
  if (failure.stopReason === 'abort')
    return 'The receiver answered "webhook-delivery: abort-message", so the node did not retry';
  return `Gave up after ${failure.attempts} attempt(s); raise Max Retries or check the receiver`;
}

/**
 * The error of an inline delivery that never got a 2xx: `NodeApiError` with the HTTP status when
 * the receiver answered, `NodeOperationError` when it could not be reached at all.
 */
export function deliveryError(node: INode, url: string, failure: DeliveryFailure, itemIndex: number): Error {
  const message = `Webhook to ${url} failed: ${failure.error}`;
  const description = stopDescription(failure);
  if (failure.statusCode === null) return new NodeOperationError(node, message, { itemIndex, description });
  const response: JsonObject = { message, status_code: failure.statusCode, attempts: failure.attempts };
  return new NodeApiError(node, response, { message, description, httpCode: String(failure.statusCode), itemIndex });
}
