/**
 * Sending inside n8n, where there is no engine: each item (or the run's batch per URL) becomes
 * one signed POST, delivered with bounded retries while the execution waits.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { refusalOfUrl } from '../../engine/message/target-guard.js';
import { nodeSubscriptionId, type OutgoingMessage } from '../../engine/message/index.js';
import { attemptHeaders, createMessage, type HeaderSettings } from './build-request.js';
import { deliverInline, type DeliveryResult } from './deliver.js';
import { configError, deliveryError } from './error.js';
import type { SenderSecrets } from './load-credentials.js';
import type { SenderParameters } from './parameters.js';
import type { PreparedItem, SendResult, SettleResult } from './send-result.js';

type InlineContext = Pick<IExecuteFunctions, 'helpers' | 'getNode' | 'getWorkflow' | 'getExecutionId'>;

/** Items grouped by URL, in order of first appearance: a batch can only go to one receiver. */
function groupByUrl(items: readonly PreparedItem[]): PreparedItem[][] {
  const groups = new Map<string, PreparedItem[]>();
  for (const item of items) {
    const group = groups.get(item.url);
    if (group) group.push(item);
    else groups.set(item.url, [item]);
  }
  return [...groups.values()];
}

/** The message for a group, its metadata naming the source as the engine's node sends do. */
function messageFor(context: InlineContext, params: SenderParameters, group: readonly PreparedItem[]): OutgoingMessage {
  const node = context.getNode();
  const workflowId = context.getWorkflow().id ?? '';
  const metadata = { workflow_id: workflowId, execution_id: context.getExecutionId(), node: node.name };
  const shape = {
    payloadFormat: params.payloadFormat,
    webhookId: nodeSubscriptionId(workflowId, node.name, group[0].url),
    metadata,
  };
  return createMessage(group, shape, params.options.batch);
}

/** Per-item output of a finished delivery; each item reports its own event id. */
function resultOf(
  context: InlineContext,
  group: readonly PreparedItem[],
  message: OutgoingMessage,
  result: DeliveryResult,
): SendResult {
  const items = group.map((item, position) => {
    const hookline: IDataObject = {
      sent: result.sent,
      status_code: result.statusCode,
      attempts: result.attempts,
      event_id: message.eventIds[position],
    };
    return { index: item.index, hookline };
  });
  if (result.sent) return { items };
  return { items, error: deliveryError(context.getNode(), group[0].url, result, group[0].index) };
}

/**
 * The SSRF guard's verdict on an inline target: special-purpose IP literals (every spelling, as
 * URL parsing normalises them) and local names. n8n's HTTP client resolves names itself, so what
 * a name resolves to is not checked here; inside Hookline the engine checks it at connect time.
 */
function targetRefusal(url: string, allowPrivateTargets: boolean): string | null {
  let refusal: ReturnType<typeof refusalOfUrl>;
  try {
    refusal = refusalOfUrl(url, { allowPrivateTargets });
  } catch {
    return null; // Not a URL: n8n's HTTP client reports it.
  }
  return refusal ? `Target '${refusal.host}' is ${refusal.reason}` : null;
}

function notSent(group: readonly PreparedItem[]): SendResult['items'] {
  return group.map((item) => ({ index: item.index, hookline: { sent: false, attempts: 0 } as IDataObject }));
}

async function sendGroup(
  context: InlineContext,
  params: SenderParameters,
  secrets: SenderSecrets,
  group: readonly PreparedItem[],
): Promise<SendResult> {
  const refusal = targetRefusal(group[0].url, params.options.allowPrivateTargets);
  if (refusal) {
    const description = "Turn on the node's Allow Private Targets option to send to it (local development only)";
    return { items: notSent(group), error: configError(context.getNode(), refusal, group[0].index, description) };
  }
  const message = messageFor(context, params, group);
  const headerSettings: HeaderSettings = {
    signature: params.signature,
    wire: params.wire,
    secrets,
    headers: params.options.headers,
  };
  const nowSec = () => Math.floor(Date.now() / 1000);
  try {
    // Signed once up front so a secret that does not suit the scheme fails before any request.
    attemptHeaders(message, headerSettings, 1, nowSec());
  } catch (error) {
    return {
      items: notSent(group),
      error: configError(
        context.getNode(),
        `Cannot sign with the '${params.signature}' scheme: ${(error as Error).message}`,
        group[0].index,
      ),
    };
  }
  const result = await deliverInline(context, message, {
    url: group[0].url,
    maxRetries: params.options.maxRetries,
    retryBaseMs: params.options.retryBaseMs,
    timeoutMs: params.options.timeoutMs,
    headersFor: (attempt) => attemptHeaders(message, headerSettings, attempt, nowSec()),
  });
  return resultOf(context, group, message, result);
}

/**
 * Posts the items in input order, one message per item, or one JSON array per URL when `batch`
 * is on; each result is settled before the next send starts.
 */
export async function sendInline(
  context: InlineContext,
  params: SenderParameters,
  secrets: SenderSecrets,
  items: readonly PreparedItem[],
  settle: SettleResult,
): Promise<void> {
  const groups = params.options.batch ? groupByUrl(items) : items.map((item) => [item]);
  for (const group of groups) settle(await sendGroup(context, params, secrets, group));
}
