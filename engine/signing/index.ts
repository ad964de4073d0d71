/**
 * Signing of outgoing and verification of incoming webhooks. Imports nothing but `node:crypto`
 * and `node:buffer` because it also runs inside n8n nodes and piscina worker threads.
 */
import { assertSecrets, assertTimestamp } from './common.js';
import { signEd25519, verifyEd25519 } from './ed25519.js';
import { signHex, verifyHex } from './hmac-hex.js';
import { signStandard, verifyStandard } from './standard-webhooks.js';
import { signStripe, verifyStripe } from './stripe.js';
import type { SignInput, VerifyInput } from './types.js';

export { WebhookVerificationError, type VerificationFailureReason } from './errors.js';
export { generateSecret, legacyStandardSecret, SECRET_PREFIX, standardSecretProblem } from './secrets.js';
export { generateEd25519Keys, publicKeyFromSecret, type Ed25519KeyPair } from './ed25519.js';
export {
  DEFAULT_TOLERANCE_SEC,
  SIGNATURE_SCHEMES,
  type HeaderMap,
  type SignatureScheme,
  type SignInput,
  type TimestampUnit,
  type VerifyInput,
} from './types.js';

function unknownScheme(scheme: never): TypeError {
  return new TypeError(`Unknown signature scheme '${String(scheme)}'`);
}

/**
 * Signs one outgoing message.
 *
 * @returns The headers to add to the request, names in lower case.
 * @throws TypeError for an unknown scheme, no secrets, a malformed key or a non-integer timestamp.
 */
export function signPayload(input: SignInput): Record<string, string> {
  assertSecrets(input.secrets);
  assertTimestamp(input.timestampSec);
  const scheme = input.scheme;
  switch (scheme) {
    case 'standard-webhooks':
      return signStandard(input);
    case 'ed25519':
      return signEd25519(input);
    case 'hex':
    case 'sha256':
    case 'timestamped':
      return signHex(input, scheme);
    case 'stripe':
      return signStripe(input);
    default:
      throw unknownScheme(scheme);
  }
}

/**
 * Verifies an incoming request; returns when any signature matches any secret.
 *
 * @throws {@link WebhookVerificationError} when the request is not authentic: a missing header,
 * a malformed one, a timestamp outside the tolerance or no matching signature.
 * @throws TypeError for an unknown scheme, no secrets or a malformed configured key.
 */
export function verifyPayload(input: VerifyInput): void {
  assertSecrets(input.secrets);
  const scheme = input.scheme;
  switch (scheme) {
    case 'standard-webhooks':
      return verifyStandard(input);
    case 'ed25519':
      return verifyEd25519(input);
    case 'hex':
    case 'sha256':
    case 'timestamped':
      return verifyHex(input, scheme);
    case 'stripe':
      return verifyStripe(input);
    default:
      throw unknownScheme(scheme);
  }
}
