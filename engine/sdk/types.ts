/**
 * The management API's JSON, written out by hand for SDK users: what `/api/v1` accepts and
 * answers (`engine/api/serialize.ts`, `engine/delivery/subscription-input.ts`). Field names are the
 * API's own snake_case, so a body logged from the wire reads the same as the typed object.
 */
import type { SignatureScheme, TimestampUnit } from '../signing/index.js';
import type { WireProfile } from '../message/profiles.js';

export type { TimestampUnit, WireProfile };

/** A date-time sent to the API: a `Date` or an ISO 8601 string. */
export type DateInput = Date | string;

/** How a webhook authenticates itself to its receiver, besides the signature. */
export interface WebhookAuthentication {
  type: 'none' | 'bearer' | 'basic';
  /** Bearer token (write only). */
  token?: string;
  username?: string;
  /** Basic-auth password (write only). */
  password?: string;
}

/** Retries after a failed attempt. */
export interface RetryPolicy {
  /** Attempts after the first. @defaultValue the engine's retry schedule length */
  max_retries?: number;
  /** Delays grow geometrically by this factor when set. */
  backoff_multiplier?: number;
  /** Delays before each retry in seconds, the last repeating. @defaultValue the engine's schedule */
  schedule_seconds?: number[];
}

/** Several events sent as one JSON array. */
export interface BatchSettings {
  max_events: number;
  /** @defaultValue 0 */
  max_wait_seconds?: number;
}

/** How the JSON body of a delivery is shaped. */
export type PayloadFormat = 'envelope' | 'event' | 'webhook' | 'organization';

/**
 * Fields of `webhooks.create` and `webhooks.update`. Both seed spellings are accepted
 * (`url`/`targetUrl`, `enabled`/`isActive`); on create `url` and `events` are required.
 */
export interface WebhookInput {
  name?: string;
  description?: string | null;
  url?: string;
  targetUrl?: string;
  /** Event types, `group.*` patterns or `*`. */
  events?: string[];
  /**
   * Extra request headers sent with every delivery. Transport headers (`Host`, `Content-Length` …)
   * and the ones Hookline sets are refused. On an update, the mask `••••` as a value keeps the
   * stored value of that name.
   */
  headers?: Record<string, string>;
  enabled?: boolean;
  isActive?: boolean;
  /** Signing secret; generated when left out (and returned once). */
  secret?: string;
  organization?: string;
  workspace?: string;
  project?: string;
  authentication?: WebhookAuthentication;
  retry_policy?: RetryPolicy;
  /** Receiver timeout in seconds. */
  timeout?: number;
  timeout_ms?: number;
  /** Deliveries per second this endpoint receives at most (Svix's `rateLimit`); null removes the limit. */
  rate_limit?: number | null;
  /** Svix's spelling of `rate_limit`. */
  rateLimit?: number | null;
  /**
   * A seed's wire format: sets `signature_scheme`, `signature_header`, `timestamp_header`,
   * `timestamp_unit`, `payload_format` and `retry_policy`, under any of them given beside it.
   * `null` goes back to the Standard Webhooks defaults.
   */
  profile?: WireProfile | null;
  /** @defaultValue 'standard-webhooks' */
  signature_scheme?: SignatureScheme | 'none';
  signature_header?: string | null;
  /** Timestamp header of the `timestamped` scheme. @defaultValue 'x-webhook-timestamp' */
  timestamp_header?: string | null;
  /** Unit of the `timestamped` scheme's timestamp. @defaultValue 's' */
  timestamp_unit?: TimestampUnit;
  payload_format?: PayloadFormat;
  ordering?: 'ordered' | 'unordered';
  /** The boolean spelling of `ordering`. */
  ordered?: boolean;
  batch_settings?: BatchSettings | null;
  conditions?: Record<string, unknown> | null;
  filters?: Record<string, unknown> | null;
  include_fields?: string[] | null;
  metadata?: Record<string, unknown> | null;
}

/** Delivery counters carried by every webhook. */
export interface DeliveryStats {
  total_deliveries: number;
  successful_deliveries: number;
  failed_deliveries: number;
  pending_deliveries: number;
}

/** A webhook subscription in canonical form; the secret is never part of it. */
export interface Webhook {
  id: string;
  name: string;
  description: string | null;
  url: string;
  events: string[];
  /** Custom header names; each value reads `••••` (the real values only in the create response). */
  headers: Record<string, string>;
  enabled: boolean;
  status: 'active' | 'disabled';
  disabled_reason: string | null;
  organization: string;
  authentication: { type: WebhookAuthentication['type']; username?: string };
  profile: WireProfile | null;
  signature_scheme: SignatureScheme | 'none';
  signature_header: string | null;
  timestamp_header: string | null;
  timestamp_unit: TimestampUnit;
  payload_format: PayloadFormat;
  ordering: 'ordered' | 'unordered';
  timeout_ms: number;
  /** Deliveries per second at most; null: no limit. */
  rate_limit: number | null;
  retry_policy: RetryPolicy | null;
  batch_settings: Required<BatchSettings> | null;
  conditions: unknown;
  filters: unknown;
  include_fields: string[] | null;
  metadata: Record<string, unknown> | null;
  /** Set while the previous secret still signs, after a rotation. */
  secret_rotation: { previous_secret_expires_at: string } | null;
  health: { consecutive_failures: number; failing_since: string | null; circuit_open_until: string | null };
  created_at: string;
  updated_at: string;
  last_delivery: string | null;
  delivery_stats: DeliveryStats;
}

/** A webhook as answered by create and rotate-secret: the only times the secret is shown. */
export interface WebhookWithSecret extends Webhook {
  secret: string;
  /** The `whpk_` key receivers verify with, for `ed25519` webhooks. */
  public_key?: string;
}

/** `webhooks.list` options. */
export interface ListWebhooksOptions {
  /** @defaultValue 50 */
  limit?: number;
  /** @defaultValue 0 */
  offset?: number;
  organization?: string;
  /** Webhooks whose `metadata.project` is this. */
  project?: string;
  status?: 'active' | 'disabled';
  /** `next_cursor` of the previous page; wins over `offset`. */
  cursor?: string;
}

/** One page of webhooks. */
export interface WebhookPage {
  webhooks: Webhook[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next_cursor: string | null;
  total: number;
}

/** `webhooks.test` options: the event type and data to send. */
export interface TestWebhookOptions {
  /** @defaultValue 'webhook.test' */
  event?: string;
  data?: unknown;
  /** The seed's spelling of `data`. */
  test_data?: unknown;
}

/** What the receiver answered to a test event. */
export interface TestResult {
  success: boolean;
  event_id: string;
  event: string;
  status_code: number | null;
  response_time_ms: number;
  response_body: string | null;
  error: string | null;
  error_code: string | null;
}
