/** Why an incoming webhook was rejected; callers branch on this, never on `message`. */
export type VerificationFailureReason = 'missing_header' | 'bad_format' | 'timestamp' | 'mismatch';

/**
 * The only error `verifyPayload` throws for a bad request. Anything else it throws (a TypeError for
 * an empty secret list, an unparsable configured key) is a server misconfiguration, not a forged
 * request, and should not be answered with 401.
 *
 * Kept free of imports from the rest of the engine because this folder also runs inside n8n nodes
 * and worker threads; `code` and `status` match the engine's `INVALID_SIGNATURE` error so an HTTP
 * layer can map it without a lookup.
 */
export class WebhookVerificationError extends Error {
  readonly reason: VerificationFailureReason;
  readonly code = 'INVALID_SIGNATURE' as const;
  readonly status = 401 as const;

  constructor(reason: VerificationFailureReason, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}
