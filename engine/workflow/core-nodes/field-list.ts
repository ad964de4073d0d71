/**
 * Field lists as n8n's data-transformation nodes take them: one text parameter of comma-separated
 * field names (or dot paths), blanks dropped, or an array of names where the node allows it.
 */
import { ApplicationError } from '../../node-contract/n8n-runtime.js';

/** `"a, b,,c"` → `['a', 'b', 'c']`; a list that is not text is refused (Edit Fields' include lists). */
export function splitFieldList(value: unknown): string[] {
  if (typeof value !== 'string')
    throw new ApplicationError('The list of fields must be text: names separated by commas');
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** Text split by {@link splitFieldList}, or an array as given; `fieldName` names the parameter in the error. */
export function prepareFieldsArray(value: unknown, fieldName = 'Fields'): string[] {
  if (typeof value === 'string') return splitFieldList(value);
  if (Array.isArray(value)) return value.map(String);
  throw new ApplicationError(
    `The '${fieldName}' parameter must be a string of fields separated by commas or an array of strings.`,
    { level: 'warning' },
  );
}
