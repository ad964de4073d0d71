/**
 * The message of an inline post, built by the engine's message builder (`engine/message/`) as the
 * engine's outbox builds it, so a receiver cannot tell an n8n-sent webhook from an engine-sent one:
 * same envelope, same ids, same headers, same signature. What is the node's own here is turning
 * its items into events and its parameters and credentials into a signing spec and receiver auth.
 */
import { createEvent, type EventEnvelope, type PayloadFormat } from '../../engine/events/envelope.js';
import {
  buildHeaders,
  buildMessage,
  serializePayload,
  signHeaders,
  signingSpec,
  type OutgoingMessage,
  type SignatureWire,
} from '../../engine/message/index.js';
import type { SenderSecrets } from './load-credentials.js';
import type { SignatureOption } from './parameters.js';

/** One event to send. */
export interface OutgoingEvent {
  eventType: string;
  data: unknown;
}

/** How events are wrapped. */
export interface MessageShape {
  payloadFormat: PayloadFormat;
  /** `webhook_id` of the `webhook` format: the engine's `nodeSubscriptionId` for this node and URL. */
  webhookId: string;
  /** Envelope metadata: where the event came from. */
  metadata: Record<string, unknown>;
}

/** Makes an event per item, then the message of those events. */
export function createMessage(events: readonly OutgoingEvent[], shape: MessageShape, batch: boolean): OutgoingMessage {
  const envelopes = events.map((event) => createEvent(event.eventType, event.data, shape.metadata));
  return messageOf(envelopes, shape, batch);
}

/** Serialises each event once in the payload format: the signature is over these exact bytes. */
export function messageOf(envelopes: readonly EventEnvelope[], shape: MessageShape, batch: boolean): OutgoingMessage {
  const parts = envelopes.map((envelope) => ({
    eventId: envelope.id,
    eventType: envelope.type,
    payload: serializePayload(envelope, shape.payloadFormat, { webhookId: shape.webhookId }),
  }));
  return buildMessage(parts, batch);
}

/** How an inline post is signed and authenticated. */
export interface HeaderSettings {
  signature: SignatureOption;
  /** The signature and timestamp headers as they apply (`SenderParameters.wire`). */
  wire: SignatureWire;
  secrets: SenderSecrets;
  /** The user's extra headers. */
  headers: Record<string, string>;
}

/**
 * Headers of attempt `attempt` (1-based), signed for `nowSec`.
 *
 * @throws TypeError when the secret does not suit the scheme (e.g. undecodable `whsec_`).
 */
export function attemptHeaders(
  message: OutgoingMessage,
  settings: HeaderSettings,
  attempt: number,
  nowSec: number,
): Record<string, string> {
  const headers = buildHeaders(message, {
    headers: settings.headers,
    authentication: settings.secrets.authentication,
    attempt,
  });
  const signing = signingSpec(settings.signature, [settings.secrets.signingSecret], settings.wire);
  return signHeaders(headers, message, signing, nowSec);
}
