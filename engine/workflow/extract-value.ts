/**
 * n8n's `getNodeParameter(name, itemIndex, fallback, { extractValue: true })`: a parameter whose
 * type holds more than its value is reduced to what the node wants. A `filter` parameter (the
 * conditions of If, Filter and Switch) becomes the boolean its conditions give for the item,
 * decided by n8n-workflow's own `executeFilter`, so the semantics (operators, strict or loose type
 * validation, the errors and their wording) are n8n's by construction; only its regex operators are
 * tested in bounded time (filter-regexp.ts). A `resourceLocator` becomes
 * its `value`. Any other parameter passes through unchanged.
 */
import type { FilterValue, INodeProperties, INodePropertyCollection, INodeTypeDescription } from 'n8n-workflow';
import { ExpressionError, isFilterValue, validateFieldType } from '../node-contract/n8n-runtime.js';
import { executeGuardedFilter } from './filter-regexp.js';

type PropertyLike = INodeProperties | INodePropertyCollection;

/** The parameter's declared types along a path such as `rules.values[0].conditions`. */
export function parameterTypesAt(description: INodeTypeDescription, name: string): Set<string> {
  const steps = name.replace(/\[\d+\]/g, '').split('.');
  let level: PropertyLike[] = description.properties;
  let found: PropertyLike[] = [];
  for (const step of steps) {
    found = level.filter((property) => property.name === step);
    level = found.flatMap(childrenOf);
  }
  return new Set(found.map((property) => ('type' in property ? property.type : 'collection')));
}

function childrenOf(property: PropertyLike): PropertyLike[] {
  if ('values' in property && Array.isArray(property.values)) return property.values;
  if ('options' in property && Array.isArray(property.options)) return property.options as PropertyLike[];
  return [];
}

/** The extracted value of a resolved parameter, as n8n's host gives it with `extractValue`. */
export function extractParameterValue(
  description: INodeTypeDescription,
  name: string,
  value: unknown,
  itemIndex: number,
): unknown {
  const types = parameterTypesAt(description, name);
  if (types.has('filter')) {
    if (!isFilterValue(value as never)) return value;
    return executeGuardedFilter(withDatesAsText(value) as FilterValue, itemIndex);
  }
  if (types.has('resourceLocator') && value !== null && typeof value === 'object' && '__rl' in value)
    return (value as unknown as { value: unknown }).value;
  return value;
}

/**
 * n8n checks a top-level parameter that declares a `validateType` (Switch's output index) after
 * resolving it, converting where it can (`"1"` → 1) and refusing with its wording where it cannot.
 */
export function validatedParameterValue(
  description: INodeTypeDescription,
  name: string,
  value: unknown,
  itemIndex: number,
): unknown {
  const property = description.properties.find((candidate) => candidate.name === name && candidate.validateType);
  if (!property?.validateType || property.ignoreValidationDuringExecution) return value;
  const result = validateFieldType(name, value, property.validateType);
  if (result.valid) return result.newValue;
  throw new ExpressionError(`Invalid input for '${property.displayName}' [item ${itemIndex}]`, {
    description: result.errorMessage,
    itemIndex,
  });
}

/**
 * n8n turns a luxon DateTime an expression returns (`{{ $now }}`) into its ISO text before a node
 * sees the parameter; the filter then parses that text as a date (or refuses it as a string).
 */
function withDatesAsText(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if ((value as { isLuxonDateTime?: unknown }).isLuxonDateTime === true) return String(value);
  // Copies only along a path that holds a date: most filter values have none, and this runs per item.
  let copy: Record<string, unknown> | unknown[] | undefined;
  for (const [key, entry] of Object.entries(value)) {
    const cleaned = withDatesAsText(entry);
    if (cleaned === entry) continue;
    copy ??= Array.isArray(value) ? [...value] : { ...value };
    (copy as Record<string, unknown>)[key] = cleaned;
  }
  return copy ?? value;
}
