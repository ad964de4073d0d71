/**
 * The trigger checks (source, credentials, signature, body): one pure module that the trigger node
 * and the engine's ingress both call. No server, store or pool imports here: `scripts/build-n8n.mjs`
 * bundles this folder into the n8n package.
 */
export { authenticate, authKey, BASIC_CHALLENGE, BEARER_CHALLENGE, secretsEqual, type AuthMethod } from './auth.js';
export { jsonTypeName, validateTriggerBody, type BodyProblem, type TriggerKind } from './body-validation.js';
export {
  BODY_CHECKS,
  CALLER_CHECKS,
  checkAuthentication,
  checkBody,
  checkSignature,
  checkSource,
  runTriggerChecks,
  TRIGGER_CHECKS,
  type TriggerCheck,
  type TriggerCheckInput,
  type TriggerCheckResult,
  type TriggerRequest,
} from './checks.js';
export {
  AUTH_CREDENTIAL_TYPES,
  authCredentialType,
  SIGNING_CREDENTIAL_TYPE,
  signingSecretOf,
  type CredentialFetcher,
} from './credentials.js';
export {
  readTriggerParameters,
  type ParameterSource,
  type TriggerOptions,
  type TriggerParameters,
} from './parameters.js';
export {
  rejectionBody,
  rejectionFromAuthError,
  thrownBy,
  WebhookAuthError,
  type WebhookAuthCode,
  type WebhookRejection,
  type WebhookRejectionCode,
} from './rejection.js';
export { DEFAULT_SIGNATURE_HEADER, verifySignature, type SignatureCheck, type SignatureOption } from './signature.js';
export { isIpAllowed, isOriginAllowed, parseAllowlist, parseIp } from './source.js';
