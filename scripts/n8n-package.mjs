/**
 * What the n8n community package says about itself beyond the code: its name, keywords and each
 * node's codex entry (the `<Name>.node.json` n8n reads for the nodes panel). `node` and
 * `nodeVersion` are not listed here: the build takes them from the bundled node's description, so
 * the codex can never name a type that does not exist.
 */

const DOCS = 'https://github.com/hookline/hookline#use-in-n8n';
const CREDENTIAL_DOCS = 'https://github.com/hookline/hookline#credentials';

export const N8N_PACKAGE_FIELDS = {
  /** n8n names node types `<package name>.<description.name>`: `n8n-nodes-hookline.webhookTrigger`. */
  name: 'n8n-nodes-hookline',
  keywords: ['n8n-community-node-package', 'n8n', 'webhook', 'webhooks', 'standard-webhooks', 'hmac'],
};

/** Codex per node class name. */
export const CODEX = {
  WebhookTrigger: {
    categories: ['Development', 'Core Nodes'],
    subcategories: { 'Core Nodes': ['Other Trigger Nodes'] },
    alias: ['Webhook', 'HTTP', 'API', 'Bearer', 'HMAC', 'Standard Webhooks', 'Agent'],
    resources: {
      primaryDocumentation: [{ url: `${DOCS}` }],
      credentialDocumentation: [{ url: CREDENTIAL_DOCS }],
    },
  },
  WebhookSender: {
    categories: ['Development', 'Core Nodes'],
    subcategories: { 'Core Nodes': ['Helpers'] },
    alias: ['Webhook', 'HTTP', 'POST', 'Signed', 'HMAC', 'Standard Webhooks', 'Svix', 'Event'],
    resources: {
      primaryDocumentation: [{ url: `${DOCS}` }],
      credentialDocumentation: [{ url: CREDENTIAL_DOCS }],
    },
  },
};
