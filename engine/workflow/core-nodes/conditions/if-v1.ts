/**
 * n8n's If v1, the condition model before the filter parameter: lists of comparisons by data type
 * (`conditions.boolean`, `.dateTime`, `.number`, `.string`, each `{ value1, operation, value2 }`)
 * combined by `combineOperation` (`all` or `any`), checked in that type order and stopping at the
 * first comparison that decides. Written from n8n's documented behaviour: values are compared as
 * they come (JavaScript's `>` and `===`), dates as epoch milliseconds, and regexes tested in
 * bounded time (filter-regexp.ts).
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from '../../../node-contract/n8n-runtime.js';
import { createRegExpBudget, guardedRegexTest, type RegExpBudget } from '../../filter-regexp.js';

type Value = unknown;
type Compare = (value1: Value, value2: Value, itemIndex: number, budget: RegExpBudget) => boolean;

const DATA_TYPES = ['boolean', 'dateTime', 'number', 'string'] as const;
type DataType = (typeof DATA_TYPES)[number];

/** Each type's defaults: the editor leaves a value out of an export when it is the default. */
const DEFAULTS: Record<DataType, { value1: Value; operation: string; value2: Value }> = {
  boolean: { value1: false, operation: 'equal', value2: false },
  dateTime: { value1: '', operation: 'after', value2: '' },
  number: { value1: 0, operation: 'smaller', value2: 0 },
  string: { value1: '', operation: 'equal', value2: '' },
};

const OPERATIONS: Record<DataType, string[]> = {
  boolean: ['equal', 'notEqual'],
  dateTime: ['after', 'before'],
  number: ['smaller', 'smallerEqual', 'equal', 'notEqual', 'larger', 'largerEqual', 'isEmpty', 'isNotEmpty'],
  string: [
    'contains',
    'notContains',
    'endsWith',
    'notEndsWith',
    'equal',
    'notEqual',
    'regex',
    'notRegex',
    'startsWith',
    'notStartsWith',
    'isEmpty',
    'isNotEmpty',
  ],
};

const isDate = (value: Value): value is Date => Object.prototype.toString.call(value) === '[object Date]';
const orZero = (value: Value) => (value || 0) as number;
const asText = (value: Value) => String(value || '');

/** Empty: undefined, null, '', NaN, an object without entries, or an invalid Date. */
function isEmpty(value: Value): boolean {
  if ([undefined, null, '', NaN].includes(value as never)) return true;
  if (isDate(value)) return Number.isNaN(value.getTime());
  return typeof value === 'object' && value !== null && Object.entries(value).length === 0;
}

const COMPARE: Record<string, Compare> = {
  after: (value1, value2) => orZero(value1) > orZero(value2),
  before: (value1, value2) => orZero(value1) < orZero(value2),
  contains: (value1, value2) => asText(value1).includes(asText(value2)),
  notContains: (value1, value2) => !asText(value1).includes(asText(value2)),
  endsWith: (value1, value2) => (value1 as string).endsWith(value2 as string),
  notEndsWith: (value1, value2) => !(value1 as string).endsWith(value2 as string),
  equal: (value1, value2) => value1 === value2,
  notEqual: (value1, value2) => value1 !== value2,
  larger: (value1, value2) => orZero(value1) > orZero(value2),
  largerEqual: (value1, value2) => orZero(value1) >= orZero(value2),
  smaller: (value1, value2) => orZero(value1) < orZero(value2),
  smallerEqual: (value1, value2) => orZero(value1) <= orZero(value2),
  startsWith: (value1, value2) => (value1 as string).startsWith(value2 as string),
  notStartsWith: (value1, value2) => !(value1 as string).startsWith(value2 as string),
  isEmpty: (value1) => isEmpty(value1),
  isNotEmpty: (value1) => !isEmpty(value1),
  regex: (value1, value2, itemIndex, budget) => guardedRegexTest(asText(value2), asText(value1), itemIndex, budget),
  notRegex: (value1, value2, itemIndex, budget) => !guardedRegexTest(asText(value2), asText(value1), itemIndex, budget),
};

