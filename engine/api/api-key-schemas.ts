/**
 * Schemas of `/api/v1/api-keys` (re-exported by schemas.ts). A key is shown by its id, name,
 * prefix, organization and times; the key itself only in the create answer, its hash never.
 */
const organization = { type: 'string', minLength: 1, maxLength: 200, pattern: '^\\S(.*\\S)?$' } as const;

export const createApiKeyBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    /** Scope the key to this organization's webhooks, deliveries and events. */
    organization,
  },
} as const;

const apiKeyProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  prefix: { type: 'string', description: 'The first characters of the key, to tell keys apart' },
  organization: { type: ['string', 'null'], description: 'The one organization the key may see; null for all' },
  created_at: { type: 'string' },
  last_used_at: { type: ['string', 'null'], description: 'Updated at most once a minute' },
} as const;

export const apiKeySchema = {
  type: 'object',
  description: 'An API key, without its secret',
  additionalProperties: true,
  properties: apiKeyProperties,
} as const;

export const apiKeyWithSecretSchema = {
  type: 'object',
  description: 'A new API key: `key` is shown this once',
  additionalProperties: true,
  properties: { ...apiKeyProperties, key: { type: 'string' } },
} as const;

export const apiKeyListSchema = {
  type: 'object',
  properties: { api_keys: { type: 'array', items: apiKeySchema } },
} as const;

/** An organization name, as keys and published events carry it. */
export const organizationName = organization;
