/**
 * Conditions are hostile: a workflow file supplies operators and patterns, a request supplies the
 * values. Whatever the filter value, an If node ends its run (succeeded, or failed with a message)
 * and never crashes the engine; a regex that backtracks catastrophically is answered in linear time
 * or stopped at the time limit instead of freezing the process; and the guarded evaluation answers
 * exactly as n8n-workflow's `executeFilter` wherever that one finishes.
 */
import fc from 'fast-check';
import type { FilterValue, IDataObject } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { executeFilter } from '../../../../engine/node-contract/n8n-runtime.js';
import { executeGuardedFilter } from '../../../../engine/workflow/filter-regexp.js';
import { filterValue } from '../../../fixtures/conditions.js';
import { runNode } from './run-node.js';

const OPERATIONS: Record<string, string[]> = {
  string: [
    'equals',
    'notEquals',
    'contains',
    'notContains',
    'startsWith',
    'notStartsWith',
    'endsWith',
    'notEndsWith',
    'regex',
    'notRegex',
    'empty',
    'notEmpty',
    'exists',
    'notExists',
  ],
  number: ['equals', 'notEquals', 'gt', 'lt', 'gte', 'lte', 'empty', 'notEmpty', 'exists', 'notExists'],
  boolean: ['true', 'false', 'equals', 'notEquals', 'empty', 'notEmpty', 'exists', 'notExists'],
  dateTime: [
    'equals',
    'notEquals',
    'after',
    'before',
    'afterOrEquals',
    'beforeOrEquals',
    'empty',
    'notEmpty',
    'exists',
    'notExists',
  ],
  array: [
    'contains',
    'notContains',
    'lengthEquals',
    'lengthNotEquals',
    'lengthGt',
    'lengthLt',
    'lengthGte',
    'lengthLte',
    'empty',
    'notEmpty',
    'exists',
    'notExists',
  ],
  object: ['empty', 'notEmpty', 'exists', 'notExists'],
  nonsense: ['equals', 'whatever'],
};

const operator = fc.constantFrom(...Object.keys(OPERATIONS)).chain((type) =>
  fc.record(
    {
      type: fc.constant(type),
      operation: fc.constantFrom(...OPERATIONS[type]),
      singleValue: fc.boolean(),
      rightType: fc.constantFrom(undefined, 'any', 'number'),
    },
    { requiredKeys: ['type', 'operation'] },
  ),
);

/** Patterns in the linear engine's subset and beyond it (look-around, back-references, \b). */
const pattern = fc
  .array(
    fc.constantFrom(
      'a',
      'b',
      '.',
      '[ab]',
      '\\d',
      '\\w',
      '(a|b)',
      '(a+)+',
      '(?=a)',
      '(a)\\1',
      '\\b',
      '^',
      '$',
      '*',
      '+',
      '?',
      '{2}',
      '(',
      '[',
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));
const flags = fc.constantFrom('', '', 'i', 'g', 'm', 's', 'y', 'gi');
const regexRight = fc.oneof(
  pattern,
  fc.tuple(pattern, flags).map(([body, f]) => `/${body}/${f}`),
);

const hostileValue = fc.oneof(
  fc.anything(),
  fc.string(),
  regexRight,
  fc.constantFrom('a'.repeat(50_000) + '!', '2024-01-01T00:00:00Z', 'true', '[1,2]', '{"k":1}', '', ' ', 'NaN'),
  fc.double(),
);

const hostileFilter = fc.record({
  conditions: fc.array(fc.record({ leftValue: hostileValue, rightValue: hostileValue, operator }), { maxLength: 4 }),
  combinator: fc.constantFrom('and', 'or', 'xor'),
  caseSensitive: fc.boolean(),
  typeValidation: fc.constantFrom('strict', 'loose'),
  version: fc.constantFrom(1, 2, 3),
});

