/**
 * The Code node's parameters under n8n's names (`mode`, `language`, `jsCode`, `pythonCode`), so an
 * exported workflow's JSON reads unchanged. Only JavaScript runs here.
 */
import type { INodeTypeDescription } from 'n8n-workflow';

export const codeDescription: INodeTypeDescription = {
  displayName: 'Code',
  name: 'code',
  icon: 'fa:code',
  group: ['transform'],
  version: [1, 2],
  defaultVersion: 2,
  description: 'Run custom JavaScript code',
  defaults: { name: 'Code' },
  inputs: ['main'],
  outputs: ['main'],
  properties: [
    {
      displayName: 'Mode',
      name: 'mode',
      type: 'options',
      noDataExpression: true,
      options: [
        { name: 'Run Once for All Items', value: 'runOnceForAllItems' },
        { name: 'Run Once for Each Item', value: 'runOnceForEachItem' },
      ],
      default: 'runOnceForAllItems',
    },
    {
      displayName: 'Language',
      name: 'language',
      type: 'options',
      noDataExpression: true,
      displayOptions: { show: { '@version': [2] } },
      options: [
        { name: 'JavaScript', value: 'javaScript' },
        { name: 'Python', value: 'pythonNative' },
      ],
      default: 'javaScript',
    },
    {
      displayName: 'JavaScript',
      name: 'jsCode',
      type: 'string',
      typeOptions: { editor: 'codeNodeEditor', editorLanguage: 'javaScript' },
      default: '',
      noDataExpression: true,
    },
    {
      displayName: 'Python',
      name: 'pythonCode',
      type: 'string',
      typeOptions: { editor: 'codeNodeEditor', editorLanguage: 'python' },
      default: '',
      noDataExpression: true,
    },
  ],
} as unknown as INodeTypeDescription;
