/**
 * The Merge node's parameters (v3–3.2), under n8n's names and values so an exported node runs
 * unchanged. n8n's "SQL Query" mode (`combineBySql`) is not offered: validate refuses it by name.
 */
import type {
  IDataObject,
  INodeProperties,
  INodePropertyOptions,
  INodeTypeDescription,
  NodeParameterValue,
} from 'n8n-workflow';

const show = (conditions: Record<string, NodeParameterValue[]>) => ({ displayOptions: { show: conditions } });
const choices = (...values: Array<[string, string | number]>): INodePropertyOptions[] =>
  values.map(([name, value]) => ({ name, value }));

const numberInputs = (mode: string, combineBy?: string): INodeProperties => ({
  displayName: 'Number of Inputs',
  name: 'numberInputs',
  type: 'options',
  default: 2,
  options: [2, 3, 4, 5, 6, 7, 8, 9, 10].map((count) => ({ name: String(count), value: count })),
  description: 'How many inputs to merge; the node waits for every connected one',
  ...show(combineBy ? { mode: [mode], combineBy: [combineBy] } : { mode: [mode] }),
});

/** "Clash Handling": which input wins a field both have, and how nested fields merge. */
const clashHandling = (defaultValues: IDataObject, extra: Partial<INodeProperties> = {}): INodeProperties => ({
  displayName: 'Clash Handling',
  name: 'clashHandling',
  type: 'fixedCollection',
  default: { values: defaultValues } as INodeProperties['default'],
  options: [
    {
      displayName: 'Values',
      name: 'values',
      values: [
        {
          displayName: 'When Field Values Clash',
          name: 'resolveClash',
          type: 'options',
          default: '',
          options: choices(
            ['Always Add Input Number to Field Names', 'addSuffix'],
            ['Prefer Input 1 Version', 'preferInput1'],
            ['Prefer Input 2 Version', 'preferLast'],
          ),
        },
        {
          displayName: 'Merging Nested Fields',
          name: 'mergeMode',
          type: 'options',
          default: 'deepMerge',
          options: choices(['Deep Merge', 'deepMerge'], ['Shallow Merge', 'shallowMerge']),
        },
        { displayName: 'Minimize Empty Fields', name: 'overrideEmpty', type: 'boolean', default: false },
      ],
    },
  ],
  ...extra,
});

const fuzzyCompare: INodeProperties = {
  displayName: 'Fuzzy Compare',
  name: 'fuzzyCompare',
  type: 'boolean',
  default: false,
  description: "Whether small type differences count as equal (the number 3 and the string '3')",
};

const multipleMatches: INodeProperties = {
  displayName: 'Multiple Matches',
  name: 'multipleMatches',
  type: 'options',
  default: 'all',
  options: choices(['Include All Matches', 'all'], ['Include First Match Only', 'first']),
};

const byFields = { mode: ['combine'], combineBy: ['combineByFields'] };

const combineByFieldsProperties: INodeProperties[] = [
  {
    displayName: 'Fields To Match Have Different Names',
    name: 'advanced',
    type: 'boolean',
    default: false,
    ...show(byFields),
  },
  {
    displayName: 'Fields to Match',
    name: 'fieldsToMatchString',
    type: 'string',
    default: '',
    description: 'Comma-separated names of the fields whose values must be equal',
    ...show({ ...byFields, advanced: [false] }),
  },
  {
    displayName: 'Fields to Match',
    name: 'mergeByFields',
    type: 'fixedCollection',
    typeOptions: { multipleValues: true },
    default: { values: [{ field1: '', field2: '' }] },
    options: [
      {
        displayName: 'Values',
        name: 'values',
        values: [
          { displayName: 'Input 1 Field', name: 'field1', type: 'string', default: '' },
          { displayName: 'Input 2 Field', name: 'field2', type: 'string', default: '' },
        ],
      },
    ],
    ...show({ ...byFields, advanced: [true] }),
  },
  {
    displayName: 'Output Type',
    name: 'joinMode',
    type: 'options',
    default: 'keepMatches',
    options: choices(
      ['Keep Matches', 'keepMatches'],
      ['Keep Non-Matches', 'keepNonMatches'],
      ['Keep Everything', 'keepEverything'],
      ['Enrich Input 1', 'enrichInput1'],
      ['Enrich Input 2', 'enrichInput2'],
    ),
    ...show(byFields),
  },
  {
    displayName: 'Output Data From',
    name: 'outputDataFrom',
    type: 'options',
    default: 'both',
    options: choices(['Both Inputs', 'both'], ['Input 1', 'input1'], ['Input 2', 'input2']),
    ...show({ ...byFields, joinMode: ['keepMatches', 'keepNonMatches'] }),
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    default: {},
    options: [
      clashHandling({ resolveClash: 'preferLast', mergeMode: 'deepMerge', overrideEmpty: false }),
      { displayName: 'Disable Dot Notation', name: 'disableDotNotation', type: 'boolean', default: false },
      fuzzyCompare,
      multipleMatches,
    ],
    ...show(byFields),
  },
];

