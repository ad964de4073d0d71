/**
 * The webhook form's fields and the conversion between the form's text values and the API's JSON.
 * The fields come from the API's own input schema (`capabilities`): a field this engine lacks is
 * not shown, and a field this list does not know yet is still editable as JSON ("Other fields").
 */
import type { JsonSchema } from '../capabilities.js';
import type { Webhook } from '../types.js';

export type Kind = 'text' | 'textarea' | 'lines' | 'json' | 'number' | 'checkbox' | 'select' | 'password' | 'headers';

export interface FieldSpec {
  /** The API path, dotted: `retry_policy.max_retries`. */
  path: string;
  label: string;
  kind: Kind;
  hint?: string;
  /** Choices of a select; read from the schema's enum when it has one. */
  options?: string[];
  /** Shown only when this is true of the current values (e.g. the bearer token). */
  when?: (values: FormValues) => boolean;
  createOnly?: boolean;
  /** The API takes null here: an edit that empties the field clears it. */
  nullable?: boolean;
}

export interface Section {
  title: string;
  fields: FieldSpec[];
}

export type FormValues = Record<string, string | boolean>;

const isBatching = (v: FormValues) => v.batching === true;

/** Every field the form knows, grouped; the top-level name is what the schema must have. */
const SECTIONS: Section[] = [
  {
    title: 'Endpoint',
    fields: [
      { path: 'name', label: 'Name', kind: 'text' },
      { path: 'description', label: 'Description', kind: 'textarea' },
      { path: 'url', label: 'Endpoint URL', kind: 'text', hint: 'Where deliveries are POSTed' },
      {
        path: 'events',
        label: 'Events',
        kind: 'lines',
        hint: 'One per line or comma-separated: order.created, order.*, *',
      },
      { path: 'enabled', label: 'Enabled', kind: 'checkbox' },
      { path: 'organization', label: 'Organization', kind: 'text', hint: 'Receives only events of this organization' },
      { path: 'project', label: 'Project', kind: 'text' },
    ],
  },
  {
    title: 'Signature and format',
    fields: [
      {
        path: 'profile',
        label: 'Profile',
        kind: 'select',
        hint: 'A seed’s wire format: signature, headers, payload and retries',
      },
      { path: 'signature_scheme', label: 'Signature scheme', kind: 'select' },
      { path: 'signature_header', label: 'Signature header', kind: 'text' },
      { path: 'timestamp_header', label: 'Timestamp header', kind: 'text' },
      { path: 'timestamp_unit', label: 'Timestamp unit', kind: 'select' },
      { path: 'payload_format', label: 'Payload format', kind: 'select' },
      { path: 'secret', label: 'Secret', kind: 'password', hint: 'Leave empty to have one made', createOnly: true },
    ],
  },
  {
    title: 'Authentication and headers',
    fields: [
      { path: 'authentication.type', label: 'Authentication', kind: 'select' },
      {
        path: 'authentication.token',
        label: 'Bearer token',
        kind: 'password',
        when: (v) => v['authentication.type'] === 'bearer',
      },
      {
        path: 'authentication.username',
        label: 'User name',
        kind: 'text',
        when: (v) => v['authentication.type'] === 'basic',
      },
      {
        path: 'authentication.password',
        label: 'Password',
        kind: 'password',
        when: (v) => v['authentication.type'] === 'basic',
      },
      { path: 'headers', label: 'Headers', kind: 'headers', hint: 'One per line: Name: value' },
    ],
  },
  {
    title: 'Delivery',
    fields: [
      { path: 'retry_policy.max_retries', label: 'Maximum retries', kind: 'number' },
      { path: 'retry_policy.backoff_multiplier', label: 'Backoff multiplier', kind: 'number' },
      { path: 'timeout_ms', label: 'Timeout (ms)', kind: 'number' },
      { path: 'ordering', label: 'Ordering', kind: 'select', hint: 'Ordered: one at a time, in event order' },
      { path: 'rate_limit', label: 'Rate limit (deliveries per second)', kind: 'number' },
      { path: 'batching', label: 'Batch events', kind: 'checkbox' },
      { path: 'batch_settings.max_events', label: 'Events per batch', kind: 'number', when: isBatching },
      { path: 'batch_settings.max_wait_seconds', label: 'Longest wait (s)', kind: 'number', when: isBatching },
    ],
  },
  {
    title: 'Rules',
    fields: [
      {
        path: 'conditions',
        label: 'Conditions (JSON)',
        kind: 'json',
        hint: 'Over the event’s data: JSON-logic or shorthand, e.g. {"amount": {"gt": 100}}',
      },
      {
        path: 'filters',
        label: 'Filters (JSON)',
        kind: 'json',
        hint: 'Per event type: value lists or startsWith, e.g. {"order.created": {"country": ["DE"]}}',
      },
      {
        path: 'include_fields',
        label: 'Include fields',
        kind: 'lines',
        hint: 'Dot paths to keep in the payload, one per line',
      },
      { path: 'metadata', label: 'Metadata (JSON)', kind: 'json' },
    ],
  },
];

/** Spellings the API also accepts for fields above: not shown twice. */
const ALIASES = new Set(['targetUrl', 'isActive', 'workspace', 'ordered', 'timeout', 'rateLimit']);
/** Form-only switches, not API fields. */
const FORM_ONLY = new Set(['batching']);

/** The values a new webhook's form starts with. */
const FORM_DEFAULTS: FormValues = { enabled: true, 'authentication.type': 'none', ordering: 'unordered' };

const topOf = (path: string) => path.split('.')[0];

