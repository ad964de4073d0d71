/** Builders for pool tests: one valid request, overridable field by field. */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TargetPolicy } from '../../../engine/message/target-guard.js';
import type { SendRequest, SendResult } from '../../../engine/pool/types.js';

/** The receivers listen on 127.0.0.1, so pool tests send with private targets allowed. */
export const OPEN_TARGETS: TargetPolicy = { allowPrivateTargets: true };

export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

let counter = 0;

/** A signed (standard-webhooks) JSON request to `url`, ids unique per call. */
export function makeRequest(url: string, overrides: Partial<SendRequest> = {}): SendRequest {
  counter += 1;
  return {
    deliveryIds: [`dlv_${counter}`],
    url,
    body: JSON.stringify({ type: 'order.created', data: { n: counter } }),
    headers: { 'content-type': 'application/json', 'user-agent': 'Hookline-test' },
    msgId: `msg_${counter}`,
    signing: { scheme: 'standard-webhooks', secrets: [SECRET] },
    timeoutMs: 5_000,
    ...overrides,
  };
}

/** A port nothing listens on: bound once, then released. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}

/** A result without the fields that differ between two runs of the same request (times, and headers that carry one). */
export function stable(result: SendResult): Omit<SendResult, 'startedAtMs' | 'responseTimeMs'> {
  const { startedAtMs: _started, responseTimeMs: _time, signedHeaders, responseHeaders, ...rest } = result;
  const { date: _date, ...answered } = responseHeaders ?? {};
  return {
    ...rest,
    ...(signedHeaders ? { signedHeaders: Object.fromEntries(Object.keys(signedHeaders).map((n) => [n, ''])) } : {}),
    ...(responseHeaders ? { responseHeaders: answered } : {}),
  };
}
