/**
 * The parameters of n8n's Switch v3 (`n8n-nodes-base.switch`), under n8n's names so exported
 * workflows run unchanged: `mode` rules (a list of condition sets, each routing to its own output)
 * or expression (an output index per item), and the rules' options.
 */
import type { INodeProperties } from 'n8n-workflow';
import { conditionOptions, conditionsProperty, looseTypeValidationProperty } from './filter-parameter.js';

/** The versions Switch v3 comes in; the filter's own version rises at 3.2 and 3.4. */
export const SWITCH_VERSIONS = [3, 3.1, 3.2, 3.3, 3.4];

/** What the editor puts in a new Switch: one rule comparing two empty strings. */
const DEFAULT_RULES = {
  values: [
    {
      conditions: {
        options: { caseSensitive: true, leftValue: '', typeValidation: 'strict' },
        conditions: [{ leftValue: '', rightValue: '', operator: { type: 'string', operation: 'equals' } }],
        combinator: 'and',
      },
    },
  ],
};

const expressionMode = { show: { mode: ['expression'] } };
const rulesMode = { show: { mode: ['rules'] } };

const RULE_VALUES: INodeProperties[] = [
  {
    ...conditionsProperty(3.1, [3.2, 3.4]),
    typeOptions: { ...conditionsProperty(3.1, [3.2, 3.4]).typeOptions, multipleValues: false },
  },
  { displayName: 'Rename Output', name: 'renameOutput', type: 'boolean', default: false },
  {
    displayName: 'Output Name',
    name: 'outputKey',
    type: 'string',
    default: '',
    description: 'The label of the output the items go to when this rule matches',
    displayOptions: { show: { renameOutput: [true] } },
  },
];

const OPTIONS: INodeProperties[] = [
  {
    displayName: 'Fallback Output',
    name: 'fallbackOutput',
    type: 'options',
    typeOptions: {
      loadOptionsDependsOn: ['rules.values', '/rules', '/rules.values'],
      loadOptionsMethod: 'getFallbackOutputOptions',
    },
    default: 'none',
    description: 'Where items no rule matches go: nowhere by default, an extra output, or the output of a rule',
  },
  ...conditionOptions(3.1),
  {
    displayName: 'Rename Fallback Output',
    name: 'renameFallbackOutput',
    type: 'string',
    placeholder: 'e.g. Fallback',
    default: '',
    displayOptions: { show: { fallbackOutput: ['extra'] } },
  },
  {
    displayName: 'Send data to all matching outputs',
    name: 'allMatchingOutputs',
    type: 'boolean',
    default: false,
    description: 'Whether to send an item to every output whose rule it matches, not only the first',
  },
];

export const SWITCH_PROPERTIES: INodeProperties[] = [
  {
    displayName: 'Mode',
    name: 'mode',
    type: 'options',
    noDataExpression: true,
    options: [
      { name: 'Rules', value: 'rules', description: 'Build a matching rule for each output' },
      { name: 'Expression', value: 'expression', description: 'Write an expression to return the output index' },
    ],
    default: 'rules',
    description: 'How data should be routed',
  },
  {
    displayName: 'Number of Outputs',
    name: 'numberOutputs',
    type: 'number',
    displayOptions: expressionMode,
    default: 4,
    description: 'How many outputs to create',
  },
  {
    displayName: 'Output Index',
    name: 'output',
    type: 'number',
    validateType: 'number',
    hint: 'The index to route the item to, starts at 0',
    displayOptions: expressionMode,
    default: '={{}}',
    description: 'The output index to send the item to; an expression that returns a number',
  },
  {
    displayName: 'Routing Rules',
    name: 'rules',
    placeholder: 'Add Routing Rule',
    type: 'fixedCollection',
    typeOptions: { multipleValues: true, sortable: true },
    default: DEFAULT_RULES,
    displayOptions: rulesMode,
    options: [{ name: 'values', displayName: 'Routing Rule', values: RULE_VALUES }],
  },
  looseTypeValidationProperty(3.1),
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add option',
    default: {},
    displayOptions: rulesMode,
    options: OPTIONS,
  },
];