describe('hostile conditions', () => {
  it('never crash the engine: a run of If, Filter or Switch ends succeeded, or failed with a message', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileFilter,
        fc.constantFrom('if', 'filter', 'switch rules', 'switch expression'),
        hostileValue,
        fc.array(fc.dictionary(fc.string(), fc.anything()), { maxLength: 3 }),
        async (spec, shape, other, items) => {
          const { result } = await runNode(
            hostileNode(shape, filterValue(spec.conditions, spec), other),
            (items.length > 0 ? items : [{}]) as IDataObject[],
            3,
          );
          expect(['succeeded', 'failed']).toContain(result.status);
          if (result.status === 'failed') expect(result.error?.message).toEqual(expect.any(String));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("answers a catastrophic pattern in linear time where n8n's RegExp would backtrack for hours", async () => {
    const hostile = 'a'.repeat(40) + '!';
    const { result, outputs } = await runNode(
      {
        name: 'If',
        type: 'n8n-nodes-base.if',
        typeVersion: 2.2,
        parameters: {
          conditions: filterValue([
            { leftValue: '={{ $json.s }}', rightValue: '^(a+)+$', operator: { type: 'string', operation: 'regex' } },
          ]),
        },
      },
      [{ s: hostile }, { s: 'aaa' }],
    );
    expect(result.status).toBe('succeeded');
    expect(outputs).toEqual([[{ s: 'aaa' }], [{ s: hostile }]]);
  });

  it('stops a catastrophic pattern the linear engine cannot run (a flag) at the time limit, failing the item', async () => {
    const { result } = await runNode(
      {
        name: 'If',
        type: 'n8n-nodes-base.if',
        typeVersion: 2.2,
        parameters: {
          conditions: filterValue([
            { leftValue: '={{ $json.s }}', rightValue: '/^(a+)+$/i', operator: { type: 'string', operation: 'regex' } },
          ]),
        },
      },
      [{ s: 'A'.repeat(40) + '!' }],
    );
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(
      /^The regular expression \/\^\(a\+\)\+\$\/i took longer than \d+ ms on item 0 and was stopped$/,
    );
    // The next test gets a fresh worker and the same answers as RegExp.
    const next = await runNode(
      {
        name: 'If',
        type: 'n8n-nodes-base.if',
        typeVersion: 2.2,
        parameters: {
          conditions: filterValue([
            { leftValue: '={{ $json.s }}', rightValue: '/^A(?=B)/i', operator: { type: 'string', operation: 'regex' } },
          ]),
        },
      },
      [{ s: 'ab' }, { s: 'ac' }],
    );
    expect(next.outputs).toEqual([[{ s: 'ab' }], [{ s: 'ac' }]]);
  });

  it('spends at most a budget of time limits per node run: later hostile items are refused at once', async () => {
    const hostile = { s: 'A'.repeat(40) + '!' };
    const rule = {
      conditions: filterValue([
        { leftValue: '={{ $json.s }}', rightValue: '/^(a+)+$/i', operator: { type: 'string', operation: 'regex' } },
      ]),
    };
    const { result, outputs } = await runNode(
      {
        name: 'Switch',
        type: 'n8n-nodes-base.switch',
        typeVersion: 3.2,
        onError: 'continueRegularOutput',
        parameters: { rules: { values: [rule] } },
      },
      [hostile, hostile, hostile, hostile],
      1,
    );
    expect(result.status).toBe('succeeded');
    const messages = outputs[0].map((item) => String(item.error));
    expect(messages).toHaveLength(4);
    expect(messages[0]).toMatch(/took longer than 1000 ms on item 0 and was stopped$/);
    expect(messages[3]).toMatch(/had no time left \(earlier tests in this run used it up\) on item 3 and was stopped$/);
  });

  it("answers as n8n-workflow's executeFilter on regex conditions, errors included", () => {
    const side = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.stringMatching(/^[ab1 ]{0,12}$/),
      fc.integer(),
      fc.constant(null),
      fc.boolean(),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            leftValue: side,
            rightValue: fc.oneof(regexRight, side),
            operation: fc.constantFrom('regex', 'notRegex', 'equals'),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.constantFrom('and', 'or'),
        fc.boolean(),
        fc.constantFrom('strict', 'loose'),
        (conditions, combinator, caseSensitive, typeValidation) => {
          const value = filterValue(
            conditions.map(({ leftValue, rightValue, operation }) => ({
              leftValue,
              rightValue,
              operator: { type: 'string', operation },
            })),
            { combinator, caseSensitive, typeValidation },
          ) as unknown as FilterValue;
          expect(outcome(() => executeGuardedFilter(value, 3))).toEqual(
            outcome(() => executeFilter(value, { itemIndex: 3 })),
          );
        },
      ),
      { numRuns: 400 },
    );
  });
});

/** One condition node around a hostile filter value; `other` lands in an option or the output index. */
function hostileNode(shape: string, conditions: unknown, other: unknown) {
  const base = {
    name: 'Tested',
    typeVersion: 2.2,
    onError: other === true ? ('continueErrorOutput' as const) : undefined,
  };
  if (shape === 'if')
    return { ...base, type: 'n8n-nodes-base.if', parameters: { conditions, looseTypeValidation: true } };
  if (shape === 'filter')
    return { ...base, type: 'n8n-nodes-base.filter', parameters: { conditions, options: { ignoreCase: other } } };
  if (shape === 'switch rules')
    return {
      ...base,
      type: 'n8n-nodes-base.switch',
      typeVersion: 3.2,
      parameters: {
        rules: { values: [{ conditions }, { conditions }] },
        options: { fallbackOutput: other, allMatchingOutputs: true },
      },
    };
  return {
    ...base,
    type: 'n8n-nodes-base.switch',
    typeVersion: 3.2,
    parameters: { mode: 'expression', numberOutputs: 2, output: typeof other === 'string' ? `={{ ${other} }}` : other },
  };
}

function outcome(evaluate: () => boolean): { value: boolean } | { error: string } {
  try {
    return { value: evaluate() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
