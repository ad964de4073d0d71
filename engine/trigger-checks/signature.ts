/**
 * Maps the trigger's `signature` option to `engine/signing`'s verifier, which is pure
 * (`node:crypto` only) and bundled into the n8n package with the trigger node.
 */
import { verifyPayload, WebhookVerificationError, type HeaderMap, type SignatureScheme } from '../signing/index.js';
import { thrownBy, WebhookAuthError } from './rejection.js';

/** The node's `signature` option values. */
export type SignatureOption = 'none' | 'standard-webhooks' | 'github' | 'stripe' | 'hex';

/** What {@link verifySignature} checks. */
export interface SignatureCheck {
  signature: SignatureOption;
  /** The signing secret (`whsec_…` for Standard Webhooks and Stripe, any string for GitHub and hex). */
  secret: string;
  headers: HeaderMap;
  /** The raw body bytes exactly as received: a re-serialised JSON body will not verify. */
  rawBody: string | Buffer;
  /**
   * Allowed clock skew for the timestamped schemes (Standard Webhooks, Stripe).
   * @defaultValue 300
   */
  toleranceSec?: number;
  /**
   * Header holding the plain hex HMAC, for `hex`.
   * @defaultValue `X-Webhook-Signature`
   */
  signatureHeader?: string;
  /** The current Unix time in seconds, for tests. */
  nowSec?: number;
}

/** Default header of the `hex` option, as the node's `signatureHeader` parameter. */
export const DEFAULT_SIGNATURE_HEADER = 'X-Webhook-Signature';

/** Engine scheme and header for each option; GitHub is the engine's `sha256` (`sha256=<hex>`). */
function schemeFor(check: SignatureCheck): { scheme: SignatureScheme; headerName?: string } {
  switch (check.signature) {
    case 'github':
      return { scheme: 'sha256', headerName: 'x-hub-signature-256' };
    case 'stripe':
      return { scheme: 'stripe' };
    case 'standard-webhooks':
      return { scheme: 'standard-webhooks' };
    case 'hex':
      return { scheme: 'hex', headerName: (check.signatureHeader?.trim() || DEFAULT_SIGNATURE_HEADER).toLowerCase() };
    default:
      throw new TypeError(`Unknown signature option '${String(check.signature)}'`);
  }
}

/**
 * Verifies the request's signature over its raw body; returns at once for `none`.
 *
 * @throws {@link WebhookAuthError} 401 `INVALID_SIGNATURE` with the verifier's message and
 * `details.reason` (`missing_header`, `bad_format`, `timestamp`, `mismatch`) for an inauthentic request.
 * @throws TypeError for a misconfiguration (no secret, an unknown option, an undecodable
 * `whsec_` secret): that is the operator's fault, not the caller's, and must not read as a 401.
 */
export function verifySignature(check: SignatureCheck): void {
  if (check.signature === 'none') return;
  const { scheme, headerName } = schemeFor(check);
  const failure = thrownBy(() =>
    verifyPayload({
      scheme,
      secrets: [check.secret],
      headers: check.headers,
      body: check.rawBody,
      toleranceSec: check.toleranceSec,
      nowSec: check.nowSec,
      headerName,
    }),
  );
  if (failure === undefined) return;
  if (failure instanceof WebhookVerificationError) {
    throw new WebhookAuthError(401, 'INVALID_SIGNATURE', failure.message, {
      details: { reason: failure.reason },
      cause: failure,
    });
  }
  throw failure;
}