/** A date as epoch milliseconds (text through `Date`, numbers as they are), else n8n's error. */
function dateMillis(context: IExecuteFunctions, value: Value): number {
  let millis: number | undefined;
  if ((value as { isLuxonDateTime?: unknown })?.isLuxonDateTime === true) millis = new Date(String(value)).getTime();
  else if (typeof value === 'string') millis = new Date(value).getTime();
  else if (typeof value === 'number') millis = value;
  else if (value instanceof Date) millis = value.getTime();
  if (millis === undefined || Number.isNaN(millis))
    throw new NodeOperationError(context.getNode(), `The value "${String(value)}" is not a valid DateTime.`);
  return millis;
}

/** Whether one item passes, per `combineOperation`. */
function itemPassesV1(context: IExecuteFunctions, itemIndex: number, budget: RegExpBudget): boolean {
  const all = context.getNodeParameter('combineOperation', itemIndex) === 'all';
  for (const dataType of DATA_TYPES) {
    const entries = context.getNodeParameter(`conditions.${dataType}`, itemIndex, []) as Array<Record<string, Value>>;
    for (const entry of entries) {
      const { value1, operation, value2 } = { ...DEFAULTS[dataType], ...entry };
      const compare = COMPARE[operation as string];
      if (!compare) throw new NodeOperationError(context.getNode(), `Unknown operation "${String(operation)}"`);
      const passed =
        dataType === 'dateTime'
          ? compare(dateMillis(context, value1), dateMillis(context, value2), itemIndex, budget)
          : compare(value1, value2, itemIndex, budget);
      // `any` is decided by the first pass, `all` by the first failure.
      if (passed !== all) return passed;
    }
  }
  return all;
}

/** If v1's routing: true and false outputs. Errors stop the run (v1 has no continue-on-fail of its own). */
export function routeByLegacyConditions(context: IExecuteFunctions): INodeExecutionData[][] {
  const passed: INodeExecutionData[] = [];
  const failed: INodeExecutionData[] = [];
  const budget = createRegExpBudget();
  context.getInputData().forEach((item, itemIndex) => {
    (itemPassesV1(context, itemIndex, budget) ? passed : failed).push(item);
  });
  return [passed, failed];
}

const showV1 = { show: { '@version': [1] } };

function comparisonValues(dataType: DataType): INodeProperties[] {
  const type = dataType === 'dateTime' ? 'dateTime' : dataType;
  const defaults = DEFAULTS[dataType];
  const value = (name: 'value1' | 'value2'): INodeProperties => ({
    displayName: name === 'value1' ? 'Value 1' : 'Value 2',
    name,
    type,
    default: defaults[name] as never,
  });
  const operation: INodeProperties = {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    options: OPERATIONS[dataType].map((name) => ({ name, value: name })),
    default: defaults.operation,
  };
  return [value('value1'), operation, value('value2')];
}

/** If v1's parameters, shown for version 1 only. */
export const IF_V1_PROPERTIES: INodeProperties[] = [
  {
    displayName: 'Conditions',
    name: 'conditions',
    placeholder: 'Add Condition',
    type: 'fixedCollection',
    typeOptions: { multipleValues: true, sortable: true },
    description: 'The type of values to compare',
    default: {},
    displayOptions: showV1,
    options: DATA_TYPES.map((dataType) => ({
      name: dataType,
      displayName: dataType,
      values: comparisonValues(dataType),
    })),
  },
  {
    displayName: 'Combine',
    name: 'combineOperation',
    type: 'options',
    options: [
      { name: 'ALL', value: 'all', description: 'Only if all conditions are met it goes into "true" branch' },
      { name: 'ANY', value: 'any', description: 'If any of the conditions is met it goes into "true" branch' },
    ],
    default: 'all',
    displayOptions: showV1,
  },
];
