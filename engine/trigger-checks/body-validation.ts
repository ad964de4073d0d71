/**
 * The seed's request formats (seed 002, "Request Format"), checked by hand: no ajv here because
 * this file also runs inside n8n. Only the first problem is reported, in the seed's error shape.
 */

/** Whether the trigger starts an agent conversation or a workflow run. */
export type TriggerKind = 'workflow' | 'agent';

/** The first thing wrong with a body: the seed's `details` plus its `message`. */
export interface BodyProblem {
  field: string;
  expected: string;
  received: string;
  message: string;
}

interface FieldRule {
  field: string;
  type: 'string' | 'object';
  required?: boolean;
  /** Whether an empty (or blank) string counts as missing content. */
  nonEmpty?: boolean;
}

/** Field order is report order: the first failing rule wins. Extra fields are allowed. */
const RULES: Record<TriggerKind, readonly FieldRule[]> = {
  agent: [
    { field: 'message', type: 'string', required: true, nonEmpty: true },
    { field: 'user_id', type: 'string' },
    { field: 'metadata', type: 'object' },
    { field: 'context', type: 'object' },
  ],
  workflow: [
    { field: 'input_data', type: 'object', required: true },
    { field: 'trigger_source', type: 'string' },
    { field: 'metadata', type: 'object' },
  ],
};

/**
 * The JSON type name of a value, as the seed's `received` uses it: `string`, `number`, `boolean`,
 * `array`, `object` or `null` (also for a missing value, as in the seed's example).
 */
export function jsonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return jsonTypeName(value) === 'object';
}

function checkField(body: Record<string, unknown>, rule: FieldRule): BodyProblem | null {
  const value = body[rule.field];
  const article = rule.type === 'object' ? 'an' : 'a';
  if (value === undefined || value === null) {
    if (!rule.required) return value === null ? typeProblem(rule, value, article) : null;
    return {
      field: rule.field,
      expected: rule.type,
      received: 'null',
      message: `Required field '${rule.field}' is missing`,
    };
  }
  if (jsonTypeName(value) !== rule.type) return typeProblem(rule, value, article);
  if (rule.nonEmpty && typeof value === 'string' && value.trim() === '') {
    return {
      field: rule.field,
      expected: 'non-empty string',
      received: 'empty string',
      message: `Field '${rule.field}' must not be empty`,
    };
  }
  return null;
}

function typeProblem(rule: FieldRule, value: unknown, article: string): BodyProblem {
  return {
    field: rule.field,
    expected: rule.type,
    received: jsonTypeName(value),
    message: `Field '${rule.field}' must be ${article} ${rule.type}`,
  };
}

/**
 * Checks a parsed request body against the seed's format for the trigger kind.
 *
 * - agent: `message` (non-empty string, required), `user_id` (string), `metadata` and `context` (objects).
 * - workflow: `input_data` (object, required), `trigger_source` (string), `metadata` (object).
 *
 * An optional field sent as `null` is a type error: the seed's formats have no nullable fields.
 *
 * @returns null when the body is valid, otherwise its first problem.
 */
export function validateTriggerBody(kind: TriggerKind, body: unknown): BodyProblem | null {
  if (!isPlainObject(body)) {
    return {
      field: 'body',
      expected: 'object',
      received: jsonTypeName(body),
      message: 'Request body must be a JSON object',
    };
  }
  for (const rule of RULES[kind]) {
    const problem = checkField(body, rule);
    if (problem) return problem;
  }
  return null;
}
