/**
 * The bytes and headers of an inline post, built as the engine's outbox builds them
 * (`engine/delivery/request-builder.ts`), so a receiver cannot tell an n8n-sent webhook from an
 * engine-sent one: same envelope, same idempotency key, same signature headers.
 */
import { createHash } from 'node:crypto';
import { createEvent, formatPayload, type PayloadFormat } from '../../engine/events/envelope.js';
import { signPayload } from '../../engine/signing/index.js';
import type { SenderSecrets } from './load-credentials.js';
import type { SignatureOption } from './parameters.js';

/**
 * `User-Agent` of inline posts. The engine reads its version from package.json; a node may not
 * touch the file system, so the version is written here and bumped with the package.
 */
export const SENDER_USER_AGENT = 'Hookline/0.1.0';

/** One event to send. */
export interface OutgoingEvent {
  eventType: string;
  data: unknown;
}

/** How events are wrapped. */
export interface MessageShape {
  payloadFormat: PayloadFormat;
  /** `webhook_id` of the `webhook` format. */
  webhookId: string;
  /** Envelope metadata: where the event came from. */
  metadata: Record<string, unknown>;
}

/** One POST: a single payload, or a JSON array of payloads for a batch. */
export interface OutgoingMessage {
  /** The receiver's idempotency key and the Standard Webhooks `webhook-id`, stable across retries. */
  msgId: string;
  /** The event ids in the body, in order. */
  eventIds: string[];
  /** `x-hookline-event`: the event type, or `batch`. */
  eventType: string;
  /** The exact bytes that are signed and sent. */
  body: string;
}

/**
 * The id the `webhook` format reports for a node posting inline: the same `wh_node_…` id the
 * engine gives the internal subscription of this (workflow, node, URL), so receivers see one id.
 */
export function nodeWebhookId(workflowId: string, nodeName: string, url: string): string {
  return `wh_node_${createHash('sha256').update(`${workflowId}\u0000${nodeName}\u0000${url}`).digest('hex').slice(0, 20)}`;
}

/**
 * Wraps events in the payload format and serialises them once: the signature is over these exact
 * bytes. A batch is a JSON array; its `msgId` is `msg_` plus the first event's id body, as the
 * engine names batches.
 */
export function buildMessage(events: readonly OutgoingEvent[], shape: MessageShape, batch: boolean): OutgoingMessage {
  const envelopes = events.map((event) => createEvent(event.eventType, event.data, shape.metadata));
  const payloads = envelopes.map((envelope) =>
    JSON.stringify(formatPayload(envelope, shape.payloadFormat, shape.webhookId)),
  );
  const first = envelopes[0];
  return {
    msgId: batch ? `msg_${first.id.slice(4)}` : first.id,
    eventIds: envelopes.map((envelope) => envelope.id),
    eventType: batch ? 'batch' : first.type,
    body: batch ? `[${payloads.join(',')}]` : payloads[0],
  };
}

/** How an inline post is signed and authenticated. */
export interface HeaderSettings {
  signature: SignatureOption;
  /** Header of the `hex` and `timestamped` schemes. */
  signatureHeader: string;
  secrets: SenderSecrets;
  /** The user's extra headers, names in lower case. */
  headers: Record<string, string>;
}

function authorization(secrets: SenderSecrets): string | undefined {
  const auth = secrets.authentication;
  if (auth.type === 'bearer') return `Bearer ${auth.token ?? ''}`;
  if (auth.type === 'basic')
    return `Basic ${Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`, 'utf8').toString('base64')}`;
  return undefined;
}

/** Only the hex schemes take a header name; the others use their spec's names. */
export function signatureHeaderFor(signature: SignatureOption, signatureHeader: string): string | undefined {
  return signature === 'hex' || signature === 'timestamped' ? signatureHeader.toLowerCase() : undefined;
}

/**
 * Headers of one attempt. Signed afresh per attempt because the signed timestamp must be recent
 * for the receiver's replay check, while `msgId` stays the same so the receiver can deduplicate.
 * Hookline's headers override the user's of the same name.
 *
 * @throws TypeError when the secret does not suit the scheme (e.g. undecodable `whsec_`).
 */
export function buildHeaders(
  message: OutgoingMessage,
  settings: HeaderSettings,
  attempt: number,
  nowSec: number,
): Record<string, string> {
  const headers: Record<string, string> = {
    ...settings.headers,
    'content-type': 'application/json',
    'user-agent': SENDER_USER_AGENT,
    'idempotency-key': message.msgId,
    'x-hookline-event': message.eventType,
    'x-hookline-attempt': String(attempt),
  };
  const auth = authorization(settings.secrets);
  if (auth !== undefined) headers.authorization = auth;
  if (settings.signature === 'none' || settings.secrets.signingSecret === undefined) return headers;
  const signed = signPayload({
    scheme: settings.signature,
    secrets: [settings.secrets.signingSecret],
    msgId: message.msgId,
    timestampSec: nowSec,
    body: message.body,
    headerName: signatureHeaderFor(settings.signature, settings.signatureHeader),
  });
  return { ...headers, ...signed };
}
