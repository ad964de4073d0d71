/**
 * The sender's `execute()`: read the run's settings, pick the items the conditions let through,
 * trim them to `include_fields`, then hand them to the engine when it is there or post them
 * inline when running inside n8n. Every input item yields exactly one output item, in order,
 * with `pairedItem` pointing back at it, whether it was sent, skipped or (continue on fail) failed.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { getHooklineHelpers } from '../../engine/node-contract/helpers.js';
import { sendWithEngine } from './engine-send.js';
import { configError, EVENT_MODE_NEEDS_ENGINE, toNodeError } from './error.js';
import { sendInline } from './inline-send.js';
import { compileItemRules, type ItemRules } from './item-rules.js';
import { loadSenderSecrets, type SenderSecrets } from './load-credentials.js';
import { readItemTarget, readSenderParameters, type ItemTarget, type SenderParameters } from './parameters.js';
import type { PreparedItem, SendResult, SettleResult } from './send-result.js';

/** One run's input and the output slots being filled, one per input item. */
interface Run {
  context: IExecuteFunctions;
  items: INodeExecutionData[];
  outputs: Array<INodeExecutionData | undefined>;
}

function outputItem(run: Run, index: number, extra: IDataObject): INodeExecutionData {
  return { json: { ...run.items[index].json, ...extra }, pairedItem: { item: index } };
}

/**
 * Writes a result's output items, or throws its error unless the node continues on fail; then
 * the failed items carry `error` (n8n's convention) next to the `hookline` report.
 */
function settleInto(run: Run): SettleResult {
  return (result: SendResult) => {
    if (result.error && !run.context.continueOnFail()) throw result.error;
    for (const { index, hookline } of result.items) {
      run.outputs[index] = outputItem(
        run,
        index,
        result.error ? { hookline, error: result.error.message } : { hookline },
      );
    }
  };
}

/**
 * Reads each item's target, applies the conditions (non-matching items pass through with
 * `hookline.sent: false`) and the projection. A bad item fails the run, or only itself under
 * continue on fail.
 */
function prepareItems(run: Run, params: SenderParameters, rules: ItemRules): PreparedItem[] {
  const prepared: PreparedItem[] = [];
  const settle = settleInto(run);
  run.items.forEach((item, index) => {
    let target: ItemTarget;
    try {
      target = readItemTarget(run.context, params, index, item.json);
    } catch (error) {
      settle({
        items: [{ index, hookline: { sent: false } }],
        error: toNodeError(run.context.getNode(), error, index),
      });
      return;
    }
    if (!rules.matches(target.eventType, target.data)) {
      run.outputs[index] = outputItem(run, index, { hookline: { sent: false, reason: 'conditions' } });
      return;
    }
    prepared.push({ index, eventType: target.eventType, url: target.url, data: rules.project(target.data) });
  });
  return prepared;
}

/** Secrets only matter when posting; a credential problem fails the whole run. */
async function loadSecrets(context: IExecuteFunctions, params: SenderParameters): Promise<SenderSecrets> {
  if (params.mode === 'event') return { signingSecret: undefined, authentication: { type: 'none' } };
  return loadSenderSecrets(context, params);
}

/**
 * Runs the sender over its input items.
 *
 * @throws NodeOperationError for Emit Event without the engine, bad settings or bad items;
 * NodeApiError when a receiver never answered 2xx. Under continue on fail, per-item problems
 * become items with `error` instead.
 */
export async function executeSender(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
  const run: Run = { context, items: context.getInputData(), outputs: [] };
  const params = readSenderParameters(context);
  const hookline = getHooklineHelpers(context.helpers);
  if (params.mode === 'event' && hookline === undefined) {
    throw configError(
      context.getNode(),
      EVENT_MODE_NEEDS_ENGINE,
      undefined,
      'Inside n8n there are no Hookline subscriptions to publish to.',
    );
  }
  const rules = compileItemRules(context.getNode(), params);
  const secrets = await loadSecrets(context, params);
  const prepared = prepareItems(run, params, rules);
  const settle = settleInto(run);
  if (prepared.length > 0) {
    if (hookline)
      await sendWithEngine(
        { hookline, params, secrets, node: context.getNode(), itemCount: run.items.length },
        prepared,
        settle,
      );
    else await sendInline(context, params, secrets, prepared, settle);
  }
  return [run.outputs.filter((item): item is INodeExecutionData => item !== undefined)];
}
