/**
 * The dashboard's webhook form model: fields from the API's own input schema, text values to the
 * API body and back, and an API error's `details.field` to the form field that shows it.
 */
import { describe, expect, test } from 'vitest';
import { SUBSCRIPTION_INPUT_SCHEMA } from '../../../engine/delivery/subscription-input.js';
import type { JsonSchema } from '../../../dashboard/capabilities.js';
import {
  fieldFor,
  formSections,
  toBody,
  toValues,
  type FormValues,
} from '../../../dashboard/views/webhook-form-model.js';
import type { Webhook } from '../../../dashboard/types.js';

const schema = SUBSCRIPTION_INPUT_SCHEMA as unknown as JsonSchema;
const paths = (s: ReturnType<typeof formSections>) => s.flatMap((section) => section.fields.map((f) => f.path));

describe('webhook form model', () => {
  test('shows a control for every field of the API schema, aliases once', () => {
    const sections = formSections(schema, true);
    const shown = new Set(paths(sections).map((path) => path.split('.')[0]));
    const aliases = ['targetUrl', 'isActive', 'workspace', 'ordered', 'timeout', 'rateLimit'];
    for (const field of Object.keys(schema.properties!).filter((name) => !aliases.includes(name)))
      expect(shown, field).toContain(field);
    expect(sections.map((s) => s.title)).not.toContain('Other fields');
  });

  test('a field this form does not know yet is still editable as JSON; one the API lacks is hidden', () => {
    const newer = { ...schema, properties: { ...schema.properties, fancy_new: { type: 'object' } } };
    delete (newer.properties as Record<string, unknown>).batch_settings;
    const sections = formSections(newer, true);
    expect(sections.at(-1)).toMatchObject({ title: 'Other fields', fields: [{ path: 'fancy_new', kind: 'json' }] });
    expect(paths(sections)).not.toContain('batching');
    expect(paths(sections)).not.toContain('batch_settings.max_events');
  });

  test('selects read their choices from the schema, with the API default first', () => {
    const field = formSections(schema, true)
      .flatMap((s) => s.fields)
      .find((f) => f.path === 'signature_scheme')!;
    expect(field.options?.[0]).toBe('');
    expect(field.options).toContain('standard-webhooks');
    const profile = formSections(schema, true)
      .flatMap((s) => s.fields)
      .find((f) => f.path === 'profile');
    // A nullable enum (profile) offers its values, never the text "null".
    if (profile) expect(profile.options).not.toContain('null');
  });

  test('builds the API body: nested fields, lists, headers, numbers, JSON; bad JSON is an error at its field', () => {
    const sections = formSections(schema, true);
    const values: FormValues = {
      ...toValues(sections),
      name: 'Orders',
      url: 'https://example.com/hook',
      events: 'order.created, order.paid\ninvoice.*',
      headers: 'X-Team: billing\nX-Env: prod',
      'retry_policy.max_retries': '3',
      batching: true,
      'batch_settings.max_events': '10',
      conditions: '{"amount": {"gt": 100}}',
      include_fields: 'id\ndata.amount',
      metadata: '{"a": ',
    };
    const { body, errors } = toBody(sections, values, true);
    expect(body).toMatchObject({
      name: 'Orders',
      url: 'https://example.com/hook',
      events: ['order.created', 'order.paid', 'invoice.*'],
      enabled: true,
      headers: { 'X-Team': 'billing', 'X-Env': 'prod' },
      retry_policy: { max_retries: 3 },
      batch_settings: { max_events: 10 },
      conditions: { amount: { gt: 100 } },
      include_fields: ['id', 'data.amount'],
      authentication: { type: 'none' },
    });
    expect(body).not.toHaveProperty('description');
    expect(Object.keys(errors)).toEqual(['metadata']);
    expect(errors.metadata).toMatch(/^Not valid JSON/);
  });

  test('an edit clears what was emptied, and reads a webhook back into the same values', () => {
    const sections = formSections(schema, false);
    const webhook = {
      name: 'Orders',
      url: 'https://example.com/hook',
      events: ['order.created'],
      enabled: true,
      description: 'old',
      conditions: { amount: { gt: 1 } },
      batch_settings: { max_events: 5, max_wait_seconds: 0 },
      headers: { 'X-Team': 'billing' },
      authentication: { type: 'bearer' },
      metadata: { project: 'p1' },
    } as unknown as Webhook;
    const values = toValues(sections, webhook);
    expect(values).toMatchObject({
      events: 'order.created',
      batching: true,
      headers: 'X-Team: billing',
      project: 'p1',
    });
    expect(paths(sections)).not.toContain('secret');
    const { body } = toBody(sections, { ...values, description: '', conditions: '', batching: false }, false);
    expect(body).toMatchObject({ description: null, conditions: null, batch_settings: null });
    if (paths(sections).includes('rate_limit')) expect(body).toMatchObject({ rate_limit: null });
    // The bearer token is never read back: left empty, the stored one stays.
    expect(body).not.toHaveProperty('authentication');
  });

  test('an API error names a form field by its longest known prefix', () => {
    const sections = formSections(schema, true);
    expect(fieldFor(sections, 'conditions.data.total.$foo')).toBe('conditions');
    expect(fieldFor(sections, 'authentication.token')).toBe('authentication.token');
    expect(fieldFor(sections, 'retry_policy')).toBe('retry_policy.max_retries');
    expect(fieldFor(sections, '/events/0')).toBe('events');
    expect(fieldFor(sections, 'nothing_like_it')).toBeNull();
  });
});
