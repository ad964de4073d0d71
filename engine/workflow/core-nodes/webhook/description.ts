/**
 * The parameters of n8n's Webhook node (`n8n-nodes-base.webhook`), under n8n's names and defaults so
 * that an exported workflow runs unchanged. Written from n8n's documented parameters; which exist in
 * which version follows n8n: `responseCode` is a top-level number up to v1.1 and an option with a
 * custom code from v2; `multipleMethods` turns `httpMethod` into a list (one output per method).
 */
import type { INodeProperties } from 'n8n-workflow';

const METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'].map((method) => ({ name: method, value: method }));

const nameValueEntries = (displayName: string): INodeProperties => ({
  displayName,
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
});

/** The `options` collection; only the options a workflow sets appear in its parameters. */
const options: INodeProperties = {
  displayName: 'Options',
  name: 'options',
  type: 'collection',
  placeholder: 'Add option',
  default: {},
  options: [
    { displayName: 'Allowed Origins (CORS)', name: 'allowedOrigins', type: 'string', default: '*' },
    { displayName: 'Binary File', name: 'binaryData', type: 'boolean', default: false },
    { displayName: 'Field Name for Binary Data', name: 'binaryPropertyName', type: 'string', default: 'data' },
    { displayName: 'Ignore Bots', name: 'ignoreBots', type: 'boolean', default: false },
    { displayName: 'IP(s) Allowlist', name: 'ipWhitelist', type: 'string', default: '' },
    { displayName: 'No Response Body', name: 'noResponseBody', type: 'boolean', default: false },
    { displayName: 'Raw Body', name: 'rawBody', type: 'boolean', default: false },
    { displayName: 'Response Data', name: 'responseData', type: 'string', default: '' },
    { displayName: 'Response Content-Type', name: 'responseContentType', type: 'string', default: '' },
    nameValueEntries('Response Headers'),
    { displayName: 'Property Name', name: 'responsePropertyName', type: 'string', default: 'data' },
    {
      displayName: 'Response Code',
      name: 'responseCode',
      type: 'fixedCollection',
      default: { values: { responseCode: 200 } },
      options: [
        {
          name: 'values',
          displayName: 'Values',
          values: [
            { displayName: 'Response Code', name: 'responseCode', type: 'number', default: 200 },
            { displayName: 'Code', name: 'customCode', type: 'number', default: 200 },
          ],
        },
      ],
    },
  ],
};

export const webhookProperties: INodeProperties[] = [
  { displayName: 'Allow Multiple HTTP Methods', name: 'multipleMethods', type: 'boolean', default: false },
  {
    displayName: 'HTTP Method',
    name: 'httpMethod',
    type: 'options',
    options: METHODS,
    default: 'GET',
    displayOptions: { show: { multipleMethods: [false] } },
  },
  {
    displayName: 'HTTP Methods',
    name: 'httpMethod',
    type: 'multiOptions',
    options: METHODS,
    default: ['GET', 'POST'],
    displayOptions: { show: { multipleMethods: [true] } },
  },
  { displayName: 'Path', name: 'path', type: 'string', default: '', placeholder: 'webhook' },
  {
    displayName: 'Authentication',
    name: 'authentication',
    type: 'options',
    options: [
      { name: 'Basic Auth', value: 'basicAuth' },
      { name: 'Header Auth', value: 'headerAuth' },
      { name: 'JWT Auth', value: 'jwtAuth' },
      { name: 'None', value: 'none' },
    ],
    default: 'none',
  },
  {
    displayName: 'Respond',
    name: 'responseMode',
    type: 'options',
    options: [
      { name: 'Immediately', value: 'onReceived' },
      { name: 'When Last Node Finishes', value: 'lastNode' },
      { name: "Using 'Respond to Webhook' Node", value: 'responseNode' },
    ],
    default: 'onReceived',
  },
  {
    displayName: 'Response Code',
    name: 'responseCode',
    type: 'number',
    default: 200,
    displayOptions: { show: { '@version': [1, 1.1] }, hide: { responseMode: ['responseNode'] } },
  },
  {
    displayName: 'Response Data',
    name: 'responseData',
    type: 'options',
    options: [
      { name: 'All Entries', value: 'allEntries' },
      { name: 'First Entry JSON', value: 'firstEntryJson' },
      { name: 'First Entry Binary', value: 'firstEntryBinary' },
      { name: 'No Response Body', value: 'noData' },
    ],
    default: 'firstEntryJson',
    displayOptions: { show: { responseMode: ['lastNode'] } },
  },
  {
    displayName: 'Property Name',
    name: 'responseBinaryPropertyName',
    type: 'string',
    default: 'data',
    displayOptions: { show: { responseData: ['firstEntryBinary'] } },
  },
  options,
];
