/**
 * The trigger's properties, in their own file as in n8n's Webhook node. Option lists are sorted by
 * name, as n8n's lint asks. The credential slots stay in the node file, where that lint reads them.
 */
import type { INodeProperties } from 'n8n-workflow';

/**
 * Name of the node's credential-format test (`methods.credentialTest`). The node file repeats it as
 * a literal in `testedBy`, where n8n's lint reads it; a unit test keeps the two equal.
 */
export const CREDENTIAL_TEST_NAME = 'hooklineCredentialFormat';

const kindProperty: INodeProperties = {
  displayName: 'Trigger Kind',
  name: 'kind',
  type: 'options',
  options: [
    {
      name: 'Agent',
      value: 'agent',
      description: 'Start an agent conversation: POST /webhooks/agents/{agentId} with a "message"',
    },
    {
      name: 'Workflow',
      value: 'workflow',
      description: 'Run this workflow: POST /webhooks/workflows/{workflowId} with "input_data"',
    },
  ],
  default: 'workflow',
  description: 'What a call to this webhook starts; decides the default URL and the expected request body',
};

const agentIdProperty: INodeProperties = {
  displayName: 'Agent ID',
  name: 'agentId',
  type: 'string',
  required: true,
  default: '',
  placeholder: 'agent_abc123',
  description: 'The agent this webhook talks to; its URL is /webhooks/agents/{agentId}',
  displayOptions: { show: { kind: ['agent'] } },
};

const httpMethodProperty: INodeProperties = {
  displayName: 'HTTP Method',
  name: 'httpMethod',
  type: 'options',
  options: [
    { name: 'PATCH', value: 'PATCH' },
    { name: 'POST', value: 'POST' },
    { name: 'PUT', value: 'PUT' },
  ],
  default: 'POST',
  description: 'The HTTP method to listen to',
};

const pathProperty: INodeProperties = {
  displayName: 'Path',
  name: 'path',
  type: 'string',
  default: '',
  placeholder: 'orders/created',
  description:
    'A custom path served under /webhook/. Leave empty for the standard /webhooks/workflows/{ID} or /webhooks/agents/{ID}.',
};

const authenticationProperty: INodeProperties = {
  displayName: 'Authentication',
  name: 'authentication',
  type: 'options',
  options: [
    { name: 'Basic Auth', value: 'basic', description: 'Authorization: Basic with a user and password' },
    { name: 'Bearer Token', value: 'bearer', description: 'Authorization: Bearer with a secret token' },
    { name: 'None', value: 'none', description: 'Anyone who knows the URL can call it' },
    { name: 'URL Token', value: 'urlToken', description: 'Recommended: the caller adds ?token=… to the URL' },
  ],
  default: 'urlToken',
  description: 'How callers prove they may call this webhook',
};

const responseModeProperty: INodeProperties = {
  displayName: 'Respond',
  name: 'responseMode',
  type: 'options',
  options: [
    {
      name: 'Immediately',
      value: 'onReceived',
      description: 'Answer as soon as the request is accepted, with status "queued"',
    },
    {
      name: 'When Last Node Finishes',
      value: 'lastNode',
      description: 'Answer with the output of the last node once the workflow is done',
    },
  ],
  default: 'onReceived',
  description: 'When and with what to answer the caller',
};

const signatureProperty: INodeProperties = {
  displayName: 'Signature Verification',
  name: 'signature',
  type: 'options',
  options: [
    {
      name: 'GitHub (X-Hub-Signature-256)',
      value: 'github',
      description: 'HMAC-SHA256 of the raw body as "sha256=" plus hex, as GitHub sends it',
    },
    {
      name: 'Hex HMAC in a Header',
      value: 'hex',
      description: 'Plain hex HMAC-SHA256 of the raw body in a header you name',
    },
    { name: 'None', value: 'none', description: 'Do not check a signature' },
    {
      name: 'Standard Webhooks',
      value: 'standard-webhooks',
      description: 'The Standard Webhooks message ID, timestamp and signature headers (also sent by Svix)',
    },
    { name: 'Stripe', value: 'stripe', description: 'Stripe-Signature: t=…,v1=… over the timestamp and raw body' },
  ],
  default: 'none',
  description: 'Whether and how to check that the body was signed with your signing secret',
  hint: 'Checked over the raw body bytes, in addition to the authentication above',
};

const signatureHeaderProperty: INodeProperties = {
  displayName: 'Signature Header',
  name: 'signatureHeader',
  type: 'string',
  default: 'X-Webhook-Signature',
  description: 'The request header that holds the hex HMAC-SHA256 of the raw body',
  displayOptions: { show: { signature: ['hex'] } },
};

const toleranceProperty: INodeProperties = {
  displayName: 'Timestamp Tolerance (Seconds)',
  name: 'toleranceSec',
  type: 'number',
  typeOptions: { minValue: 1 },
  default: 300,
  description: 'How far the signed timestamp may be from now, either way, before a request counts as a replay',
  displayOptions: { show: { signature: ['standard-webhooks', 'stripe'] } },
};

const optionsProperty: INodeProperties = {
  displayName: 'Options',
  name: 'options',
  type: 'collection',
  placeholder: 'Add Option',
  default: {},
  options: [
    {
      displayName: 'Allowed Origins',
      name: 'allowedOrigins',
      type: 'string',
      default: '',
      placeholder: 'https://app.example.com, https://www.example.com',
      description:
        'Comma-separated origins a browser may call from; other Origin headers get 403. Empty or * allows any.',
    },
    {
      displayName: 'IP Allowlist',
      name: 'ipAllowlist',
      type: 'string',
      default: '',
      placeholder: '52.70.124.191, 10.0.0.0/8, 2001:db8::/32',
      description:
        'Comma-separated IPv4/IPv6 addresses or CIDR ranges allowed to call; others get 403. Empty allows all.',
    },
    {
      displayName: 'Organization',
      name: 'organization',
      type: 'string',
      default: '',
      placeholder: 'org-123',
      description:
        "The organization this trigger's events belong to (Hookline engine): only that organization's webhooks receive them. Empty uses the workflow's settings.organization.",
    },
    {
      displayName: 'Validate Body',
      name: 'validateBody',
      type: 'boolean',
      default: true,
      description:
        'Whether to reject (400) bodies that do not match the request format: "message" for agents, "input_data" for workflows',
    },
  ],
};

/** All properties of the trigger, in display order. */
export const triggerProperties: INodeProperties[] = [
  kindProperty,
  agentIdProperty,
  httpMethodProperty,
  pathProperty,
  authenticationProperty,
  responseModeProperty,
  signatureProperty,
  signatureHeaderProperty,
  toleranceProperty,
  optionsProperty,
];
