/**
 * The engine's JSON Schema validation: every ajv option lives here, with the one mapping of a
 * schema violation to the seeds' INVALID_INPUT error. Three instances, because ajv fixes these
 * options per instance and the inputs differ in kind:
 * - `json`: JSON documents (request bodies, subscription input, credentials files, workflow input
 *   schemas). Types are checked as sent (no `"10"` for 10) and ajv stops at the first violation,
 *   as its docs advise for untrusted input.
 * - `text`: values that arrive as text (query strings, path parameters, environment settings),
 *   coerced to the schema's types with defaults filled in (`?limit=10`).
 * - `report`: workflow files, written by the operator, where every violation is worth listing.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { Errors, type HooklineError } from './errors.js';

const COMMON = { strict: false, removeAdditional: false, verbose: true } as const;

function withFormats(ajv: Ajv): Ajv {
  addFormats.default(ajv);
  return ajv;
}

const json = withFormats(new Ajv({ ...COMMON, allErrors: false, coerceTypes: false }));
const text = withFormats(new Ajv({ ...COMMON, allErrors: false, coerceTypes: 'array', useDefaults: true }));
const report = withFormats(new Ajv({ ...COMMON, allErrors: true }));

/** A validator for a JSON document. */
export function compileJsonSchema<T = unknown>(schema: object): ValidateFunction<T> {
  return json.compile<T>(schema);
}

/** A validator for text values: coerces them in place to the schema's types and fills in defaults. */
export function compileTextSchema<T = unknown>(schema: object): ValidateFunction<T> {
  return text.compile<T>(schema);
}

/** A validator that reports every violation, for documents an author fixes in one pass. */
export function compileReportingSchema<T = unknown>(schema: object): ValidateFunction<T> {
  return report.compile<T>(schema);
}

/**
 * fastify's validator compiler: path parameters and query strings are text, bodies are JSON. A
 * route whose body schema requires nothing accepts no body.
 */
export function compileRouteSchema({ schema, httpPart }: { schema: object; httpPart?: string }) {
  if (httpPart !== 'body') return compileTextSchema(schema);
  const validate = compileJsonSchema(schema);
  const optional = !(schema as { required?: unknown[] }).required?.length;
  const check = (data: unknown) => ((data === undefined || data === null) && optional) || validate(data);
  // A getter, not a copy: ajv sets `errors` on each call.
  return Object.defineProperty(check, 'errors', { get: () => validate.errors });
}

export type ValidationIssue = Pick<ErrorObject, 'keyword' | 'instancePath' | 'params' | 'message' | 'data'>;

/**
 * The first schema violation as INVALID_INPUT naming the field, like the seed's example. `context`
 * (`body`, `querystring` …) names where the field was, for HTTP requests.
 */
export function toInvalidInput(issue: ValidationIssue | undefined, context?: string): HooklineError {
  const path = (issue?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const join = (name: string) => (path ? `${path}.${name}` : name);
  if (issue?.keyword === 'additionalProperties') {
    const field = join(String(issue.params.additionalProperty));
    return Errors.INVALID_INPUT(`Unknown field '${field}'${context ? ` in the ${context}` : ''}`, {
      details: {
        field,
        expected: 'no such field',
        received: 'present',
      },
    });
  }
  if (issue?.keyword === 'required') {
    const field = join(String(issue.params.missingProperty));
    return Errors.INVALID_INPUT(`Required field '${field}' is missing`, {
      details: { field, expected: 'present', received: 'null' },
    });
  }
  if (!path && issue?.keyword === 'type') return wholeOfWrongType(issue, context);
  const field = path;
  const whole = context ? `The ${context}` : 'The input';
  return Errors.INVALID_INPUT(`${field ? `Field '${field}'` : whole} ${issue?.message ?? 'is invalid'}`, {
    details: {
      field,
      expected: issue?.message ?? '',
      received: typeOf(issue?.data),
    },
  });
}

/** The whole body is not what the route takes: say what to send rather than name an empty field. */
function wholeOfWrongType(issue: ValidationIssue, context = 'body'): HooklineError {
  const received = typeOf(issue.data);
  const expected = `a JSON ${String(issue.params.type)}`;
  const message =
    issue.data === undefined
      ? `The request ${context} is empty: send ${expected}`
      : `The request ${context} must be ${expected}, not ${withArticle(received)}`;
  return Errors.INVALID_INPUT(message, { details: { field: '', expected, received } });
}

function withArticle(type: string): string {
  if (type === 'null' || type === 'undefined') return type;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function typeOf(data: unknown): string {
  if (data === undefined) return 'undefined';
  if (data === null) return 'null';
  return Array.isArray(data) ? 'array' : typeof data;
}
