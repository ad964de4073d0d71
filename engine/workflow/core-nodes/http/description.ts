/**
 * The HTTP Request node's parameters (v4, 4.1, 4.2) under n8n's names and shapes, so an exported
 * workflow's JSON reads unchanged. Declared from n8n's documented parameters; the subset the
 * engine runs is listed in docs/n8n-compatibility.md.
 */
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

const keyPairs = (
  name: string,
  displayName: string,
  show: Record<string, Array<string | boolean>>,
): INodeProperties => ({
  displayName,
  name,
  type: 'fixedCollection',
  typeOptions: { multipleValues: true },
  displayOptions: { show },
  default: { parameters: [{ name: '', value: '' }] },
  options: [
    {
      name: 'parameters',
      displayName: 'Parameter',
      values: [
        // Multipart bodies say which kind of field each is; only text fields run here.
        { displayName: 'Parameter Type', name: 'parameterType', type: 'string', default: 'formData' },
        { displayName: 'Name', name: 'name', type: 'string', default: '' },
        { displayName: 'Value', name: 'value', type: 'string', default: '' },
      ],
    },
  ],
});

const keypairOrJson = (name: string, show: Record<string, Array<string | boolean>>): INodeProperties => ({
  displayName: 'Specify',
  name,
  type: 'options',
  displayOptions: { show },
  options: [
    { name: 'Using Fields Below', value: 'keypair' },
    { name: 'Using JSON', value: 'json' },
  ],
  default: 'keypair',
});

const json = (name: string, show: Record<string, Array<string | boolean>>): INodeProperties => ({
  displayName: 'JSON',
  name,
  type: 'json',
  displayOptions: { show },
  default: '',
});

/** An option holding one named group of values: `options.<name>.<inner>.<value>`, as n8n nests them. */
const fixed = (name: string, displayName: string, values: INodeProperties[], inner = name): INodeProperties => ({
  displayName,
  name,
  type: 'fixedCollection',
  default: { [inner]: {} },
  options: [{ name: inner, displayName, values }],
});

/**
 * The Options collection, declared in full: n8n-workflow keeps only the parameters a node
 * declares (and shows), so an undeclared option would vanish before the node reads it.
 */
const optionsCollection: INodeProperties = {
  displayName: 'Options',
  name: 'options',
  type: 'collection',
  placeholder: 'Add option',
  default: {},
  options: [
    fixed(
      'batching',
      'Batching',
      [
        { displayName: 'Items per Batch', name: 'batchSize', type: 'number', default: 50 },
        { displayName: 'Batch Interval (ms)', name: 'batchInterval', type: 'number', default: 1000 },
      ],
      'batch',
    ),
    { displayName: 'Ignore SSL Issues', name: 'allowUnauthorizedCerts', type: 'boolean', default: false },
    {
      displayName: 'Array Format in Query Parameters',
      name: 'queryParameterArrays',
      type: 'options',
      options: [
        { name: 'No Brackets', value: 'repeat' },
        { name: 'Brackets Only', value: 'brackets' },
        { name: 'Brackets with Indices', value: 'indices' },
      ],
      default: 'brackets',
    },
    { displayName: 'Lowercase Headers', name: 'lowercaseHeaders', type: 'boolean', default: true },
    fixed('redirect', 'Redirects', [
      // Hookline's default: a redirect is followed only when asked (n8n v4 follows by default).
      { displayName: 'Follow Redirects', name: 'followRedirects', type: 'boolean', default: false },
      { displayName: 'Max Redirects', name: 'maxRedirects', type: 'number', default: 21 },
    ]),
    fixed('response', 'Response', [
      { displayName: 'Include Response Headers and Status', name: 'fullResponse', type: 'boolean', default: false },
      { displayName: 'Never Error', name: 'neverError', type: 'boolean', default: false },
      {
        displayName: 'Response Format',
        name: 'responseFormat',
        type: 'options',
        options: ['autodetect', 'file', 'json', 'text'].map((value) => ({ name: value, value })),
        default: 'autodetect',
      },
      {
        displayName: 'Put Output in Field',
        name: 'outputPropertyName',
        type: 'string',
        default: 'data',
        displayOptions: { show: { responseFormat: ['file', 'text'] } },
      },
    ]),
    fixed('pagination', 'Pagination', [
      {
        displayName: 'Pagination Mode',
        name: 'paginationMode',
        type: 'options',
        options: ['off', 'updateAParameterInEachRequest', 'responseContainsNextURL'].map((value) => ({
          name: value,
          value,
        })),
        default: 'updateAParameterInEachRequest',
      },
    ]),
    { displayName: 'Proxy', name: 'proxy', type: 'string', default: '' },
    { displayName: 'Timeout', name: 'timeout', type: 'number', default: 10000 },
  ],
};

