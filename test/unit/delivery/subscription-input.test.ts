import { describe, expect, it } from 'vitest';
import { parseSubscriptionInput } from '../../../engine/delivery/subscription-input.js';

const create = (input: unknown) => parseSubscriptionInput(input, { requireAll: true });
const patch = (input: unknown) => parseSubscriptionInput(input, { requireAll: false });

/** The HooklineError a parse throws, for matching code, message and details. */
function errorOf(parse: () => unknown): unknown {
  try {
    parse();
  } catch (error) {
    return error;
  }
  throw new Error('expected the input to be rejected');
}

describe('parseSubscriptionInput', () => {
  it('normalises the canonical fields', () => {
    expect(
      create({
        name: 'orders',
        url: 'https://example.com/hook',
        events: ['order.completed', 'agent.*', '*'],
        headers: { 'x-team': 'a' },
        enabled: true,
        secret: 'whsec_abcdefghijkl',
        workspace: 'acme',
        retry_policy: { max_retries: 3, backoff_multiplier: 2 },
        timeout_ms: 2500,
        signature_scheme: 'sha256',
        signature_header: 'X-Sig',
        payload_format: 'webhook',
        ordered: false,
        include_fields: ['id'],
        metadata: { owner: 'ops' },
      }),
    ).toEqual({
      name: 'orders',
      url: 'https://example.com/hook',
      events: ['order.completed', 'agent.*', '*'],
      headers: { 'x-team': 'a' },
      enabled: true,
      secret: 'whsec_abcdefghijkl',
      workspace: 'acme',
      retryPolicy: { max_retries: 3, backoff_multiplier: 2 },
      timeoutMs: 2500,
      signatureScheme: 'sha256',
      signatureHeader: 'X-Sig',
      payloadFormat: 'webhook',
      ordered: false,
      includeFields: ['id'],
      metadata: { owner: 'ops' },
    });
  });

  it('reads the seed spellings targetUrl, isActive, organization, ordering and timeout in seconds', () => {
    expect(
      create({
        targetUrl: 'https://example.com/a',
        events: ['order.completed'],
        isActive: false,
        organization: 'acme',
        ordering: 'unordered',
        timeout: 3,
      }),
    ).toEqual({
      url: 'https://example.com/a',
      events: ['order.completed'],
      enabled: false,
      workspace: 'acme',
      ordered: false,
      timeoutMs: 3000,
    });
  });

  it('prefers the canonical spelling when both are given', () => {
    const changes = patch({
      url: 'https://a.example/',
      targetUrl: 'https://b.example/',
      enabled: true,
      isActive: false,
      timeout_ms: 500,
      timeout: 9,
      ordering: 'ordered',
      ordered: false,
    });
    expect(changes).toEqual({ url: 'https://a.example/', enabled: true, timeoutMs: 500, ordered: true });
  });

  it('folds the seed project into metadata', () => {
    expect(patch({ project: 'p1' })).toEqual({ metadata: { project: 'p1' } });
    expect(patch({ project: 'p1', metadata: { a: 1 } })).toEqual({ metadata: { a: 1, project: 'p1' } });
  });

  it('defaults max_wait_seconds of batch settings to 0, and null clears them', () => {
    expect(patch({ batch_settings: { max_events: 10 } })).toEqual({
      batchSettings: { max_events: 10, max_wait_seconds: 0 },
    });
    expect(patch({ batch_settings: null })).toEqual({ batchSettings: null });
  });

  it('keeps absent fields absent for a patch', () => {
    expect(patch({})).toEqual({});
    expect(patch({ description: null, conditions: null })).toEqual({ description: null, conditions: null });
  });

  it.each(['url', 'events'] as const)('requires %s on create', (field) => {
    const input: Record<string, unknown> = { url: 'https://example.com', events: ['*'] };
    delete input[field];
    expect(errorOf(() => create(input))).toMatchObject({
      code: 'INVALID_INPUT',
      message: `Required field '${field}' is missing`,
      details: { field },
    });
  });

  it('rejects an unknown field by name', () => {
    expect(errorOf(() => patch({ colour: 'red' }))).toMatchObject({
      code: 'INVALID_INPUT',
      message: "Unknown field 'colour'",
      details: { field: 'colour', expected: 'no such field', received: 'present' },
    });
  });

  it('names a nested field that breaks the schema, with the type received', () => {
    expect(errorOf(() => patch({ retry_policy: { max_retries: 99 } }))).toMatchObject({
      code: 'INVALID_INPUT',
      details: { field: 'retry_policy.max_retries', received: 'number' },
    });
    expect(errorOf(() => patch({ secret: 'short' }))).toMatchObject({ details: { field: 'secret' } });
  });

  it.each(['ftp://example.com/x', 'not a url'])('rejects the url %s', (url) => {
    expect(errorOf(() => patch({ url }))).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'url' } });
  });

  it('rejects event names that are not group.name, group.* or *', () => {
    expect(errorOf(() => patch({ events: ['Order.Completed'] }))).toMatchObject({ details: { field: 'events.0' } });
    expect(errorOf(() => patch({ events: ['order'] }))).toMatchObject({
      message: "Event type 'order' is not a valid name",
      details: { field: 'events', received: 'order' },
    });
  });

  it('asks for the credentials an authentication type needs', () => {
    expect(errorOf(() => patch({ authentication: { type: 'bearer' } }))).toMatchObject({
      details: { field: 'authentication.token' },
    });
    expect(errorOf(() => patch({ authentication: { type: 'basic', username: 'u' } }))).toMatchObject({
      details: { field: 'authentication.username' },
    });
    expect(patch({ authentication: { type: 'basic', username: 'u', password: '' } })).toEqual({
      authentication: { type: 'basic', username: 'u', password: '' },
    });
  });

  it('compiles rules at parse time and names the bad operator', () => {
    expect(errorOf(() => patch({ conditions: { x: { $foo: 1 } } }))).toMatchObject({
      code: 'INVALID_INPUT',
      details: { field: 'conditions.x.$foo' },
    });
  });

  it('rejects a signature scheme or payload format it does not know', () => {
    expect(errorOf(() => patch({ signature_scheme: 'md5' }))).toMatchObject({
      details: { field: 'signature_scheme' },
    });
    expect(errorOf(() => patch({ payload_format: 'xml' }))).toMatchObject({ details: { field: 'payload_format' } });
  });
});

