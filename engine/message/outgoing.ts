/**
 * The outgoing message: the id, body bytes, headers and signing spec a receiver gets for one event
 * or one batch. The engine's outbox (`delivery/request-builder.ts`, signed in a pool worker) and
 * the sender node posting inline inside n8n both build it here, so the same event yields the same
 * bytes and headers whichever path sends it. Pure: no store, server, pool or n8n imports, because
 * it is bundled into the n8n package and runs in worker threads.
 */
import { createHash } from 'node:crypto';
import { formatPayload, type EventEnvelope, type PayloadContext, type PayloadFormat } from '../events/envelope.js';
import { signPayload, type SignatureScheme, type TimestampUnit } from '../signing/index.js';
import { USER_AGENT } from '../version.js';

/** `x-hookline-event` of a batch, whose body holds events of any type. */
export const BATCH_EVENT_TYPE = 'batch';

/** One event of a message, its payload serialised once. */
export interface MessagePart {
  eventId: string;
  eventType: string;
  /** The event in the subscription's payload format, as JSON text. */
  payload: string;
}

/** One POST: a single payload, or a JSON array of payloads for a batch. */
export interface OutgoingMessage {
  /** `webhook-id` and `Idempotency-Key`: the receiver's deduplication key, see {@link messageId}. */
  msgId: string;
  /** The event ids in the body, in order. */
  eventIds: string[];
  /** `x-hookline-event`: the event type, or {@link BATCH_EVENT_TYPE}. */
  eventType: string;
  /** The exact bytes that are signed and sent. */
  body: string;
}

/** How a message is signed; plain data, since it crosses into the piscina pool. */
export interface SigningSpec {
  scheme: SignatureScheme;
  /** Current secret first; during a rotation overlap the previous one too. */
  secrets: string[];
  /** Header for the hex, sha256 and timestamped schemes. */
  headerName?: string;
  /** Timestamp header of the timestamped scheme. */
  timestampHeader?: string;
  /** Unit of the timestamped scheme's timestamp. @defaultValue `s` */
  timestampUnit?: TimestampUnit;
}

/** A subscription's say over its signature headers; each applies only to the schemes that take it. */
export interface SignatureWire {
  signatureHeader?: string | null;
  timestampHeader?: string | null;
  timestampUnit?: TimestampUnit;
}

/** How the sender authenticates to the receiver. */
export interface ReceiverAuth {
  type: 'none' | 'bearer' | 'basic';
  token?: string;
  username?: string;
  password?: string;
}

/** What {@link buildHeaders} needs besides the message. */
export interface HeaderInput {
  /** The receiver's extra headers; Hookline's own headers win over one of the same name. */
  headers: Readonly<Record<string, string>>;
  authentication: ReceiverAuth;
  /** 1 for the first attempt. */
  attempt: number;
  /** `x-hookline-delivery`: only the engine's outbox has a delivery record to name. */
  deliveryId?: string;
}

/** The event in a payload format, serialised: these bytes are what gets signed. */
export function serializePayload(
  event: EventEnvelope,
  format: PayloadFormat,
  context: PayloadContext,
  data: unknown = event.data,
): string {
  return JSON.stringify(formatPayload(event, format, context, data));
}

/**
 * The id of the internal subscription a sender node posts through: one per (workflow, node, URL).
 * It is also the `webhook_id` of the `webhook` payload format, so the engine and n8n report one id.
 */
export function nodeSubscriptionId(workflowId: string, nodeName: string, url: string): string {
  const digest = createHash('sha256').update(`${workflowId}\u0000${nodeName}\u0000${url}`).digest('hex');
  return `wh_node_${digest.slice(0, 20)}`;
}

/**
 * The message id. At-least-once: `webhook-id` is the receiver's idempotency key, so it must be the
 * same on every attempt and on both sending paths. A single event's message id is its event id
 * (`evt_…`). A batch's is `msg_` plus the body of its first event id: derived from the events
 * alone (not from a delivery row, which only the engine has), so the same events give the same id.
 */
export function messageId(eventIds: readonly string[], batch: boolean): string {
  const first = eventIds[0];
  return batch ? `msg_${first.slice(first.indexOf('_') + 1)}` : first;
}

