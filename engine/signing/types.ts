import type { Buffer } from 'node:buffer';

/**
 * How a webhook is signed.
 *
 * - `standard-webhooks`: Standard Webhooks / Svix `v1`, HMAC-SHA256 over `${id}.${timestamp}.${body}`.
 * - `ed25519`: Standard Webhooks asymmetric `v1a`, same signed content, Ed25519 signature.
 * - `hex`: lowercase hex HMAC-SHA256 of the raw body.
 * - `sha256`: GitHub's `sha256=<hex>` HMAC-SHA256 of the raw body.
 * - `timestamped`: hex HMAC-SHA256 over `${timestamp}.${body}` with a separate timestamp header.
 * - `stripe`: Stripe's `Stripe-Signature: t=<sec>,v1=<hex>` over `${t}.${body}`.
 */
export type SignatureScheme = 'standard-webhooks' | 'ed25519' | 'hex' | 'sha256' | 'timestamped' | 'stripe';

/** Every supported scheme, the first being the default. */
export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = Object.freeze([
  'standard-webhooks',
  'ed25519',
  'hex',
  'sha256',
  'timestamped',
  'stripe',
] as const);

/** The unit of a signed timestamp: Unix seconds, or milliseconds as seed 000's receiver reads it. */
export type TimestampUnit = 's' | 'ms';

/** How far (seconds, either direction) a signed timestamp may be from now: the value all the copied specs use. */
export const DEFAULT_TOLERANCE_SEC = 300;

/** Incoming headers as Node gives them; names may be in any case. */
export type HeaderMap = Record<string, string | string[] | undefined>;

/** What to sign for one outgoing delivery. */
export interface SignInput {
  scheme: SignatureScheme;
  /**
   * Signing secrets; the first is the current one, the others are still signed with during a
   * rotation overlap so receivers holding either secret accept the message. For `ed25519` these are
   * `whsk_` secret keys; for `standard-webhooks` `whsec_<base64>` secrets (a secret without the
   * prefix is base64 too, as the spec reads it); every other scheme uses the secret string's UTF-8 bytes as is.
   */
  secrets: readonly string[];
  /** Message id; signed by `standard-webhooks` and `ed25519` only. */
  msgId: string;
  /** Unix time in whole seconds; ignored by `hex` and `sha256`. */
  timestampSec: number;
  /**
   * The same moment in milliseconds, signed by `timestamped` when {@link SignInput.timestampUnit} is `ms`.
   * @defaultValue `timestampSec * 1000`
   */
  timestampMs?: number;
  /**
   * Unit of the `timestamped` scheme's timestamp (signed and sent); the other schemes' specs fix seconds.
   * @defaultValue `s`
   */
  timestampUnit?: TimestampUnit;
  /** The exact bytes that will be sent. */
  body: string | Buffer;
  /**
   * Signature header for `hex`, `sha256` and `timestamped`; the other schemes use their spec's name.
   * @defaultValue `x-webhook-signature` (`hex`, `timestamped`), `x-hub-signature-256` (`sha256`)
   */
  headerName?: string;
  /**
   * Timestamp header for `timestamped`.
   * @defaultValue `x-webhook-timestamp`
   */
  timestampHeaderName?: string;
}

/** An incoming request to check. */
export interface VerifyInput {
  scheme: SignatureScheme;
  /** Accepted secrets (any may match); for `ed25519` the sender's `whpk_` public keys. */
  secrets: readonly string[];
  /** Request headers; lookup ignores case. */
  headers: HeaderMap;
  /** The raw request body, before any JSON parsing. */
  body: string | Buffer;
  /**
   * Largest accepted distance, in seconds, between the signed timestamp and `nowSec`, in either
   * direction; `Infinity` turns the check off. Ignored by `hex` and `sha256`, which sign no time.
   * @defaultValue {@link DEFAULT_TOLERANCE_SEC} (300)
   */
  toleranceSec?: number;
  /**
   * Unit of the `timestamped` scheme's timestamp header.
   * @defaultValue `s`
   */
  timestampUnit?: TimestampUnit;
  /**
   * The current Unix time in seconds, for tests and replays.
   * @defaultValue `Math.floor(Date.now() / 1000)`
   */
  nowSec?: number;
  /**
   * Signature header for `hex`, `sha256` and `timestamped`.
   * @defaultValue `x-webhook-signature` (`hex`, `timestamped`), `x-hub-signature-256` (`sha256`)
   */
  headerName?: string;
  /**
   * Timestamp header for `timestamped`.
   * @defaultValue `x-webhook-timestamp`
   */
  timestampHeaderName?: string;
}
