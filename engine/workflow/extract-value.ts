/**
 * n8n's `getNodeParameter(name, itemIndex, fallback, { extractValue: true })`: a parameter whose
 * type holds more than its value is reduced to what the node wants. A `filter` parameter (the
 * conditions of If, Filter and Switch) becomes the boolean its conditions give for the item,
 * decided by n8n-workflow's own `executeFilter`, so the semantics (operators, strict or loose type
 * validation, the errors and their wording) are n8n's by construction; only its regex operators are
 * tested in bounded time (filter-regexp.ts). A `resourceLocator` becomes its `value` (a mode's own
 * extraction regex, which n8n also applies, is not applied yet). Any other parameter passes through
 * unchanged.
 */
import type { FilterValue, INodeProperties, INodePropertyCollection, INodeTypeDescription } from 'n8n-workflow';
import { ExpressionError, isFilterValue, validateFieldType } from '../node-contract/n8n-runtime.js';
import { createRegExpBudget, executeGuardedFilter, type RegExpBudget } from './filter-regexp.js';

type PropertyLike = INodeProperties | INodePropertyCollection;

/** Per node type, the declared types by parameter path: looked up on every item, found once. */
const typesByDescription = new WeakMap<INodeTypeDescription, Map<string, Set<string>>>();

/** The parameter's declared types along a path such as `rules.values[0].conditions`. */
export function parameterTypesAt(description: INodeTypeDescription, name: string): Set<string> {
  let known = typesByDescription.get(description);
  if (!known) typesByDescription.set(description, (known = new Map()));
  const path = name.replace(/\[\d+\]/g, '');
  let types = known.get(path);
  if (!types) known.set(path, (types = findTypes(description, path)));
  return types;
}

function findTypes(description: INodeTypeDescription, path: string): Set<string> {
  const steps = path.split('.');
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
  regexBudget: RegExpBudget = createRegExpBudget(),
): unknown {
  const types = parameterTypesAt(description, name);
  if (types.has('filter')) {
    if (!isFilterValue(value as never)) return value;
    return executeGuardedFilter(withDatesAsText(value as FilterValue), itemIndex, regexBudget);
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
 * sees the parameter; the filter then parses that text as a date (or refuses it as a string). In a
 * filter value only the conditions' two sides come from expressions, so only they are looked at
 * (this runs per item), and the value is copied only when one of them is a date.
 */
function withDatesAsText(value: FilterValue): FilterValue {
  const conditions = Array.isArray(value.conditions) ? value.conditions : [];
  if (!conditions.some((condition) => isDateTime(condition?.leftValue) || isDateTime(condition?.rightValue)))
    return value;
  return {
    ...value,
    conditions: conditions.map((condition) => ({
      ...condition,
      leftValue: isDateTime(condition.leftValue) ? String(condition.leftValue) : condition.leftValue,
      rightValue: isDateTime(condition.rightValue) ? String(condition.rightValue) : condition.rightValue,
    })),
  };
}

const isDateTime = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && (value as { isLuxonDateTime?: unknown }).isLuxonDateTime === true;
