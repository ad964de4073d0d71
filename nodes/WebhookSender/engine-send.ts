/**
 * Sending inside the Hookline engine: hand every item to the engine's durable outbox
 * (`helpers.hookline`), which signs, retries, orders and records attempts. The node only waits
 * for the event to be stored, so its output says `queued`, not delivered.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import type { HooklineNodeHelpers, NodeWebhookRequest } from '../../engine/node-contract/helpers.js';
import { toNodeError } from './error.js';
import type { SenderSecrets } from './load-credentials.js';
import type { SenderParameters } from './parameters.js';
import type { PreparedItem, SendResult, SettleResult } from './send-result.js';

/** Everything an engine send needs besides the items. */
export interface EngineRun {
  hookline: HooklineNodeHelpers;
  params: SenderParameters;
  secrets: SenderSecrets;
  node: INode;
  /** Input items of the run: the batch size, so one run's items travel as one batch. */
  itemCount: number;
}

/** The engine request for one item in url mode, every node setting passed through. */
export function toWebhookRequest(
  run: Pick<EngineRun, 'params' | 'secrets' | 'itemCount'>,
  item: PreparedItem,
): NodeWebhookRequest {
  const { params, secrets } = run;
  const { options } = params;
  return {
    url: item.url,
    eventType: item.eventType,
    data: item.data,
    payloadFormat: params.payloadFormat,
    signatureScheme: params.signature,
    secret: secrets.signingSecret,
    signatureHeader: params.wire.signatureHeader ?? undefined,
    timestampHeader: params.wire.timestampHeader ?? undefined,
    timestampUnit: params.wire.timestampUnit,
    headers: options.headers,
    authentication: secrets.authentication,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    ordered: options.ordered,
    // max_wait 0: the run's items are all queued now, so the batch need not wait for more.
    batch: options.batch ? { max_events: Math.max(1, run.itemCount), max_wait_seconds: 0 } : undefined,
  };
}

async function sendOne(run: EngineRun, item: PreparedItem): Promise<IDataObject> {
  if (run.params.mode === 'event') {
    const { eventId, deliveries } = await run.hookline.emitEvent(item.eventType, item.data);
    return { sent: true, queued: true, event_id: eventId, deliveries };
  }
  const { eventId, deliveryId } = await run.hookline.sendWebhook(toWebhookRequest(run, item));
  return { sent: true, queued: true, event_id: eventId, delivery_id: deliveryId };
}

/** Queues the items one after another, in input order, so `ordered` keeps the run's order. */
export async function sendWithEngine(
  run: EngineRun,
  items: readonly PreparedItem[],
  settle: SettleResult,
): Promise<void> {
  for (const item of items) {
    let result: SendResult;
    try {
      result = { items: [{ index: item.index, hookline: await sendOne(run, item) }] };
    } catch (error) {
      result = {
        items: [{ index: item.index, hookline: { sent: false, queued: false } }],
        error: toNodeError(run.node, error, item.index),
      };
    }
    settle(result);
  }
}
