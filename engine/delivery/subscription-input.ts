/**
 * Subscription fields as callers send them, in every spelling the seeds use (`url`/`targetUrl`,
 * `enabled`/`isActive`, `organization`/`workspace`, `ordering`/`ordered` …), validated by one ajv
 * schema (unknown fields are rejected by name) and normalised to the canonical `Subscription`.
 */
import { compileRules } from '../rules/index.js';
import { Errors } from '../errors.js';
import { compileJsonSchema, toInvalidInput } from '../validation.js';
import { PAYLOAD_FORMATS } from '../events/envelope.js';
import { SIGNATURE_SCHEMES } from '../signing/index.js';
import { WIRE_PROFILES, wirePreset, type WireProfile } from '../message/profiles.js';
import { EVENT_TYPE_PATTERN } from '../events/catalog.js';
import type { Subscription } from '../store/records.js';
import { parseHeaders } from './subscription-headers.js';

/** A header name a subscription may configure (signature, timestamp). */
const HEADER_NAME = { type: ['string', 'null'], pattern: '^[A-Za-z0-9-]{1,100}$' } as const;

const eventPattern = {
  type: 'string',
  anyOf: [{ const: '*' }, { pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*(\\.\\*)?$' }],
};

export const SUBSCRIPTION_INPUT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: ['string', 'null'], maxLength: 2000 },
    url: { type: 'string', minLength: 1, maxLength: 2048 },
    targetUrl: { type: 'string', minLength: 1, maxLength: 2048 },
    events: { type: 'array', minItems: 1, maxItems: 500, items: eventPattern },
    headers: { type: 'object', additionalProperties: { type: 'string', maxLength: 4096 }, maxProperties: 50 },
    enabled: { type: 'boolean' },
    isActive: { type: 'boolean' },
    secret: { type: 'string', minLength: 16, maxLength: 256 },
    organization: { type: 'string', minLength: 1, maxLength: 200 },
    workspace: { type: 'string', minLength: 1, maxLength: 200 },
    project: { type: 'string', maxLength: 200 },
    authentication: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { enum: ['none', 'bearer', 'basic'] },
        token: { type: 'string' },
        username: { type: 'string' },
        password: { type: 'string' },
      },
    },
    retry_policy: {
      type: 'object',
      additionalProperties: false,
      properties: {
        max_retries: { type: 'integer', minimum: 0, maximum: 50 },
        backoff_multiplier: { type: 'number', minimum: 1, maximum: 10 },
        schedule_seconds: {
          type: 'array',
          minItems: 1,
          maxItems: 50,
          items: { type: 'integer', minimum: 0, maximum: 86_400 },
        },
      },
    },
    timeout: { type: 'integer', minimum: 1, maximum: 120, description: 'seconds' },
    timeout_ms: { type: 'integer', minimum: 100, maximum: 120_000 },
    /** Deliveries per second at most (Svix's `rateLimit`); null removes the limit. */
    rate_limit: { type: ['integer', 'null'], minimum: 1, maximum: 10_000 },
    rateLimit: { type: ['integer', 'null'], minimum: 1, maximum: 10_000 },
    signature_scheme: { enum: ['none', ...SIGNATURE_SCHEMES] },
    profile: { enum: [...WIRE_PROFILES, null] },
    signature_header: HEADER_NAME,
    timestamp_header: HEADER_NAME,
    timestamp_unit: { enum: ['s', 'ms'] },
    payload_format: { enum: [...PAYLOAD_FORMATS] },
    ordering: { enum: ['ordered', 'unordered'] },
    ordered: { type: 'boolean' },
    batch_settings: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['max_events'],
      properties: {
        max_events: { type: 'integer', minimum: 1, maximum: 1000 },
        max_wait_seconds: { type: 'number', minimum: 0, maximum: 86_400 },
      },
    },
    conditions: { type: ['object', 'null'] },
    filters: { type: ['object', 'null'] },
    include_fields: { type: ['array', 'null'], items: { type: 'string' }, maxItems: 200 },
    metadata: { type: ['object', 'null'] },
  },
} as const;

const validate = compileJsonSchema(SUBSCRIPTION_INPUT_SCHEMA);

export type SubscriptionInput = Record<string, unknown>;

/** Fields a caller may set, normalised; absent fields stay absent (for PATCH). */
export type SubscriptionChanges = Partial<
  Pick<
    Subscription,
    | 'name'
    | 'description'
    | 'url'
    | 'events'
    | 'headers'
    | 'enabled'
    | 'secret'
    | 'workspace'
    | 'authentication'
    | 'retryPolicy'
    | 'timeoutMs'
    | 'rateLimit'
    | 'profile'
    | 'signatureScheme'
    | 'signatureHeader'
    | 'timestampHeader'
    | 'timestampUnit'
    | 'payloadFormat'
    | 'ordered'
    | 'batchSettings'
    | 'conditions'
    | 'filters'
    | 'includeFields'
    | 'metadata'
  >
>;

export interface ParseOptions {
  requireAll: boolean;
  /** The stored headers, for an update: a masked value sent back keeps the stored one. */
  storedHeaders?: Readonly<Record<string, string>>;
}

