/** The parameters of n8n's Respond to Webhook node, under n8n's names and defaults. */
import type { INodeProperties } from 'n8n-workflow';

export const respondProperties: INodeProperties[] = [
  {
    displayName: 'Enable Response Output Branch',
    name: 'enableResponseOutput',
    type: 'boolean',
    default: false,
    displayOptions: { show: { '@version': [1.4, 1.5] } },
  },
  {
    displayName: 'Respond With',
    name: 'respondWith',
    type: 'options',
    options: [
      { name: 'All Incoming Items', value: 'allIncomingItems' },
      { name: 'Binary File', value: 'binary' },
      { name: 'First Incoming Item', value: 'firstIncomingItem' },
      { name: 'JSON', value: 'json' },
      { name: 'JWT Token', value: 'jwt' },
      { name: 'No Data', value: 'noData' },
      { name: 'Redirect', value: 'redirect' },
      { name: 'Text', value: 'text' },
    ],
    default: 'firstIncomingItem',
  },
  {
    displayName: 'Redirect URL',
    name: 'redirectURL',
    type: 'string',
    required: true,
    default: '',
    displayOptions: { show: { respondWith: ['redirect'] } },
  },
  {
    displayName: 'Response Body',
    name: 'responseBody',
    type: 'json',
    default: '{\n  "myField": "value"\n}',
    displayOptions: { show: { respondWith: ['json'] } },
  },
  {
    displayName: 'Response Body',
    name: 'responseBody',
    type: 'string',
    default: '',
    displayOptions: { show: { respondWith: ['text'] } },
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add option',
    default: {},
    options: [
      { displayName: 'Response Code', name: 'responseCode', type: 'number', default: 200 },
      {
        displayName: 'Response Headers',
        name: 'responseHeaders',
        type: 'fixedCollection',
        typeOptions: { multipleValues: true },
        default: {},
        options: [
          {
            name: 'entries',
            displayName: 'Entries',
            values: [
              { displayName: 'Name', name: 'name', type: 'string', default: '' },
              { displayName: 'Value', name: 'value', type: 'string', default: '' },
            ],
          },
        ],
      },
      { displayName: 'Put Response in Field', name: 'responseKey', type: 'string', default: '' },
    ],
  },
];
