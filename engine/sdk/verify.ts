/**
 * `verifyWebhook` for receivers: finds the scheme from the headers a Hookline delivery carries,
 * checks the signature with `engine/signing` (constant-time, tolerance, several secrets for a
 * rotation) and hands back the parsed JSON.
 */
import { Buffer } from 'node:buffer';
import {
  DEFAULT_TOLERANCE_SEC,
  verifyPayload,
  WebhookVerificationError,
  type HeaderMap,
  type SignatureScheme,
  type TimestampUnit,
} from '../signing/index.js';
import { findHeader } from '../signing/common.js';
import { PROFILES, type WireProfile } from '../message/profiles.js';

/** Options of {@link verifyWebhook}; everything is detected when left out. */
export interface VerifyWebhookOptions {
  /**
   * The wire profile the webhook was created with: its scheme, headers and timestamp unit become
   * the defaults of the options below.
   */
  profile?: WireProfile;
  /** The scheme to require; detected from the headers when left out. */
  scheme?: SignatureScheme;
  /**
   * The signature header of a webhook created with `signature_header` (hex, sha256, timestamped).
   * @defaultValue `x-webhook-signature`, or `x-hub-signature-256` for sha256
   */
  headerName?: string;
  /**
   * Timestamp header of the `timestamped` scheme.
   * @defaultValue `x-webhook-timestamp`
   */
  timestampHeaderName?: string;
  /**
   * Unit of the `timestamped` scheme's timestamp.
   * @defaultValue `s`
   */
  timestampUnit?: TimestampUnit;
  /**
   * Largest distance between the signed timestamp and now, in seconds (replay protection).
   * @defaultValue 300
   */
  toleranceSec?: number;
  /** The current Unix time in seconds, for tests. @defaultValue now */
  nowSec?: number;
}

/** Ed25519 keys are `whpk_` (public) or `whsk_` (secret); anything else is an HMAC secret. */
const isEd25519Key = (secret: string): boolean => secret.startsWith('whpk_') || secret.startsWith('whsk_');

/** The header families each scheme is sent with, most specific first. */
function detectScheme(headers: HeaderMap, secrets: readonly string[], options: VerifyWebhookOptions): SignatureScheme {
  const standard = findHeader(headers, 'webhook-signature') ?? findHeader(headers, 'svix-signature');
  if (standard !== undefined) {
    // Both `v1,` and `v1a,` may be sent side by side: the key decides which one to check.
    const asymmetric = secrets.every(isEd25519Key) || !/(^|\s)v1,/.test(standard);
    return asymmetric ? 'ed25519' : 'standard-webhooks';
  }
  if (findHeader(headers, 'stripe-signature') !== undefined) return 'stripe';
  const signatureHeader = (options.headerName ?? '').toLowerCase();
  if (findHeader(headers, 'x-hub-signature-256') !== undefined && !signatureHeader) return 'sha256';
  const signature = findHeader(headers, signatureHeader || 'x-webhook-signature');
  if (signature === undefined) {
    throw new WebhookVerificationError(
      'missing_header',
      'No webhook signature header found (webhook-signature, stripe-signature, x-hub-signature-256 or x-webhook-signature)',
    );
  }
  if (signature.startsWith('sha256=')) return 'sha256';
  return findHeader(headers, (options.timestampHeaderName ?? 'x-webhook-timestamp').toLowerCase()) !== undefined
    ? 'timestamped'
    : 'hex';
}

/** The options with a profile's settings under the ones given. */
function withProfile(options: VerifyWebhookOptions): VerifyWebhookOptions {
  if (options.profile === undefined) return options;
  const preset = PROFILES[options.profile];
  return {
    scheme: preset.signatureScheme,
    headerName: preset.signatureHeader ?? undefined,
    timestampHeaderName: preset.timestampHeader ?? undefined,
    timestampUnit: preset.timestampUnit,
    ...options,
  };
}

/**
 * Checks that a webhook came from Hookline and returns its JSON body.
 *
 * Pass the raw body exactly as received (before any JSON parsing: re-serialised JSON no longer
 * matches the signature), the request headers (any case) and the webhook's secret: `whsec_…` for
 * Standard Webhooks (base64 with or without the prefix, as the spec reads it), the `whpk_…` public key for Ed25519, the plain secret for the hex schemes.
 * During a rotation pass both secrets as an array.
 *
 * @returns The parsed JSON payload.
 * @throws {@link WebhookVerificationError} (`reason`: `missing_header`, `bad_format`, `timestamp` or
 * `mismatch`) when the request is not authentic or its body is not JSON; a TypeError for an empty or
 * malformed secret, which is the receiver's misconfiguration rather than a forged request.
 */
export function verifyWebhook<T = unknown>(
  payload: string | Buffer,
  headers: HeaderMap,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): T {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  options = withProfile(options);
  const scheme = options.scheme ?? detectScheme(headers, secrets, options);
  verifyPayload({
    scheme,
    secrets,
    headers,
    body: payload,
    toleranceSec: options.toleranceSec ?? DEFAULT_TOLERANCE_SEC,
    nowSec: options.nowSec,
    headerName: options.headerName,
    timestampHeaderName: options.timestampHeaderName,
    timestampUnit: options.timestampUnit,
  });
  try {
    return JSON.parse(Buffer.isBuffer(payload) ? payload.toString('utf8') : payload) as T;
  } catch {
    throw new WebhookVerificationError('bad_format', 'The signed body is not JSON');
  }
}

export { WebhookVerificationError };
export type { HeaderMap, SignatureScheme };