export function parseSubscriptionInput(input: unknown, options: ParseOptions): SubscriptionChanges {
  if (!validate(input)) throw toInvalidInput(validate.errors![0]);
  const raw = input as Record<string, unknown>;
  const changes: SubscriptionChanges = {};
  const set = <K extends keyof SubscriptionChanges>(key: K, value: SubscriptionChanges[K] | undefined) => {
    if (value !== undefined) changes[key] = value;
  };
  set('name', raw.name as string | undefined);
  set('description', raw.description as string | null | undefined);
  set('url', (raw.url ?? raw.targetUrl) as string | undefined);
  set('events', raw.events as string[] | undefined);
  set('headers', raw.headers ? parseHeaders(raw.headers as Record<string, string>, options.storedHeaders) : undefined);
  set('enabled', (raw.enabled ?? raw.isActive) as boolean | undefined);
  set('secret', raw.secret as string | undefined);
  set('workspace', (raw.workspace ?? raw.organization) as string | undefined);
  set('authentication', raw.authentication as Subscription['authentication'] | undefined);
  set('retryPolicy', raw.retry_policy as Subscription['retryPolicy'] | undefined);
  set(
    'timeoutMs',
    raw.timeout_ms !== undefined
      ? (raw.timeout_ms as number)
      : raw.timeout !== undefined
        ? (raw.timeout as number) * 1000
        : undefined,
  );
  set('rateLimit', (raw.rate_limit !== undefined ? raw.rate_limit : raw.rateLimit) as number | null | undefined);
  set('signatureScheme', raw.signature_scheme as Subscription['signatureScheme'] | undefined);
  set('signatureHeader', raw.signature_header as string | null | undefined);
  set('timestampHeader', raw.timestamp_header as string | null | undefined);
  set('timestampUnit', raw.timestamp_unit as Subscription['timestampUnit'] | undefined);
  set('payloadFormat', raw.payload_format as Subscription['payloadFormat'] | undefined);
  set('ordered', raw.ordering !== undefined ? raw.ordering === 'ordered' : (raw.ordered as boolean | undefined));
  set(
    'batchSettings',
    raw.batch_settings === null
      ? null
      : raw.batch_settings
        ? ({ max_wait_seconds: 0, ...(raw.batch_settings as object) } as Subscription['batchSettings'])
        : undefined,
  );
  set('conditions', raw.conditions);
  set('filters', raw.filters);
  set('includeFields', raw.include_fields as string[] | null | undefined);
  set(
    'metadata',
    raw.metadata === undefined && raw.project === undefined
      ? undefined
      : { ...(raw.metadata as object | null), ...(raw.project ? { project: raw.project } : {}) },
  );
  if (raw.profile !== undefined) applyProfile(changes, raw.profile as WireProfile | null);
  if (options.requireAll) {
    for (const field of ['url', 'events'] as const) {
      if (changes[field] === undefined)
        throw Errors.INVALID_INPUT(`Required field '${field}' is missing`, {
          details: {
            field,
            expected: field === 'url' ? 'string' : 'array',
            received: 'null',
          },
        });
    }
  }
  checkSemantics(changes);
  return changes;
}

/**
 * Expands a profile into the fields it sets, under the fields given beside it (a `retry_policy`
 * given beside it merges key by key). Expanded here, once, so the stored row holds the concrete
 * fields: a later PATCH of other fields keeps them, and a PATCH naming a profile re-applies it.
 */
function applyProfile(changes: SubscriptionChanges, profile: WireProfile | null): void {
  const preset = wirePreset(profile);
  const explicit = { ...changes };
  Object.assign(changes, preset, explicit, { profile });
  if (explicit.retryPolicy && preset.retryPolicy)
    changes.retryPolicy = { ...preset.retryPolicy, ...explicit.retryPolicy };
}

function checkSemantics(changes: SubscriptionChanges): void {
  if (changes.url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(changes.url);
    } catch {
      throw Errors.INVALID_INPUT(`Field 'url' is not a valid URL`, {
        details: {
          field: 'url',
          expected: 'http(s) URL',
          received: changes.url,
        },
      });
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      throw Errors.INVALID_INPUT(`Field 'url' must use http or https`, {
        details: {
          field: 'url',
          expected: 'http(s) URL',
          received: changes.url,
        },
      });
  }
  for (const type of changes.events ?? []) {
    if (type !== '*' && !type.endsWith('.*') && !EVENT_TYPE_PATTERN.test(type))
      throw Errors.INVALID_INPUT(`Event type '${type}' is not a valid name`, {
        details: {
          field: 'events',
          expected: 'group.name, group.* or *',
          received: type,
        },
      });
  }
  const auth = changes.authentication;
  if (auth?.type === 'bearer' && !auth.token)
    throw Errors.INVALID_INPUT("Bearer authentication needs 'token'", {
      details: {
        field: 'authentication.token',
        expected: 'string',
        received: 'null',
      },
    });
  if (auth?.type === 'basic' && (!auth.username || auth.password === undefined))
    throw Errors.INVALID_INPUT("Basic authentication needs 'username' and 'password'", {
      details: {
        field: 'authentication.username',
        expected: 'string',
        received: 'null',
      },
    });
  // Compiling now rejects a bad rule with its path at save time, never at delivery time.
  compileRules({
    conditions: changes.conditions ?? undefined,
    filters: changes.filters ?? undefined,
    include_fields: changes.includeFields ?? undefined,
  });
}
