/**
 * The parameters of n8n's "Edit Fields (Set)" node, versions 3 to 3.4, under n8n's names, defaults
 * and display rules: n8n-workflow fills a workflow's omitted parameters from them (an export leaves
 * out every value at its default), so they must match for an exported workflow to run the same.
 */
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

/** Versions whose manual mode uses the `fields.values` list and the four-way `include` option. */
export const FIELDS_VERSIONS = [3, 3.1, 3.2];

/** One typed value per field type in v3–3.2's `fields.values` entries (`stringValue`, …). */
function fieldValue(type: string, extra: Partial<INodeProperties> = {}): INodeProperties {
  return {
    displayName: 'Value',
    name: `${type}Value`,
    type: 'string',
    default: '',
    displayOptions: { show: { type: [`${type}Value`] } },
    validateType: type as INodeProperties['validateType'],
    ignoreValidationDuringExecution: true,
    ...extra,
  } as INodeProperties;
}

const FIELDS: INodeProperties = {
  displayName: 'Fields to Set',
  name: 'fields',
  type: 'fixedCollection',
  typeOptions: { multipleValues: true, sortable: true },
  displayOptions: { show: { mode: ['manual'], '@version': FIELDS_VERSIONS } },
  default: {},
  options: [
    {
      name: 'values',
      displayName: 'Values',
      values: [
        { displayName: 'Name', name: 'name', type: 'string', default: '' },
        {
          displayName: 'Type',
          name: 'type',
          type: 'options',
          options: ['string', 'number', 'boolean', 'array', 'object'].map((type) => ({
            name: type[0].toUpperCase() + type.slice(1),
            value: `${type}Value`,
          })),
          default: 'stringValue',
        },
        fieldValue('string'),
        fieldValue('number'),
        fieldValue('boolean', {
          type: 'options',
          default: 'true',
          options: [
            { name: 'True', value: 'true' },
            { name: 'False', value: 'false' },
          ],
        }),
        fieldValue('array'),
        fieldValue('object', { type: 'json', default: '={}' }),
      ],
    },
  ],
};

const ASSIGNMENTS: INodeProperties = {
  displayName: 'Fields to Set',
  name: 'assignments',
  type: 'assignmentCollection',
  displayOptions: { show: { mode: ['manual'] }, hide: { '@version': FIELDS_VERSIONS } },
  default: {},
};

const JSON_OUTPUT: INodeProperties = {
  displayName: 'JSON',
  name: 'jsonOutput',
  type: 'json',
  displayOptions: { show: { mode: ['raw'] } },
  default: '{\n  "my_field_1": "value",\n  "my_field_2": 1\n}\n',
  validateType: 'object',
  ignoreValidationDuringExecution: true,
};

const includeOption = (value: string, name: string) => ({ name, value });

/** v3–3.2: one option, `all` by default; v3.3+: a switch (off by default), then the option. */
const INCLUDE: INodeProperties[] = [
  {
    displayName: 'Include in Output',
    name: 'include',
    type: 'options',
    default: 'all',
    displayOptions: { show: { '@version': FIELDS_VERSIONS } },
    options: [
      includeOption('all', 'All Input Fields'),
      includeOption('none', 'No Input Fields'),
      includeOption('selected', 'Selected Input Fields'),
      includeOption('except', 'All Input Fields Except'),
    ],
  },
  {
    displayName: 'Include Other Input Fields',
    name: 'includeOtherFields',
    type: 'boolean',
    default: false,
    displayOptions: { hide: { '@version': FIELDS_VERSIONS } },
  },
  {
    displayName: 'Input Fields to Include',
    name: 'include',
    type: 'options',
    default: 'all',
    displayOptions: { hide: { '@version': FIELDS_VERSIONS, '/includeOtherFields': [false] } },
    options: [
      includeOption('all', 'All'),
      includeOption('selected', 'Selected'),
      includeOption('except', 'All Except'),
    ],
  },
  ...fieldList('includeFields', 'Fields to Include', 'selected'),
  ...fieldList('excludeFields', 'Fields to Exclude', 'except'),
];

/** The comma-separated field list shown for one `include` choice, in both version ranges. */
function fieldList(name: string, displayName: string, include: string): INodeProperties[] {
  const base = { displayName, name, type: 'string', default: '', requiresDataPath: 'multiple' } as const;
  return [
    { ...base, displayOptions: { show: { include: [include], '@version': FIELDS_VERSIONS } } },
    {
      ...base,
      displayOptions: {
        show: { include: [include], '/includeOtherFields': [true] },
        hide: { '@version': FIELDS_VERSIONS },
      },
    },
  ];
}

const OPTIONS: INodeProperties = {
  displayName: 'Options',
  name: 'options',
  type: 'collection',
  placeholder: 'Add option',
  default: {},
  options: [
    {
      displayName: 'Include Binary File',
      name: 'includeBinary',
      type: 'boolean',
      default: true,
      displayOptions: { hide: { '@version': [{ _cnd: { gte: 3.4 } }] } },
    },
    {
      displayName: 'Strip Binary Data',
      name: 'stripBinary',
      type: 'boolean',
      default: true,
      displayOptions: { show: { '@version': [{ _cnd: { gte: 3.4 } }], '/includeOtherFields': [true] } },
    },
    {
      displayName: 'Ignore Type Conversion Errors',
      name: 'ignoreConversionErrors',
      type: 'boolean',
      default: false,
      displayOptions: { show: { '/mode': ['manual'] } },
    },
    { displayName: 'Support Dot Notation', name: 'dotNotation', type: 'boolean', default: true },
  ],
};

export const setDescription: INodeTypeDescription = {
  displayName: 'Edit Fields (Set)',
  name: 'set',
  group: ['input'],
  version: [3, 3.1, 3.2, 3.3, 3.4],
  description: 'Modify, add, or remove item fields',
  defaults: { name: 'Edit Fields' },
  inputs: ['main'],
  outputs: ['main'],
  properties: [
    {
      displayName: 'Mode',
      name: 'mode',
      type: 'options',
      noDataExpression: true,
      options: [
        { name: 'Manual Mapping', value: 'manual' },
        { name: 'JSON', value: 'raw' },
      ],
      default: 'manual',
    },
    { displayName: 'Duplicate Item', name: 'duplicateItem', type: 'boolean', default: false, isNodeSetting: true },
    {
      displayName: 'Duplicate Item Count',
      name: 'duplicateCount',
      type: 'number',
      default: 0,
      isNodeSetting: true,
      displayOptions: { show: { duplicateItem: [true] } },
    },
    JSON_OUTPUT,
    FIELDS,
    ASSIGNMENTS,
    ...INCLUDE,
    OPTIONS,
  ],
};
