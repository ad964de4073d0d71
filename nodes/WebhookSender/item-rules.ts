/**
 * `conditions` and `include_fields` for items, compiled once per run by the engine's rules
 * module, so a node and a subscription given the same rules select and trim the same data.
 */
import type { INode } from 'n8n-workflow';
import { compileRules } from '../../engine/rules/index.js';
import { configError } from './error.js';
import type { SenderParameters } from './parameters.js';

/** The compiled rules of one run. */
export interface ItemRules {
  /** Whether the item's event should be sent; `$event.type` in a condition reads `eventType`. */
  matches(eventType: string, data: unknown): boolean;
  /** The data trimmed to `includeFields`; the data itself when there are none. */
  project(data: unknown): unknown;
}

/**
 * Compiles the run's conditions and projection.
 *
 * @throws NodeOperationError naming the bad path (e.g. `conditions.score.lt`) for unusable rules.
 */
export function compileItemRules(
  node: INode,
  params: Pick<SenderParameters, 'conditions' | 'includeFields'>,
): ItemRules {
  let rules: ReturnType<typeof compileRules>;
  try {
    rules = compileRules({
      conditions: params.conditions ?? undefined,
      include_fields: params.includeFields.length > 0 ? params.includeFields : undefined,
    });
  } catch (error) {
    const field = (error as { details?: { field?: unknown } }).details?.field;
    throw configError(
      node,
      `Invalid conditions or include fields: ${(error as Error).message}`,
      undefined,
      typeof field === 'string' ? `At ${field}` : undefined,
    );
  }
  // Rules see an event; the item has none yet, so only its type and data are real here.
  const timestamp = new Date().toISOString();
  return {
    matches: (eventType, data) => rules.matches({ id: '', type: eventType, timestamp, data }),
    project: (data) => rules.project(data),
  };
}
