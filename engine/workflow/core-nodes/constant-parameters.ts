/**
 * n8n's nodes read their parameters per item (`this.getNodeParameter(name, itemIndex)`), since any
 * of them may be an expression of the item. Most are not, and reading one costs a parameter lookup
 * and an evaluation for each item. This context answers a parameter without an expression once per
 * run: the same value for every item, as evaluating it again would give.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { hasExpression } from '../expressions.js';

/** `context` with a `getNodeParameter` that evaluates expression-free parameters only once. */
export function withConstantParameters(context: IExecuteFunctions): IExecuteFunctions {
  const parameters = context.getNode().parameters;
  const constants = new Map<string, unknown>();
  const reader = Object.create(context) as IExecuteFunctions;
  reader.getNodeParameter = ((...args: Parameters<IExecuteFunctions['getNodeParameter']>) => {
    const name = args[0];
    if (constants.has(name)) return constants.get(name);
    const value = context.getNodeParameter(...args);
    // Only a parameter the node has (a declared default may still differ per call's fallback).
    if (Object.prototype.hasOwnProperty.call(parameters, name) && !hasExpression(parameters[name]))
      constants.set(name, value);
    return value;
  }) as IExecuteFunctions['getNodeParameter'];
  return reader;
}
