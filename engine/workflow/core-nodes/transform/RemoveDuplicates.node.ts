/**
 * n8n's Remove Duplicates node, v1 and v2. Both remove items repeated within the current input
 * (`remove-duplicates.ts`); v2's operations that remember items across executions need n8n's
 * deduplication store, which the engine does not have, and are refused by name.
 */
import type {
  IDisplayOptions,
  IExecuteFunctions,
  INodeExecutionData,
  INodeProperties,
  INodeType,
  INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from '../../../node-contract/n8n-runtime.js';
import { removeDuplicateInputItems } from './remove-duplicates.js';

const V1 = { '@version': [1] };
const V2_WITHIN_INPUT = { '@version': [2], operation: ['removeDuplicateInputItems'] };

const compare = (show: IDisplayOptions['show']): INodeProperties => ({
  displayName: 'Compare',
  name: 'compare',
  type: 'options',
  options: [
    { name: 'All Fields', value: 'allFields' },
    { name: 'All Fields Except', value: 'allFieldsExcept' },
    { name: 'Selected Fields', value: 'selectedFields' },
  ],
  default: 'allFields',
  displayOptions: { show },
});

const fieldList = (name: string, displayName: string, choice: string): INodeProperties => ({
  displayName,
  name,
  type: 'string',
  default: '',
  displayOptions: { show: { compare: [choice] } },
});

/** v1 shows its options for the two field-list choices; v2 shows them for its within-input operation. */
const dedupeOption = (name: string, displayName: string): INodeProperties => ({
  displayName,
  name,
  type: 'boolean',
  default: false,
  displayOptions: { hide: { '/compare': ['allFields'] } },
});

export class RemoveDuplicates implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Remove Duplicates',
    name: 'removeDuplicates',
    group: ['transform'],
    version: [1, 2],
    description: 'Delete items with matching field values',
    defaults: { name: 'Remove Duplicates' },
    inputs: ['main'],
    outputs: ['main'],
    properties: [
      {
        displayName: 'Operation',
        name: 'operation',
        type: 'options',
        noDataExpression: true,
        options: [
          { name: 'Remove Items Repeated Within Current Input', value: 'removeDuplicateInputItems' },
          { name: 'Remove Items Processed in Previous Executions', value: 'removeItemsSeenInPreviousExecutions' },
          { name: 'Clear Deduplication History', value: 'clearDeduplicationHistory' },
        ],
        default: 'removeDuplicateInputItems',
        displayOptions: { show: { '@version': [2] } },
      },
      compare(V1),
      compare(V2_WITHIN_INPUT),
      fieldList('fieldsToExclude', 'Fields To Exclude', 'allFieldsExcept'),
      fieldList('fieldsToCompare', 'Fields To Compare', 'selectedFields'),
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        default: {},
        displayOptions: { show: { ...V1, compare: ['allFieldsExcept', 'selectedFields'] } },
        options: [
          dedupeOption('disableDotNotation', 'Disable Dot Notation'),
          dedupeOption('removeOtherFields', 'Remove Other Fields'),
        ],
      },
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        default: {},
        displayOptions: { show: { '@version': [2] } },
        options: [
          dedupeOption('disableDotNotation', 'Disable Dot Notation'),
          dedupeOption('removeOtherFields', 'Remove Other Fields'),
        ],
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    if (this.getNode().typeVersion >= 2) {
      const operation = this.getNodeParameter('operation', 0) as string;
      if (operation !== 'removeDuplicateInputItems')
        throw new NodeOperationError(
          this.getNode(),
          `The operation '${operation}' needs n8n's deduplication history, which the engine does not keep; only 'removeDuplicateInputItems' is supported`,
        );
    }
    return removeDuplicateInputItems(this, items);
  }
}