const combineByPositionProperties: INodeProperties[] = [
  numberInputs('combine', 'combineByPosition'),
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    default: {},
    options: [
      clashHandling({ resolveClash: 'addSuffix' }),
      { displayName: 'Include Any Unpaired Items', name: 'includeUnpaired', type: 'boolean', default: false },
    ],
    ...show({ mode: ['combine'], combineBy: ['combineByPosition'] }),
  },
];

const combineAllProperties: INodeProperties[] = [
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    default: {},
    options: [
      clashHandling({ resolveClash: 'preferLast', mergeMode: 'deepMerge', overrideEmpty: false }),
      fuzzyCompare,
    ],
    ...show({ mode: ['combine'], combineBy: ['combineAll'] }),
  },
];

const chooseBranchProperties: INodeProperties[] = [
  numberInputs('chooseBranch'),
  {
    displayName: 'Output Type',
    name: 'chooseBranchMode',
    type: 'options',
    default: 'waitForAll',
    options: choices(['Wait for All Inputs to Arrive', 'waitForAll']),
    ...show({ mode: ['chooseBranch'] }),
  },
  {
    displayName: 'Output',
    name: 'output',
    type: 'options',
    default: 'specifiedInput',
    options: choices(['Data of Specified Input', 'specifiedInput'], ['A Single, Empty Item', 'empty']),
    ...show({ mode: ['chooseBranch'], chooseBranchMode: ['waitForAll'] }),
  },
  {
    displayName: 'Use Data of Input',
    name: 'useDataOfInput',
    type: 'number',
    default: 1,
    typeOptions: { minValue: 1 },
    description: 'The number of the input whose items are output',
    ...show({ mode: ['chooseBranch'], output: ['specifiedInput'] }),
  },
];

export const mergeDescription: INodeTypeDescription = {
  displayName: 'Merge',
  name: 'merge',
  group: ['transform'],
  version: [3, 3.1, 3.2],
  description: 'Merges the items of several inputs once they have arrived',
  defaults: { name: 'Merge' },
  // As in n8n: as many inputs as `numberInputs` says (2 unless set).
  inputs: '={{ Array.from({ length: $parameter.numberInputs || 2 }, () => "main") }}',
  outputs: ['main'],
  // Choose Branch needs data on inputs 1 and 2; the other modes run with any input that has data.
  requiredInputs: '={{ $parameter["mode"] === "chooseBranch" ? [0, 1] : 1 }}',
  properties: [
    {
      displayName: 'Mode',
      name: 'mode',
      type: 'options',
      default: 'append',
      options: choices(['Append', 'append'], ['Combine', 'combine'], ['Choose Branch', 'chooseBranch']),
    },
    {
      displayName: 'Combine By',
      name: 'combineBy',
      type: 'options',
      default: 'combineByFields',
      options: choices(
        ['Matching Fields', 'combineByFields'],
        ['Position', 'combineByPosition'],
        ['All Possible Combinations', 'combineAll'],
      ),
      ...show({ mode: ['combine'] }),
    },
    numberInputs('append'),
    ...combineByFieldsProperties,
    ...combineByPositionProperties,
    ...combineAllProperties,
    ...chooseBranchProperties,
  ],
};