describe('wire profiles in the input', () => {
  it('expands a profile into the fields it sets', () => {
    expect(create({ url: 'https://example.com', events: ['*'], profile: 'admin-do' })).toMatchObject({
      profile: 'admin-do',
      signatureScheme: 'timestamped',
      signatureHeader: 'X-Admin-Signature',
      timestampHeader: 'X-Admin-Timestamp',
      timestampUnit: 'ms',
      payloadFormat: 'organization',
      retryPolicy: null,
    });
  });

  it('lets fields given beside it win, merging retry_policy key by key', () => {
    const changes = patch({
      profile: 'agenticflow',
      signature_header: 'X-Other-Signature',
      retry_policy: { max_retries: 2 },
    });
    expect(changes).toMatchObject({
      signatureScheme: 'sha256',
      signatureHeader: 'X-Other-Signature',
      retryPolicy: { max_retries: 2, schedule_seconds: [60, 300, 900, 3600, 21_600, 86_400] },
    });
  });

  it('null goes back to the Standard Webhooks defaults; a patch without profile leaves the wire fields alone', () => {
    expect(patch({ profile: null })).toMatchObject({
      profile: null,
      signatureScheme: 'standard-webhooks',
      signatureHeader: null,
      timestampHeader: null,
      timestampUnit: 's',
      payloadFormat: 'envelope',
    });
    expect(patch({ name: 'x' })).toEqual({ name: 'x' });
  });

  it('takes timestamp_header and timestamp_unit on their own', () => {
    expect(patch({ timestamp_header: 'X-Sent-At', timestamp_unit: 'ms' })).toEqual({
      timestampHeader: 'X-Sent-At',
      timestampUnit: 'ms',
    });
  });
});
