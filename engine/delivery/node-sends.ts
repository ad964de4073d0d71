/**
 * Sender nodes posting to a URL inside the engine go through the durable outbox like any
 * subscription: each (workflow, node, url) gets an internal `node` subscription holding the
 * node's signing, retry and batching settings, and each item becomes an event plus one delivery,
 * written in one transaction.
 */
import { createEvent } from '../events/envelope.js';
import type { NodeWebhookRequest } from '../node-contract/helpers.js';
import type { GroupCommitter } from '../store/group-commit.js';
import { Errors } from '../errors.js';
import { nodeSubscriptionId } from '../message/index.js';
import { standardSecretProblem } from '../signing/index.js';
import { toDelivery, type Matcher } from './matcher.js';
import { blankSubscription, type Subscriptions } from './subscriptions.js';
import { assertTargetAllowed, type TargetPolicy } from '../message/target-guard.js';
import type { Subscription } from '../store/records.js';

export interface NodeSenderOptions extends TargetPolicy {
  subscriptions: Subscriptions;
  matcher: Matcher;
  committer: () => GroupCommitter;
  deliveryTimeoutMs: number;
  retentionMs: number;
  /** Wakes the outbox for this endpoint. */
  wake(subscriptionId: string): void;
}

/** Which node of which workflow sends. */
export interface NodeSource {
  workflowId: string;
  nodeName: string;
}

export type NodeSender = (
  source: NodeSource & { executionId: string },
  request: NodeWebhookRequest,
) => Promise<{ eventId: string; deliveryId: string }>;

export function createNodeSender(options: NodeSenderOptions): NodeSender {
  return async (source, request) => {
    assertTargetAllowed(request.url, options);
    const subscription = await ensureSubscription(options, source, request);
    const event = createEvent(request.eventType, request.data, {
      workflow_id: source.workflowId,
      execution_id: source.executionId,
      node: source.nodeName,
    });
    const delivery = toDelivery(event, subscription, null, Date.now(), options.retentionMs);
    await options.committer().submit({ events: [event], deliveries: [delivery] });
    options.wake(subscription.id);
    return { eventId: event.id, deliveryId: delivery.id };
  };
}

async function ensureSubscription(
  options: NodeSenderOptions,
  source: NodeSource,
  request: NodeWebhookRequest,
): Promise<Subscription> {
  const id = nodeSubscriptionId(source.workflowId, source.nodeName, request.url);
  const existing = options.matcher.get(id);
  if (request.signatureScheme !== 'none' && !request.secret)
    throw Errors.INVALID_INPUT(`Signature scheme '${request.signatureScheme}' needs a signing secret credential`);
  const problem = request.signatureScheme === 'standard-webhooks' ? standardSecretProblem(request.secret ?? '') : null;
  if (problem !== null && !existing?.subscription.legacySecretUtf8)
    throw Errors.INVALID_INPUT(`The signing secret credential does not suit 'standard-webhooks': ${problem}`, {
      details: { field: 'secret', expected: 'base64 secret, optionally whsec_-prefixed', received: 'not base64' },
    });
  const stored = existing?.subscription;
  const wanted = nodeSubscription(stored, source, request, options.deliveryTimeoutMs, Date.now());
  // Saved only when the node's settings changed: most runs reuse the stored subscription.
  if (!stored || settingsOf(stored) !== settingsOf(wanted))
    await options.subscriptions.saveInternal({ ...wanted, updatedAtMs: Date.now() });
  return wanted;
}

/**
 * The internal `node` subscription holding a sender node's settings for one URL: the node's
 * request laid over the stored subscription (or a blank one), its id from `nodeSubscriptionId`.
 */
export function nodeSubscription(
  existing: Subscription | undefined,
  source: NodeSource,
  request: NodeWebhookRequest,
  deliveryTimeoutMs: number,
  nowMs: number,
): Subscription {
  return {
    ...(existing ?? blankSubscription(nowMs, { deliveryTimeoutMs })),
    id: nodeSubscriptionId(source.workflowId, source.nodeName, request.url),
    kind: 'node',
    name: `${source.workflowId} / ${source.nodeName}`,
    url: request.url,
    secret: request.secret ?? existing?.secret ?? 'unsigned',
    signatureScheme: request.signatureScheme,
    signatureHeader: request.signatureHeader ?? null,
    timestampHeader: request.timestampHeader ?? null,
    timestampUnit: request.timestampUnit ?? 's',
    headers: request.headers ?? {},
    authentication: request.authentication ?? { type: 'none' },
    payloadFormat: request.payloadFormat ?? 'envelope',
    timeoutMs: request.timeoutMs ?? deliveryTimeoutMs,
    retryPolicy: request.maxRetries !== undefined ? { max_retries: request.maxRetries } : null,
    ordered: request.ordered ?? true,
    batchSettings: request.batch ?? null,
  };
}

function settingsOf(s: Subscription): string {
  return JSON.stringify([
    s.url,
    s.secret,
    s.signatureScheme,
    s.signatureHeader,
    s.timestampHeader,
    s.timestampUnit,
    s.headers,
    s.authentication,
    s.payloadFormat,
    s.timeoutMs,
    s.retryPolicy,
    s.ordered,
    s.batchSettings,
  ]);
}