export const httpRequestDescription: INodeTypeDescription = {
  displayName: 'HTTP Request',
  name: 'httpRequest',
  icon: 'fa:at',
  group: ['output'],
  version: [4, 4.1, 4.2],
  defaultVersion: 4.2,
  description: 'Makes an HTTP request and returns the response data',
  defaults: { name: 'HTTP Request' },
  inputs: ['main'],
  outputs: ['main'],
  credentials: [
    { name: 'httpHeaderAuth', required: false },
    { name: 'httpBearerAuth', required: false },
    { name: 'httpBasicAuth', required: false },
  ],
  properties: [
    {
      displayName: 'Method',
      name: 'method',
      type: 'options',
      options: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].map((m) => ({ name: m, value: m })),
      default: 'GET',
    },
    { displayName: 'URL', name: 'url', type: 'string', default: '', required: true },
    {
      displayName: 'Authentication',
      name: 'authentication',
      type: 'options',
      options: [
        { name: 'None', value: 'none' },
        { name: 'Predefined Credential Type', value: 'predefinedCredentialType' },
        { name: 'Generic Credential Type', value: 'genericCredentialType' },
      ],
      default: 'none',
    },
    { displayName: 'Generic Auth Type', name: 'genericAuthType', type: 'credentialsSelect', default: '' },
    { displayName: 'Send Query Parameters', name: 'sendQuery', type: 'boolean', default: false },
    keypairOrJson('specifyQuery', { sendQuery: [true] }),
    keyPairs('queryParameters', 'Query Parameters', { sendQuery: [true], specifyQuery: ['keypair'] }),
    json('jsonQuery', { sendQuery: [true], specifyQuery: ['json'] }),
    { displayName: 'Send Headers', name: 'sendHeaders', type: 'boolean', default: false },
    keypairOrJson('specifyHeaders', { sendHeaders: [true] }),
    keyPairs('headerParameters', 'Header Parameters', { sendHeaders: [true], specifyHeaders: ['keypair'] }),
    json('jsonHeaders', { sendHeaders: [true], specifyHeaders: ['json'] }),
    { displayName: 'Send Body', name: 'sendBody', type: 'boolean', default: false },
    {
      displayName: 'Body Content Type',
      name: 'contentType',
      type: 'options',
      displayOptions: { show: { sendBody: [true] } },
      options: [
        { name: 'Form Urlencoded', value: 'form-urlencoded' },
        { name: 'Form-Data', value: 'multipart-form-data' },
        { name: 'JSON', value: 'json' },
        { name: 'n8n Binary File', value: 'binaryData' },
        { name: 'Raw', value: 'raw' },
      ],
      default: 'json',
    },
    keypairOrJson('specifyBody', { sendBody: [true] }),
    keyPairs('bodyParameters', 'Body Parameters', { sendBody: [true] }),
    json('jsonBody', { sendBody: [true], specifyBody: ['json'] }),
    { displayName: 'Body', name: 'body', type: 'string', default: '', displayOptions: { show: { sendBody: [true] } } },
    {
      displayName: 'Content Type',
      name: 'rawContentType',
      type: 'string',
      default: '',
      displayOptions: { show: { sendBody: [true], contentType: ['raw'] } },
    },
    optionsCollection,
  ],
} as unknown as INodeTypeDescription;
