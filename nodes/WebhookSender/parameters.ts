/**
 * The sender's parameters, read with their declared defaults. Settings that shape a whole run
 * (mode, signature, conditions, options) are read once from item 0; the event type, URL and data
 * are read per item because they usually hold expressions. An option value outside its list is
 * an error, never a silent fallback: an unknown signature must not send unsigned.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { PayloadFormat } from '../../engine/events/envelope.js';
import {
  PROFILES,
  signatureHeaderFor,
  WIRE_PROFILES,
  type SignatureWire,
  type WireProfile,
} from '../../engine/message/index.js';
import { EVENT_TYPE_PATTERN } from './description.js';
import { configError } from './error.js';

/** Emit a named event to subscriptions, or POST to one URL. */
export type SenderMode = 'event' | 'url';

/** The node's `signature` option values; `sha256` is GitHub's `sha256=<hex>`. */
export type SignatureOption = 'standard-webhooks' | 'hex' | 'sha256' | 'timestamped' | 'none';

/** How the node authenticates to the receiver. */
export type ReceiverAuth = 'none' | 'bearer' | 'basic';

/** The `options` collection. */
export interface SenderOptions {
  /** Inline only: loopback, private and special-purpose targets allowed. @defaultValue false */
  allowPrivateTargets: boolean;
  /** One POST with a JSON array of every sent item. @defaultValue false */
  batch: boolean;
  /** Extra headers, names in lower case. @defaultValue {} */
  headers: Record<string, string>;
  /** Retries after the first attempt. @defaultValue 3 */
  maxRetries: number;
  /** Engine outbox delivers this node's events one at a time. @defaultValue true */
  ordered: boolean;
  /** First inline backoff; doubles per retry. @defaultValue 1000 */
  retryBaseMs: number;
  /** Per-attempt timeout. @defaultValue 10000 */
  timeoutMs: number;
}

/** The run-wide parameters `execute()` acts on. */
export interface SenderParameters {
  /** @defaultValue 'url' */
  mode: SenderMode;
  /** @defaultValue 'item' */
  payloadSource: 'item' | 'json';
  /** @defaultValue 'envelope' */
  payloadFormat: PayloadFormat;
  /** @defaultValue 'standard-webhooks' */
  signature: SignatureOption;
  /** @defaultValue 'X-Webhook-Signature' */
  signatureHeader: string;
  /** A seed's wire format; it replaces `payloadFormat`, `signature` and the headers. @defaultValue 'none' */
  profile: WireProfile | 'none';
  /** The signature headers as they apply: the profile's, or the signature header parameter's. */
  wire: SignatureWire;
  /** @defaultValue 'none' */
  authentication: ReceiverAuth;
  /** Parsed `conditions`, or null when empty. */
  conditions: unknown;
  /** `includeFields` split on commas; empty keeps all data. */
  includeFields: string[];
  options: SenderOptions;
}

/** What one item is sent as. */
export interface ItemTarget {
  eventType: string;
  /** The receiver; empty in event mode. */
  url: string;
  data: unknown;
}

type ParameterSource = Pick<IExecuteFunctions, 'getNodeParameter' | 'getNode'>;

function read(source: ParameterSource, name: string, fallback: unknown, itemIndex = 0): unknown {
  return source.getNodeParameter(name, itemIndex, fallback);
}

function text(source: ParameterSource, name: string, fallback: string, itemIndex = 0): string {
  const value = read(source, name, fallback, itemIndex);
  return typeof value === 'string' ? value.trim() : fallback;
}

function choice<T extends string>(source: ParameterSource, name: string, allowed: readonly T[], fallback: T): T {
  const value = text(source, name, fallback);
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw configError(
    source.getNode(),
    `Parameter '${name}' has the unknown value '${value}'`,
    0,
    `Use one of: ${allowed.join(', ')}`,
  );
}

/** A whole number within bounds; anything else (NaN, a string) takes the default. */
function boundedInt(value: unknown, fallback: number, min: number, max: number): number {
  const number = typeof value === 'number' ? value : Number(value);
  if (value === undefined || value === '' || !Number.isFinite(number)) return fallback;
  return Math.min(max, Math.max(min, Math.round(number)));
}

/** `{ header: [{ name, value }] }` from the fixed collection, or a plain `{ name: value }` map. */
function readHeaders(raw: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (typeof raw !== 'object' || raw === null) return headers;
  const entries = (raw as { header?: unknown }).header;
  const pairs: Array<[unknown, unknown]> = Array.isArray(entries)
    ? entries.map((entry: { name?: unknown; value?: unknown }) => [entry?.name, entry?.value])
    : Object.entries(raw);
  for (const [name, value] of pairs) {
    // Lower case so a user's `Content-Type` cannot end up beside Hookline's `content-type`.
    if (typeof name === 'string' && name.trim() !== '' && value !== undefined && value !== null)
      headers[name.trim().toLowerCase()] = String(value);
  }
  return headers;
}

