/**
 * n8n's condition nodes (If, Filter, Switch) through the engine's real loader and runner: routing,
 * the host's nested parameter names and `extractValue`, n8n's type errors with their advice, and
 * continue-on-fail. Equality with n8n itself, operator by operator, is the differential cases'
 * job (test/n8n-diff/cases/conditions); this file pins what those cannot see.
 */
import { describe, expect, it } from 'vitest';
import { parameterTypesAt } from '../../../../engine/workflow/extract-value.js';
import { createNodeTypeRegistry, parameterOrDefault } from '../../../../engine/workflow/node-types.js';
import { filterValue } from '../../../fixtures/conditions.js';
import { runNode } from './run-node.js';

const registry = createNodeTypeRegistry();
const numberGt = (right: unknown) => ({
  leftValue: '={{ $json.n }}',
  rightValue: right,
  operator: { type: 'number', operation: 'gt' },
});

describe('the host: nested parameter names and extractValue', () => {
  const switchType = registry.get('n8n-nodes-base.switch')!;

  it('reads a nested name along its path, from the parameters or the declared default', () => {
    const parameters = { rules: { values: [{ conditions: { a: 1 } }, { conditions: { b: 2 } }] } };
    expect(parameterOrDefault(switchType.description, parameters, 'rules.values[1].conditions')).toEqual({ b: 2 });
    expect(parameterOrDefault(switchType.description, parameters, 'rules.values[5].conditions')).toBeUndefined();
    const fromDefault = parameterOrDefault(switchType.description, {}, 'rules.values') as unknown[];
    expect(fromDefault).toHaveLength(1);
  });

  it('finds the filter type of a condition set nested in a fixed collection', () => {
    expect(parameterTypesAt(switchType.description, 'rules.values[0].conditions')).toEqual(new Set(['filter']));
    expect(parameterTypesAt(switchType.description, 'mode')).toEqual(new Set(['options']));
    expect(parameterTypesAt(switchType.description, 'no.such[0].name').size).toBe(0);
  });
});

describe('If', () => {
  it('routes by the conditions, passing items through unchanged', async () => {
    const { result, outputs } = await runNode(
      {
        name: 'If',
        type: 'n8n-nodes-base.if',
        typeVersion: 2.3,
        parameters: { conditions: filterValue([numberGt(3)], { version: 3 }) },
      },
      [{ n: 5, keep: { deep: true } }, { n: 1 }],
    );
    expect(result.status).toBe('succeeded');
    expect(outputs).toEqual([[{ n: 5, keep: { deep: true } }], [{ n: 1 }]]);
  });

  it("stops the run with n8n's strict type error, naming the condition and the item", async () => {
    const { result } = await runNode(
      {
        name: 'If',
        type: 'n8n-nodes-base.if',
        typeVersion: 2.2,
        parameters: { conditions: filterValue([numberGt(3)]) },
      },
      [{ n: 5 }, { n: '7' }],
    );
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({
      node: 'If',
      nodeType: 'n8n-nodes-base.if',
      message: "Wrong type: '7' is a string but was expecting a number [condition 0, item 1]",
    });
  });

  it('with continue on fail, sends the item it cannot judge down the false branch', async () => {
    const { result, outputs } = await runNode(
      {
        name: 'If',
        type: 'n8n-nodes-base.if',
        typeVersion: 2.2,
        onError: 'continueRegularOutput',
        parameters: { conditions: filterValue([numberGt(3)]) },
      },
      [{ n: 5 }, { n: 'x' }],
    );
    expect(result.status).toBe('succeeded');
    expect(outputs).toEqual([[{ n: 5 }], [{ n: 'x' }]]);
  });

  it('keeps the JSON-logic built-in hookline.if working beside it', async () => {
    const { outputs } = await runNode(
      { name: 'Check', type: 'hookline.if', typeVersion: 1, parameters: { condition: { score: { gt: 5 } } } },
      [{ score: 9 }, { score: 1 }],
    );
    expect(outputs).toEqual([[{ score: 9 }], [{ score: 1 }]]);
  });
});

describe('Filter', () => {
  it('keeps passing items and returns the discarded ones on its second, unconnected output', async () => {
    const { outputs } = await runNode(
      {
        name: 'Filter',
        type: 'n8n-nodes-base.filter',
        typeVersion: 2.2,
        parameters: {
          conditions: filterValue([numberGt('3')], { typeValidation: 'loose' }),
          looseTypeValidation: true,
        },
      },
      [{ n: '5' }, { n: 2 }],
    );
    expect(outputs).toEqual([[{ n: '5' }], [{ n: 2 }]]);
  });
});

describe('Switch', () => {
  const rule = (kind: string) => ({
    conditions: filterValue([
      { leftValue: '={{ $json.kind }}', rightValue: kind, operator: { type: 'string', operation: 'equals' } },
    ]),
  });

  it('routes by rules, with unmatched items on the extra fallback output', async () => {
    const { outputs } = await runNode(
      {
        name: 'Switch',
        type: 'n8n-nodes-base.switch',
        typeVersion: 3.2,
        parameters: { rules: { values: [rule('a'), rule('b')] }, options: { fallbackOutput: 'extra' } },
      },
      [{ kind: 'b' }, { kind: 'z' }, { kind: 'a' }],
      3,
    );
    expect(outputs).toEqual([[{ kind: 'a' }], [{ kind: 'b' }], [{ kind: 'z' }]]);
  });

  it("refuses an expression index past the outputs with n8n's wording", async () => {
    const { result } = await runNode(
      {
        name: 'Switch',
        type: 'n8n-nodes-base.switch',
        typeVersion: 3.2,
        parameters: { mode: 'expression', numberOutputs: 2, output: '={{ $json.to }}' },
      },
      [{ to: 2 }],
    );
    expect(result.error?.message).toBe('The ouput 2 is not allowed. ');
  });
});
