/**
 * The sender's properties and credential slots, in their own file as in n8n's Webhook node.
 * Option lists are sorted by name, as n8n's lint asks. Credential tests are declared once, by the
 * trigger (`testedBy`), for all four shared Hookline credential types.
 */
import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';
import { profileProperty } from './profile-property.js';

/** Event types look like `order.completed`: lower-case dot-separated words, at least two. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** Signature options that need the signing secret. */
export const SIGNED_OPTIONS = ['hex', 'sha256', 'standard-webhooks', 'timestamped'] as const;

/** Credential slots: the signing secret for signed posts, the receiver's auth by `authentication`. */
export const senderCredentials: INodeCredentialDescription[] = [
  {
    name: 'hooklineSigningSecretApi',
    required: true,
    displayOptions: { show: { mode: ['url'], signature: [...SIGNED_OPTIONS] } },
  },
  {
    name: 'hooklineBearerApi',
    required: true,
    displayOptions: { show: { mode: ['url'], authentication: ['bearer'] } },
  },
  {
    name: 'hooklineBasicAuthApi',
    required: true,
    displayOptions: { show: { mode: ['url'], authentication: ['basic'] } },
  },
];

const urlMode = { show: { mode: ['url'] } };

const modeProperty: INodeProperties = {
  displayName: 'Mode',
  name: 'mode',
  type: 'options',
  noDataExpression: true,
  options: [
    {
      name: 'Emit Event',
      value: 'event',
      description: 'Publish a named event to every matching subscription (needs the Hookline engine)',
    },
    {
      name: 'Post to URL',
      value: 'url',
      description: 'POST a signed event to one URL, inline in n8n or through the engine outbox',
    },
  ],
  // Post to URL works in n8n and in the engine alike; Emit Event needs the engine's subscriptions.
  default: 'url',
};

const eventTypeProperty: INodeProperties = {
  displayName: 'Event Type',
  name: 'eventType',
  type: 'string',
  required: true,
  default: 'custom.event',
  placeholder: 'order.completed',
  description: 'Name of the event: lower-case words separated by dots, e.g. order.completed',
};

const urlProperty: INodeProperties = {
  displayName: 'URL',
  name: 'url',
  type: 'string',
  required: true,
  default: '',
  placeholder: 'https://example.com/webhooks/hookline',
  description: 'The receiver the event is POSTed to',
  displayOptions: urlMode,
};

const payloadSourceProperty: INodeProperties = {
  displayName: 'Event Data',
  name: 'payloadSource',
  type: 'options',
  options: [
    { name: 'Input Item', value: 'item', description: "The incoming item's JSON is the event data" },
    { name: 'JSON', value: 'json', description: 'The JSON below (expressions allowed) is the event data' },
  ],
  default: 'item',
};

const dataProperty: INodeProperties = {
  displayName: 'Data',
  name: 'data',
  type: 'json',
  default: '{}',
  description: 'The event data as JSON; expressions are allowed',
  displayOptions: { show: { payloadSource: ['json'] } },
};

const payloadFormatProperty: INodeProperties = {
  displayName: 'Payload Format',
  name: 'payloadFormat',
  type: 'options',
  options: [
    { name: 'Envelope', value: 'envelope', description: 'ID, type, timestamp, data and metadata (the default)' },
    { name: 'Event', value: 'event', description: 'ID, event, timestamp and data' },
    { name: 'Organization', value: 'organization', description: 'ID, type, created, organization, project and data' },
    { name: 'Webhook', value: 'webhook', description: 'Event, timestamp, webhook_id and data' },
  ],
  default: 'envelope',
  displayOptions: urlMode,
};

const signatureProperty: INodeProperties = {
  displayName: 'Signature',
  name: 'signature',
  type: 'options',
  options: [
    {
      name: 'GitHub (X-Hub-Signature-256)',
      value: 'sha256',
      description: 'A sha256= prefix and the hex HMAC of the body, as GitHub sends it',
    },
    {
      name: 'Hex HMAC in a Header',
      value: 'hex',
      description: 'Plain hex HMAC-SHA256 of the body in a header you name',
    },
    { name: 'None', value: 'none', description: 'Send unsigned' },
    {
      name: 'Standard Webhooks',
      value: 'standard-webhooks',
      description: 'The three Standard Webhooks headers with a v1 HMAC signature (also what Svix receivers check)',
    },
    {
      name: 'Timestamped Hex HMAC',
      value: 'timestamped',
      description: 'Hex HMAC-SHA256 of the timestamp, a dot and the body, plus a timestamp header',
    },
  ],
  default: 'standard-webhooks',
  description: 'How the receiver can check that the body came from you, unchanged',
  displayOptions: urlMode,
};

