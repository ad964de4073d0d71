/**
 * Wire profiles: one named preset per seed document, so that the receiver code printed in that seed
 * verifies our deliveries unchanged. A profile is resolved here and nowhere else; the subscription
 * input expands it into the concrete fields (scheme, headers, timestamp, payload format, retries),
 * and fields given next to it win. Pure data, so the sender node offers the same presets.
 */
import type { PayloadFormat } from '../events/envelope.js';
import type { SignatureScheme, TimestampUnit } from '../signing/index.js';

/** The profiles, each named for the product of its seed (`shared/seeds/00N_…`). */
export type WireProfile = 'admin-do' | 'aetherflow' | 'agenticflow' | 'unified' | 'admin';

/** Retries a profile sets (the `retry_policy` field's shape). */
export interface ProfileRetryPolicy {
  max_retries?: number;
  /** Delays before each retry, in seconds; the last repeats. */
  schedule_seconds?: number[];
}

/** The fields a profile sets. */
export interface WirePreset {
  signatureScheme: SignatureScheme;
  /** As the seed spells it; sent in lower case like every header. Null: the scheme's own. */
  signatureHeader: string | null;
  /** Timestamp header of the `timestamped` scheme. Null: `x-webhook-timestamp`. */
  timestampHeader: string | null;
  timestampUnit: TimestampUnit;
  payloadFormat: PayloadFormat;
  /** Null: the engine's configured schedule. */
  retryPolicy: ProfileRetryPolicy | null;
}

/** What a profile is for, shown in the README table and the node's option list. */
export interface ProfileInfo extends WirePreset {
  /** The seed document whose receiver it satisfies. */
  seed: string;
  /** One line: what the receiver in that seed checks. */
  summary: string;
}

/** No profile: Standard Webhooks, the envelope and the configured retries. */
export const STANDARD_PRESET: Readonly<WirePreset> = Object.freeze({
  signatureScheme: 'standard-webhooks',
  signatureHeader: null,
  timestampHeader: null,
  timestampUnit: 's',
  payloadFormat: 'envelope',
  retryPolicy: null,
});

/** Seed 002's schedule: 1 min, 5 min, 15 min, 1 h, 6 h, 24 h. */
const AGENTICFLOW_SCHEDULE_SEC = [60, 300, 900, 3600, 21_600, 86_400];

export const PROFILES: Readonly<Record<WireProfile, Readonly<ProfileInfo>>> = Object.freeze({
  'admin-do': {
    seed: '000 (Admin.do)',
    summary: 'hex HMAC of `timestamp.body`, timestamp in milliseconds',
    signatureScheme: 'timestamped',
    signatureHeader: 'X-Admin-Signature',
    timestampHeader: 'X-Admin-Timestamp',
    timestampUnit: 'ms',
    payloadFormat: 'organization',
    retryPolicy: null,
  },
  aetherflow: {
    seed: '001 (AetherFlow)',
    summary: 'hex HMAC of the raw body; 3 retries',
    signatureScheme: 'hex',
    signatureHeader: 'X-AetherFlow-Signature',
    timestampHeader: null,
    timestampUnit: 's',
    payloadFormat: 'event',
    retryPolicy: { max_retries: 3 },
  },
  agenticflow: {
    seed: '002 (AgenticFlow)',
    summary: '`sha256=` hex HMAC of the body; retries 1m, 5m, 15m, 1h, 6h, 24h',
    signatureScheme: 'sha256',
    signatureHeader: 'X-AgenticFlow-Signature',
    timestampHeader: null,
    timestampUnit: 's',
    payloadFormat: 'webhook',
    retryPolicy: { max_retries: AGENTICFLOW_SCHEDULE_SEC.length, schedule_seconds: AGENTICFLOW_SCHEDULE_SEC },
  },
  unified: {
    seed: '003 (Unified AI Agent Platform)',
    summary: 'hex HMAC of the body',
    signatureScheme: 'hex',
    signatureHeader: 'X-Webhook-Signature',
    timestampHeader: null,
    timestampUnit: 's',
    payloadFormat: 'event',
    retryPolicy: null,
  },
  admin: {
    seed: '004 (Admin)',
    summary: '`sha256=` hex HMAC of the raw payload, plus `Idempotency-Key`',
    signatureScheme: 'sha256',
    signatureHeader: 'X-Admin-Signature',
    timestampHeader: null,
    timestampUnit: 's',
    payloadFormat: 'envelope',
    retryPolicy: null,
  },
});

/** Every profile name, in seed order. */
export const WIRE_PROFILES = Object.freeze(Object.keys(PROFILES)) as readonly WireProfile[];

/** The fields a profile sets; null (no profile) gives the Standard Webhooks defaults. */
export function wirePreset(profile: WireProfile | null): WirePreset {
  const { signatureScheme, signatureHeader, timestampHeader, timestampUnit, payloadFormat, retryPolicy } =
    profile === null ? STANDARD_PRESET : PROFILES[profile];
  return {
    signatureScheme,
    signatureHeader,
    timestampHeader,
    timestampUnit,
    payloadFormat,
    retryPolicy: retryPolicy === null ? null : structuredClone(retryPolicy),
  };
}

export function isWireProfile(value: unknown): value is WireProfile {
  return typeof value === 'string' && Object.hasOwn(PROFILES, value);
}
