/**
 * The error a condition node stops the run with: n8n's own errors (a filter's type error, an error
 * already naming the node) pass through with the item index; anything else is wrapped in a
 * NodeOperationError for the node and item.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { ApplicationError, NodeOperationError } from '../../../node-contract/n8n-runtime.js';

export function conditionNodeError(context: IExecuteFunctions, error: unknown, itemIndex: number): Error {
  if (error instanceof NodeOperationError) return error;
  if (error instanceof ApplicationError) {
    const target = error as Error & { context?: Record<string, unknown> };
    target.context = { ...target.context, itemIndex };
    return error;
  }
  return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}