function readOptions(source: ParameterSource): SenderOptions {
  const raw = read(source, 'options', {});
  const options = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    allowPrivateTargets: options.allowPrivateTargets === true,
    batch: options.batch === true,
    headers: readHeaders(options.headers),
    maxRetries: boundedInt(options.maxRetries, 3, 0, 10),
    ordered: options.ordered !== false,
    retryBaseMs: boundedInt(options.retryBaseMs, 1000, 0, 60_000),
    timeoutMs: boundedInt(options.timeoutMs, 10_000, 1, 300_000),
  };
}

/** A JSON parameter: n8n hands over text (or an object once an expression ran); empty is undefined. */
function parseJson(source: ParameterSource, name: string, value: unknown, itemIndex: number): unknown {
  if (typeof value !== 'string') return value;
  if (value.trim() === '') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    throw configError(source.getNode(), `Parameter '${name}' is not valid JSON`, itemIndex, (error as Error).message);
  }
}

/** Reads the run-wide parameters from item 0. */
export function readSenderParameters(source: ParameterSource): SenderParameters {
  const mode = choice<SenderMode>(source, 'mode', ['event', 'url'], 'url');
  const url = mode === 'url';
  const includeFields = text(source, 'includeFields', '')
    .split(',')
    .map((path) => path.trim())
    .filter((path) => path !== '');
  const params: SenderParameters = {
    mode,
    payloadSource: choice(source, 'payloadSource', ['item', 'json'], 'item'),
    payloadFormat: url
      ? choice<PayloadFormat>(source, 'payloadFormat', ['envelope', 'event', 'webhook', 'organization'], 'envelope')
      : 'envelope',
    signature: url
      ? choice<SignatureOption>(
          source,
          'signature',
          ['standard-webhooks', 'hex', 'sha256', 'timestamped', 'none'],
          'standard-webhooks',
        )
      : 'none',
    signatureHeader: text(source, 'signatureHeader', 'X-Webhook-Signature') || 'X-Webhook-Signature',
    authentication: url ? choice<ReceiverAuth>(source, 'authentication', ['none', 'bearer', 'basic'], 'none') : 'none',
    conditions: parseJson(source, 'conditions', read(source, 'conditions', ''), 0) ?? null,
    includeFields,
    options: readOptions(source),
    profile: url ? choice<WireProfile | 'none'>(source, 'profile', [...WIRE_PROFILES, 'none'], 'none') : 'none',
    wire: {},
  };
  return withProfile(params);
}

/** The parameters with the profile's format, scheme and headers in place of the node's own. */
export function withProfile(params: SenderParameters): SenderParameters {
  if (params.profile === 'none')
    return { ...params, wire: { signatureHeader: signatureHeaderFor(params.signature, params.signatureHeader) } };
  const preset = PROFILES[params.profile];
  return {
    ...params,
    payloadFormat: preset.payloadFormat,
    signature: preset.signatureScheme as SignatureOption,
    signatureHeader: preset.signatureHeader ?? params.signatureHeader,
    wire: {
      signatureHeader: preset.signatureHeader,
      timestampHeader: preset.timestampHeader,
      timestampUnit: preset.timestampUnit,
    },
  };
}

/** An absolute http(s) URL, or a configuration error naming the item. */
function checkUrl(source: ParameterSource, url: string, itemIndex: number): string {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw configError(source.getNode(), `URL '${url}' is not an absolute http(s) URL`, itemIndex);
  }
  return url;
}

/**
 * Reads what item `itemIndex` is sent as: its event type (checked against
 * {@link EVENT_TYPE_PATTERN}), its URL in url mode and its data (the item's JSON, or `data`).
 */
export function readItemTarget(
  source: ParameterSource,
  params: SenderParameters,
  itemIndex: number,
  json: unknown,
): ItemTarget {
  const eventType = text(source, 'eventType', 'custom.event', itemIndex);
  if (!EVENT_TYPE_PATTERN.test(eventType)) {
    throw configError(
      source.getNode(),
      `Event type '${eventType}' is not valid`,
      itemIndex,
      'Use lower-case words separated by dots, e.g. order.completed',
    );
  }
  const url = params.mode === 'url' ? checkUrl(source, text(source, 'url', '', itemIndex), itemIndex) : '';
  const data =
    params.payloadSource === 'json'
      ? (parseJson(source, 'data', read(source, 'data', '{}', itemIndex), itemIndex) ?? {})
      : json;
  return { eventType, url, data };
}
