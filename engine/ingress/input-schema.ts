/**
 * A workflow's own input schema (`settings.inputSchema`), applied after the seed format: to
 * `input_data` for workflow triggers, to the whole body for agent triggers. Compiled once per
 * workflow.
 */
import type { ValidateFunction } from 'ajv';
import { Errors } from '../errors.js';
import { compileJsonSchema } from '../validation.js';
import type { TriggerBinding } from './trigger-table.js';

const compiled = new WeakMap<object, ValidateFunction>();

export function checkInputSchema(binding: TriggerBinding, body: unknown): void {
  const schema = binding.workflow.definition.settings?.inputSchema;
  if (!schema) return;
  let validate = compiled.get(schema);
  if (!validate) {
    validate = compileJsonSchema(schema);
    compiled.set(schema, validate);
  }
  const target = binding.route.kind === 'workflow' ? (body as Record<string, unknown> | undefined)?.input_data : body;
  if (validate(target)) return;
  const error = validate.errors![0];
  const base = binding.route.kind === 'workflow' ? 'input_data' : '';
  const missing = error.keyword === 'required' ? String(error.params.missingProperty) : '';
  const path = [base, ...error.instancePath.split('/').filter(Boolean), missing].filter(Boolean).join('.');
  const received = missing ? 'null' : typeOf(valueAt(target, error.instancePath));
  const message = missing ? `Required field '${path}' is missing` : `Field '${path}' ${error.message ?? 'is invalid'}`;
  throw Errors.INVALID_INPUT(message, { details: { field: path, expected: expectedOf(error), received } });
}

function expectedOf(error: { keyword: string; params: Record<string, unknown>; message?: string }): string {
  if (error.keyword === 'type') return String(error.params.type);
  if (error.keyword === 'required') return 'present';
  return error.message ?? error.keyword;
}

function valueAt(root: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .filter(Boolean)
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], root);
}

function typeOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}