/** A single payload as is, or a batch as a JSON array of the payloads in order. */
export function buildMessage(parts: readonly MessagePart[], batch: boolean): OutgoingMessage {
  if (parts.length === 0) throw new RangeError('A message carries at least one event');
  const eventIds = parts.map((part) => part.eventId);
  return {
    msgId: messageId(eventIds, batch),
    eventIds,
    eventType: batch ? BATCH_EVENT_TYPE : parts[0].eventType,
    body: batch ? `[${parts.map((part) => part.payload).join(',')}]` : parts[0].payload,
  };
}

/** `Authorization` for bearer or basic receiver auth; undefined for none. */
export function authorizationHeader(auth: ReceiverAuth): string | undefined {
  if (auth.type === 'bearer') return `Bearer ${auth.token ?? ''}`;
  if (auth.type === 'basic')
    return `Basic ${Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`, 'utf8').toString('base64')}`;
  return undefined;
}

/**
 * Connection-level, hop-by-hop and framing headers (lower case): the HTTP client sets them. A
 * subscription may not name them (`delivery/subscription-headers.ts`), and they are never sent
 * from custom headers, so a row saved before that rule or a sender node's header cannot break
 * every attempt.
 */
export const TRANSPORT_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'http2-settings',
  'content-length',
  'content-encoding',
  'expect',
]);

/**
 * The headers of one attempt besides the signature ones. Custom names are lower-cased so a user's
 * `Content-Type` cannot travel beside Hookline's `content-type`; Hookline's headers win, and
 * {@link TRANSPORT_HEADERS} are left out.
 */
export function buildHeaders(message: OutgoingMessage, input: HeaderInput): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) {
    const lower = name.toLowerCase();
    if (!TRANSPORT_HEADERS.has(lower)) headers[lower] = value;
  }
  Object.assign(headers, {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'idempotency-key': message.msgId,
    'x-hookline-event': message.eventType,
  });
  if (input.deliveryId !== undefined) headers['x-hookline-delivery'] = input.deliveryId;
  headers['x-hookline-attempt'] = String(input.attempt);
  const authorization = authorizationHeader(input.authentication);
  if (authorization !== undefined) headers.authorization = authorization;
  return headers;
}

/**
 * The sender node's header parameter as it applies: only `hex` and `timestamped` take it there
 * (its `sha256` keeps GitHub's name); the others use their spec's names.
 */
export function signatureHeaderFor(scheme: SignatureScheme | 'none', configured: string): string | undefined {
  return scheme === 'hex' || scheme === 'timestamped' ? configured.toLowerCase() : undefined;
}

/** The signing spec, or null when the message goes unsigned (no scheme, or no secret to sign with). */
export function signingSpec(
  scheme: SignatureScheme | 'none',
  secrets: ReadonlyArray<string | undefined>,
  wire: SignatureWire = {},
): SigningSpec | null {
  const usable = secrets.filter((secret): secret is string => secret !== undefined);
  if (scheme === 'none' || usable.length === 0) return null;
  const spec: SigningSpec = { scheme, secrets: usable };
  if (wire.signatureHeader) spec.headerName = wire.signatureHeader.toLowerCase();
  if (scheme === 'timestamped') {
    if (wire.timestampHeader) spec.timestampHeader = wire.timestampHeader.toLowerCase();
    if (wire.timestampUnit === 'ms') spec.timestampUnit = 'ms';
  }
  return spec;
}

/**
 * `headers` plus the signature headers for `timestampSec`. Signed afresh per attempt: the signed
 * timestamp must be recent for the receiver's replay check, while `msgId` stays the same.
 *
 * @param timestampMs the same moment in milliseconds, for a timestamp sent in `ms`.
 * @throws TypeError when a secret does not suit the scheme (e.g. a Standard Webhooks secret that is not base64).
 */
export function signHeaders(
  headers: Record<string, string>,
  message: Pick<OutgoingMessage, 'msgId' | 'body'>,
  signing: SigningSpec | null,
  timestampSec: number,
  timestampMs = timestampSec * 1000,
): Record<string, string> {
  if (signing === null) return headers;
  const signature = signPayload({
    scheme: signing.scheme,
    secrets: signing.secrets,
    msgId: message.msgId,
    timestampSec,
    timestampMs,
    body: message.body,
    headerName: signing.headerName,
    timestampHeaderName: signing.timestampHeader,
    timestampUnit: signing.timestampUnit,
  });
  return { ...headers, ...signature };
}
