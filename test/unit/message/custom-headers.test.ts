/**
 * Custom headers in the outgoing message: lower-cased, Hookline's own headers win, and transport
 * headers never travel (a subscription saved before the header rules, or a sender node's header).
 */
import { describe, expect, it } from 'vitest';
import { TRANSPORT_HEADERS, buildHeaders, buildMessage } from '../../../engine/message/index.js';
import { USER_AGENT } from '../../../engine/version.js';

const message = buildMessage([{ eventId: 'evt_1', eventType: 'order.completed', payload: '{}' }], false);
const build = (headers: Record<string, string>, authentication = { type: 'none' as const }) =>
  buildHeaders(message, { headers, authentication, attempt: 1 });

describe('custom headers in a message', () => {
  it('sends them lower-cased beside Hookline’s own', () => {
    expect(build({ 'X-Api-Key': 'k1' })).toMatchObject({ 'x-api-key': 'k1', 'content-type': 'application/json' });
  });

  it('never lets one replace Content-Type, User-Agent or the idempotency key', () => {
    expect(build({ 'Content-Type': 'text/plain', 'USER-AGENT': 'x', 'Idempotency-Key': 'y' })).toMatchObject({
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'idempotency-key': 'evt_1',
    });
  });

  it('leaves every transport header out, in any case', () => {
    const headers = Object.fromEntries([...TRANSPORT_HEADERS].map((name) => [name.toUpperCase(), '1']));
    const built = build({ ...headers, 'X-Kept': 'yes' });
    for (const name of TRANSPORT_HEADERS) expect(built[name]).toBeUndefined();
    expect(built['x-kept']).toBe('yes');
  });
});
