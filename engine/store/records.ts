/**
 * The records the store keeps and the delivery layer works on. They live at the store's level so
 * imports point one way: delivery → store, never back.
 *
 * A webhook subscription: who gets which events, how they are signed, shaped, retried and
 * ordered. Stored by the store (secrets encrypted), compiled by the matcher.
 */
import type { PayloadFormat } from '../events/envelope.js';
import type { SignatureScheme, TimestampUnit } from '../signing/index.js';
import type { WireProfile } from '../message/profiles.js';

export interface ReceiverAuthentication {
  type: 'none' | 'bearer' | 'basic';
  token?: string;
  username?: string;
  password?: string;
}

export interface RetryPolicy {
  /** Attempts after the first. @defaultValue the length of the configured schedule (6) */
  max_retries?: number;
  /** When set, delays grow geometrically from the schedule's first delay by this factor. */
  backoff_multiplier?: number;
  /** Delays before each retry in seconds, the last repeating; replaces the configured schedule. */
  schedule_seconds?: number[];
}

export interface BatchSettings {
  max_events: number;
  max_wait_seconds: number;
}

export interface Subscription {
  id: string;
  /** `node` subscriptions belong to a sender node inside a workflow, not to the API. */
  kind: 'api' | 'node';
  workspace: string;
  name: string;
  description: string | null;
  url: string;
  events: string[];
  headers: Record<string, string>;
  enabled: boolean;
  disabledReason: string | null;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAtMs: number | null;
  authentication: ReceiverAuthentication;
  /** The seed preset the wire fields were expanded from (`message/profiles.ts`); null for none. */
  profile: WireProfile | null;
  signatureScheme: SignatureScheme | 'none';
  signatureHeader: string | null;
  /** Timestamp header of the `timestamped` scheme; null for `x-webhook-timestamp`. */
  timestampHeader: string | null;
  /** Unit of the `timestamped` scheme's timestamp. */
  timestampUnit: TimestampUnit;
  /**
   * Set on rows stored before version 11 with `standard-webhooks`: an unprefixed secret keeps being
   * keyed by its UTF-8 bytes (the old reading) until the next rotation, so their receivers go on
   * verifying. New rows follow the spec: the secret is base64.
   */
  legacySecretUtf8: boolean;
  payloadFormat: PayloadFormat;
  ordered: boolean;
  timeoutMs: number;
  /**
   * Deliveries per second this endpoint receives at most (Svix's `rateLimit`); null: no limit.
   * Claims are paced to it, never dropped, and an ordered endpoint keeps its order.
   */
  rateLimit: number | null;
  retryPolicy: RetryPolicy | null;
  batchSettings: BatchSettings | null;
  conditions: unknown;
  filters: unknown;
  includeFields: string[] | null;
  metadata: Record<string, unknown> | null;
  consecutiveFailures: number;
  failingSinceMs: number | null;
  circuitOpenUntilMs: number | null;
  lastDeliveryAtMs: number | null;
  createdAtMs: number;
  updatedAtMs: number;
}

/** Subscription health written back after attempts. */
export interface SubscriptionHealth {
  id: string;
  consecutiveFailures: number;
  failingSinceMs: number | null;
  circuitOpenUntilMs: number | null;
  lastDeliveryAtMs: number | null;
  enabled: boolean;
  disabledReason: string | null;
}

export interface SubscriptionQuery {
  workspace?: string;
  /** `metadata.project`, as set by the seed's `project` field. */
  project?: string;
  enabled?: boolean;
  kind?: Subscription['kind'];
  limit?: number;
  offset?: number;
}

export type DeliveryStatus = 'pending' | 'in_flight' | 'succeeded' | 'retrying' | 'failed' | 'expired';

export interface DeliveryRecord {
  seq: number;
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  payload: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAtMs: number;
  leaseOwner: string | null;
  leaseExpiresAtMs: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAtMs: number;
  updatedAtMs: number;
  completedAtMs: number | null;
  expiresAtMs: number;
  /** Its event's content was erased: the payload is empty and it can no longer be sent. */
  erased: boolean;
}

export interface AttemptRecord {
  id: string;
  deliveryId: string;
  attemptNo: number;
  startedAtMs: number;
  statusCode: number | null;
  responseTimeMs: number;
  responseExcerpt: string | null;
  errorCode: string | null;
  error: string | null;
  /** The headers sent, secrets masked (`••••`): signatures, `Authorization`, every custom header. Null on rows from before they were kept. */
  requestHeaders?: Record<string, string> | null;
  /** The headers the receiver answered with, bounded in count and size; null when no response came. */
  responseHeaders?: Record<string, string> | null;
}

/** What settling one attempt does to a delivery row. */
export interface DeliveryTransition {
  deliveryId: string;
  status: 'succeeded' | 'retrying' | 'failed' | 'expired' | 'pending';
  attemptCount: number;
  nextAttemptAtMs: number;
  lastStatusCode: number | null;
  lastError: string | null;
  completedAtMs: number | null;
  /**
   * When set, the transition applies only while this worker still holds the row's lease: a result
   * that comes back after its lease ran out (and the row was claimed again) changes nothing.
   */
  leaseOwner?: string;
}