const signatureHeaderProperty: INodeProperties = {
  displayName: 'Signature Header',
  name: 'signatureHeader',
  type: 'string',
  default: 'X-Webhook-Signature',
  description: 'The header that carries the hex HMAC-SHA256',
  displayOptions: { show: { mode: ['url'], signature: ['hex', 'timestamped'] } },
};

const authenticationProperty: INodeProperties = {
  displayName: 'Authentication',
  name: 'authentication',
  type: 'options',
  options: [
    { name: 'Basic Auth', value: 'basic', description: 'Authorization: Basic with a user and password' },
    { name: 'Bearer Token', value: 'bearer', description: 'Authorization: Bearer with a token' },
    { name: 'None', value: 'none', description: 'No Authorization header' },
  ],
  default: 'none',
  description: 'How to authenticate to the receiver, in addition to the signature',
  displayOptions: urlMode,
};

const conditionsProperty: INodeProperties = {
  displayName: 'Conditions',
  name: 'conditions',
  type: 'json',
  default: '',
  placeholder: '{"score": {"lt": 3}}',
  description:
    'Only items whose event data match are sent: JSON-logic, shorthand ({"score": {"lt": 3}}) or Mongo-style ({"score": {"$lt": 3}}). Others pass through unsent. Empty sends every item.',
};

const includeFieldsProperty: INodeProperties = {
  displayName: 'Include Fields',
  name: 'includeFields',
  type: 'string',
  default: '',
  placeholder: 'order.total, order.currency, customer.email',
  description: 'Comma-separated dot paths of the event data to send; everything else is trimmed. Empty sends all data.',
};

const headersOption: INodeProperties = {
  displayName: 'Headers',
  name: 'headers',
  type: 'fixedCollection',
  typeOptions: { multipleValues: true },
  default: {},
  placeholder: 'Add Header',
  description: "Extra request headers; Hookline's own (content-type, signature, idempotency-key) win on a clash",
  options: [
    {
      name: 'header',
      displayName: 'Header',
      values: [
        { displayName: 'Name', name: 'name', type: 'string', default: '' },
        { displayName: 'Value', name: 'value', type: 'string', default: '' },
      ],
    },
  ],
};

const optionsProperty: INodeProperties = {
  displayName: 'Options',
  name: 'options',
  type: 'collection',
  placeholder: 'Add Option',
  default: {},
  displayOptions: urlMode,
  options: [
    {
      displayName: 'Allow Private Targets',
      name: 'allowPrivateTargets',
      type: 'boolean',
      default: false,
      description:
        "Whether inline sends inside n8n may go to loopback, private and other special-purpose addresses (local development). Inside Hookline the engine's allowPrivateTargets setting decides.",
    },
    {
      displayName: 'Batch',
      name: 'batch',
      type: 'boolean',
      default: false,
      description: 'Whether to send all items of this run as one JSON array in a single POST',
    },
    headersOption,
    {
      displayName: 'Max Retries',
      name: 'maxRetries',
      type: 'number',
      typeOptions: { minValue: 0, maxValue: 10 },
      default: 3,
      description:
        'Retries after a failed attempt. Inline in n8n the node waits for them; the engine retries from its outbox.',
    },
    {
      displayName: 'Ordered',
      name: 'ordered',
      type: 'boolean',
      default: true,
      description:
        "Whether the engine delivers this node's events to the URL one at a time, in order (inline sends are always in order)",
    },
    {
      displayName: 'Retry Base Delay (Ms)',
      name: 'retryBaseMs',
      type: 'number',
      typeOptions: { minValue: 0 },
      default: 1000,
      description: 'First inline backoff; each retry waits twice as long as the previous one, at most 30 s',
    },
    {
      displayName: 'Timeout (Ms)',
      name: 'timeoutMs',
      type: 'number',
      typeOptions: { minValue: 1 },
      default: 10000,
      description: 'How long to wait for the receiver to answer one attempt',
    },
  ],
};

/** All properties of the sender, in display order. */
export const senderProperties: INodeProperties[] = [
  modeProperty,
  eventTypeProperty,
  urlProperty,
  payloadSourceProperty,
  dataProperty,
  profileProperty,
  payloadFormatProperty,
  signatureProperty,
  signatureHeaderProperty,
  authenticationProperty,
  conditionsProperty,
  includeFieldsProperty,
  optionsProperty,
];
