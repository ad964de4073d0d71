/**
 * The delivery baseline: what a hand-written sender does with no outbox at all: sign each
 * payload with HMAC (Standard Webhooks, as Hookline's default) and POST it with undici over
 * keep-alive connections, a fixed number in flight. No durability, no attempt log, no retries:
 * the cost Hookline is allowed to add on top of it is the point of the ratio.
 */
import { Agent, request } from 'undici';
import { createEvent, formatPayload, type EventEnvelope } from '../engine/events/envelope.js';
import { isSuccessStatus } from '../engine/message/index.js';
import { signPayload } from '../engine/signing/index.js';

export interface OutgoingMessage {
  url: string;
  body: string;
  msgId: string;
  secret: string;
  /** The event the body carries, and the webhook it goes to (the delivery ceiling stores both). */
  event: EventEnvelope;
  subscriptionId: string;
}

/** What one POST sent and got back (the delivery ceiling records it as the engine's attempt). */
export interface Sent {
  statusCode: number;
  /** The request headers before signing, and those signing added. */
  headers: Record<string, string>;
  signature: Record<string, string>;
  responseHeaders: Record<string, string | string[] | undefined>;
}

export interface BaselineSender {
  /** Sends every message, `concurrency` at a time; resolves with how many got a 2xx. */
  sendAll(messages: Iterable<OutgoingMessage>, concurrency: number): Promise<number>;
  sendOne(message: OutgoingMessage): Promise<Sent>;
  close(): Promise<void>;
}

/** A payload in the bytes Hookline sends for the same event (the default envelope format). */
export function envelopeMessage(
  url: string,
  secret: string,
  type: string,
  data: unknown,
  subscriptionId: string,
): OutgoingMessage {
  const event = createEvent(type, data);
  return {
    url,
    secret,
    msgId: event.id,
    body: JSON.stringify(formatPayload(event, 'envelope', { webhookId: subscriptionId })),
    event,
    subscriptionId,
  };
}

const JSON_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/json' };

export function createBaselineSender(connections: number): BaselineSender {
  const agent = new Agent({ connections, pipelining: 1, keepAliveTimeout: 4_000 });
  async function sendOne(message: OutgoingMessage): Promise<Sent> {
    const signature = signPayload({
      scheme: 'standard-webhooks',
      secrets: [message.secret],
      msgId: message.msgId,
      timestampSec: Math.floor(Date.now() / 1000),
      body: message.body,
    });
    const response = await request(message.url, {
      method: 'POST',
      dispatcher: agent,
      body: message.body,
      headers: { ...JSON_HEADERS, ...signature },
    });
    await response.body.dump();
    return { statusCode: response.statusCode, headers: JSON_HEADERS, signature, responseHeaders: response.headers };
  }
  return {
    sendOne,
    async sendAll(messages, concurrency) {
      const iterator = messages[Symbol.iterator]();
      let ok = 0;
      const lane = async (): Promise<void> => {
        for (let next = iterator.next(); !next.done; next = iterator.next())
          if (isSuccessStatus((await sendOne(next.value)).statusCode)) ok++;
      };
      await Promise.all(Array.from({ length: concurrency }, lane));
      return ok;
    },
    close: () => agent.close(),
  };
}
