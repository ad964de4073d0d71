/**
 * n8n's error output for a node that ran to the end with `onError: continueErrorOutput`: error
 * items move from the main outputs to the last one, over the input item they name; what the node
 * returned in that position is replaced. (The differential cases check it against n8n itself.)
 */
import { describe, expect, it } from 'vitest';
import { mainOutputCount, routeErrorItems } from '../../../engine/workflow/error-output.js';
import { n8nWorkflowFor } from '../../../engine/workflow/expressions.js';
import { toLoaded } from '../../../engine/workflow/loader.js';
import { createNodeTypeRegistry } from '../../../engine/workflow/node-types.js';
import { node } from '../../fixtures/workflows.js';

describe('routeErrorItems', () => {
  it('moves items that are only an error onto the error output, merging the input item they name', () => {
    const input = [{ json: { id: 1 } }, { json: { id: 2 } }];
    const outputs = [
      [{ json: { id: 1, ok: true } }, { json: { error: 'bad' }, pairedItem: { item: 1 } }],
      [{ json: { error: 'worse', message: 'why' } }, { json: { error: 'kept', other: 1 } }],
      [{ json: { discarded: true } }],
    ];
    expect(routeErrorItems(outputs, 3, input)).toEqual([
      [{ json: { id: 1, ok: true } }],
      [{ json: { error: 'kept', other: 1 } }],
      [{ json: { id: 2, error: 'bad' }, pairedItem: { item: 1 } }, { json: { error: 'worse', message: 'why' } }],
    ]);
  });
});

describe('mainOutputCount', () => {
  const registry = createNodeTypeRegistry();
  const count = (type: string, typeVersion: number, parameters: Record<string, unknown>) => {
    const tested = node('Tested', type, parameters, { typeVersion, onError: 'continueErrorOutput' });
    const workflow = toLoaded(
      { name: 'w', nodes: [node('Start', 'n8n-nodes-base.manualTrigger'), tested], connections: {} },
      null,
    );
    return mainOutputCount(n8nWorkflowFor(workflow, registry), tested, registry.get(type)!);
  };

  it("counts a declared list of outputs and n8n's added error output", () => {
    expect(count('n8n-nodes-base.if', 2.2, {})).toBe(3);
    expect(count('n8n-nodes-base.filter', 2.2, {})).toBe(2);
  });

  it("evaluates an outputs expression (Switch's) on the node's parameters", () => {
    expect(count('n8n-nodes-base.switch', 3.2, { mode: 'expression', numberOutputs: 5 })).toBe(6);
    const rules = { values: [{ conditions: {} }, { conditions: {} }] };
    expect(count('n8n-nodes-base.switch', 3.2, { mode: 'rules', rules, options: { fallbackOutput: 'extra' } })).toBe(4);
  });
});
