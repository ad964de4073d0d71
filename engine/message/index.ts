/**
 * The outgoing message, owned in one place: how it is built (ids, body, headers, signing spec),
 * how its answer is read (2xx, abort header, `Retry-After`) and the retry-delay arithmetic. Both
 * the engine's outbox and the sender node import it; it is pure so it bundles into the n8n package.
 */
export {
  ABORT_HEADER,
  ABORT_VALUE,
  classifyAnswer,
  hasAbortHeader,
  headerValues,
  isSuccessStatus,
  parseRetryAfter,
  type AttemptVerdict,
  type ResponseHeaders,
} from './answer.js';
export { HEADER_VALUE_MASK, boundedResponseHeaders, maskedRequestHeaders, signedHeadersOf } from './attempt-headers.js';
export { exponentialDelay, retryAfterDelayMs } from './backoff.js';
export {
  PROFILES,
  STANDARD_PRESET,
  WIRE_PROFILES,
  isWireProfile,
  wirePreset,
  type ProfileInfo,
  type ProfileRetryPolicy,
  type WireProfile,
  type WirePreset,
} from './profiles.js';
export {
  BATCH_EVENT_TYPE,
  TRANSPORT_HEADERS,
  authorizationHeader,
  buildHeaders,
  buildMessage,
  messageId,
  nodeSubscriptionId,
  serializePayload,
  signHeaders,
  signatureHeaderFor,
  signingSpec,
  type HeaderInput,
  type MessagePart,
  type OutgoingMessage,
  type ReceiverAuth,
  type SignatureWire,
  type SigningSpec,
} from './outgoing.js';