function schemaAt(schema: JsonSchema, path: string): JsonSchema | undefined {
  let current: JsonSchema | undefined = schema;
  for (const part of path.split('.')) current = current?.properties?.[part];
  return current;
}

/** The sections as this engine's schema allows, plus the unknown fields as JSON. */
export function formSections(schema: JsonSchema, creating: boolean): Section[] {
  const properties = schema.properties ?? {};
  const known = new Set<string>();
  const sections = SECTIONS.map((section) => ({
    title: section.title,
    fields: section.fields
      .filter((field) => {
        known.add(topOf(field.path));
        if (field.createOnly && !creating) return false;
        if (FORM_ONLY.has(field.path)) return 'batch_settings' in properties;
        return topOf(field.path) in properties;
      })
      .map((field) => {
        const at = schemaAt(schema, field.path);
        const nullable = Boolean(at && ([at.type].flat().includes('null') || at.enum?.includes(null)));
        field = { ...field, nullable };
        const options = at?.enum?.filter((value) => value !== null).map(String);
        if (field.kind === 'select' && !options) return { ...field, kind: 'text' as const };
        // '' is "the API's default" wherever the form has no default of its own.
        return options ? { ...field, options: FORM_DEFAULTS[field.path] ? options : ['', ...options] } : field;
      }),
  }));
  const others = Object.keys(properties).filter((name) => !known.has(name) && !ALIASES.has(name));
  if (others.length)
    sections.push({
      title: 'Other fields',
      fields: others.map((name) => ({ path: name, label: `${name} (JSON)`, kind: 'json' as const, nullable: true })),
    });
  return sections.filter((section) => section.fields.length > 0);
}

const get = (object: Record<string, unknown> | undefined, path: string): unknown =>
  path.split('.').reduce<unknown>((value, part) => (value as Record<string, unknown> | null)?.[part], object);

const json = (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value, null, 2));

/** A webhook as the form's text values (new: the defaults). */
export function toValues(sections: Section[], webhook?: Webhook): FormValues {
  const values: FormValues = { ...FORM_DEFAULTS };
  if (!webhook) return values;
  for (const field of sections.flatMap((s) => s.fields)) {
    const value = field.path === 'project' ? get(webhook, 'metadata.project') : get(webhook, field.path);
    if (field.kind === 'checkbox')
      values[field.path] = field.path === 'batching' ? Boolean(webhook.batch_settings) : value === true;
    else if (field.kind === 'json') values[field.path] = json(value);
    else if (field.kind === 'lines') values[field.path] = Array.isArray(value) ? value.join('\n') : '';
    else if (field.kind === 'headers')
      values[field.path] = Object.entries((value as Record<string, string>) ?? {})
        .map(([name, text]) => `${name}: ${text}`)
        .join('\n');
    else values[field.path] = value === null || value === undefined ? '' : String(value);
  }
  return values;
}

export interface Built {
  body: Record<string, unknown>;
  /** Field path → message, for values the form can tell are wrong before sending. */
  errors: Record<string, string>;
}

/** The API body from the form; on edit, emptied optional fields are sent as null (cleared). */
export function toBody(sections: Section[], values: FormValues, creating: boolean): Built {
  const body: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const put = (path: string, value: unknown) => {
    const parts = path.split('.');
    let target = body;
    for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
    target[parts[parts.length - 1]] = value;
  };
  for (const field of sections.flatMap((s) => s.fields)) {
    if (FORM_ONLY.has(field.path) || (field.when && !field.when(values))) continue;
    const raw = values[field.path];
    if (field.kind === 'checkbox') {
      put(field.path, raw === true);
      continue;
    }
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (!text) {
      if (!creating && field.nullable) put(field.path, null);
      continue;
    }
    if (field.kind === 'number') {
      const number = Number(text);
      if (Number.isNaN(number)) errors[field.path] = 'Must be a number';
      else put(field.path, number);
    } else if (field.kind === 'json') {
      try {
        put(field.path, JSON.parse(text));
      } catch (error) {
        errors[field.path] = `Not valid JSON: ${(error as Error).message}`;
      }
    } else if (field.kind === 'lines') {
      put(
        field.path,
        text
          .split(/[\n,]/)
          .map((line) => line.trim())
          .filter(Boolean),
      );
    } else if (field.kind === 'headers') {
      const headers: Record<string, string> = {};
      for (const line of text.split('\n').filter((l) => l.trim())) {
        const at = line.indexOf(':');
        if (at <= 0) errors[field.path] = `Line '${line.trim()}' is not Name: value`;
        else headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
      }
      put(field.path, headers);
    } else put(field.path, text);
  }
  // Stored tokens and passwords are never shown: an edit that leaves them empty keeps them.
  const auth = body.authentication as { type?: string; token?: string; password?: string } | undefined;
  if (!creating && auth && ((auth.type === 'bearer' && !auth.token) || (auth.type === 'basic' && !auth.password)))
    delete body.authentication;
  if (values.batching === false && !creating && sections.some((s) => s.fields.some((f) => f.path === 'batching')))
    body.batch_settings = null;
  return { body, errors };
}

/** The form field an API error names: the longest prefix of `details.field` that is a field here. */
export function fieldFor(sections: Section[], apiField: string): string | null {
  const paths = new Set(sections.flatMap((s) => s.fields.map((f) => f.path)));
  const parts = apiField
    .replace(/^\//, '')
    .split(/[./[\]]+/)
    .filter(Boolean);
  for (let n = parts.length; n > 0; n--) {
    const candidate = parts.slice(0, n).join('.');
    if (paths.has(candidate)) return candidate;
    const first = [...paths].find((path) => path.startsWith(`${candidate}.`));
    if (first) return first;
  }
  return null;
}

export const controlId = (path: string) => `wh-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
