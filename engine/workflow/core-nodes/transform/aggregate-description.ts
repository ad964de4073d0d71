/** The parameters of n8n's Aggregate node (v1), under n8n's names, defaults and display rules. */
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

const allItemData = { show: { aggregate: ['aggregateAllItemData'] } };
const notForAllItemData = { hide: { '/aggregate': ['aggregateAllItemData'] } };

const option = (name: string, extra: Partial<INodeProperties> = {}): INodeProperties => ({
  displayName: name,
  name,
  type: 'boolean',
  default: false,
  ...extra,
});

export const aggregateDescription: INodeTypeDescription = {
  displayName: 'Aggregate',
  name: 'aggregate',
  group: ['transform'],
  version: [1],
  description: 'Combine a field from many items into a list in a single item',
  defaults: { name: 'Aggregate' },
  inputs: ['main'],
  outputs: ['main'],
  properties: [
    {
      displayName: 'Aggregate',
      name: 'aggregate',
      type: 'options',
      default: 'aggregateIndividualFields',
      options: [
        { name: 'Individual Fields', value: 'aggregateIndividualFields' },
        { name: 'All Item Data (Into a Single List)', value: 'aggregateAllItemData' },
      ],
    },
    {
      displayName: 'Fields To Aggregate',
      name: 'fieldsToAggregate',
      type: 'fixedCollection',
      typeOptions: { multipleValues: true },
      default: { fieldToAggregate: [{ fieldToAggregate: '', renameField: false }] },
      displayOptions: { show: { aggregate: ['aggregateIndividualFields'] } },
      options: [
        {
          displayName: '',
          name: 'fieldToAggregate',
          values: [
            { displayName: 'Input Field Name', name: 'fieldToAggregate', type: 'string', default: '' },
            { displayName: 'Rename Field', name: 'renameField', type: 'boolean', default: false },
            {
              displayName: 'Output Field Name',
              name: 'outputFieldName',
              type: 'string',
              default: '',
              displayOptions: { show: { renameField: [true] } },
            },
          ],
        },
      ],
    },
    {
      displayName: 'Put Output in Field',
      name: 'destinationFieldName',
      type: 'string',
      default: 'data',
      displayOptions: allItemData,
    },
    {
      displayName: 'Include',
      name: 'include',
      type: 'options',
      default: 'allFields',
      options: [
        { name: 'All Fields', value: 'allFields' },
        { name: 'Specified Fields', value: 'specifiedFields' },
        { name: 'All Fields Except', value: 'allFieldsExcept' },
      ],
      displayOptions: allItemData,
    },
    {
      displayName: 'Fields To Exclude',
      name: 'fieldsToExclude',
      type: 'string',
      default: '',
      displayOptions: { show: { ...allItemData.show, include: ['allFieldsExcept'] } },
    },
    {
      displayName: 'Fields To Include',
      name: 'fieldsToInclude',
      type: 'string',
      default: '',
      displayOptions: { show: { ...allItemData.show, include: ['specifiedFields'] } },
    },
    {
      displayName: 'Options',
      name: 'options',
      type: 'collection',
      default: {},
      options: [
        option('disableDotNotation', { displayOptions: notForAllItemData }),
        option('mergeLists', { displayOptions: notForAllItemData }),
        option('includeBinaries'),
        option('keepOnlyUnique', { displayOptions: { show: { includeBinaries: [true] } } }),
        option('keepMissing', { displayOptions: notForAllItemData }),
      ],
    },
  ],
};
