/**
 * The rule work budget: rules that could run long or build big values are refused at save time
 * when their worst case is known from the rule alone, and stopped at the step budget otherwise.
 * Assertions are on the step meter, never on wall time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HooklineError } from '../../../engine/errors.js';
import { compileRules, lastEvaluationSteps, RULE_LIMITS } from '../../../engine/rules/index.js';
import { makeEvent } from './helpers.js';

const TEN = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** `depth` nested `all`s over `source`, innermost always true: the 266-byte rule. */
function nestedAll(depth: number, source: unknown): unknown {
  let rule: unknown = { '==': [1, 1] };
  for (let i = 0; i < depth; i++) rule = { all: [source, rule] };
  return rule;
}

/** The issue's `reduce`/`merge` rule: the accumulator doubles per element. */
const doubling = {
  reduce: [[...TEN, ...TEN, ...TEN, ...TEN], { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] }, [1]],
};

function refusal(conditions: unknown): Record<string, unknown> {
  try {
    compileRules({ conditions });
  } catch (error) {
    expect(error).toBeInstanceOf(HooklineError);
    expect((error as HooklineError).code).toBe('INVALID_INPUT');
    return (error as HooklineError).details as Record<string, unknown>;
  }
  throw new Error('expected the rule to be refused');
}

describe('rule work budget', () => {
  it('refuses at save time 8 nested `all` over a 10-element literal list (the 266-byte rule)', () => {
    const rule = nestedAll(8, TEN);
    expect(JSON.stringify(rule).length).toBeLessThan(300);
    const details = refusal(rule);
    expect(details.expected).toBe(`at most ${RULE_LIMITS.maxSteps} steps`);
    // The innermost loop whose worst case is over the budget is named.
    expect(details.field).toMatch(/^conditions(\.all\[1\])*\.all$/);
  });

  it('accepts loops over literal lists whose worst case fits the budget', () => {
    const rules = compileRules({ conditions: nestedAll(2, TEN) });
    expect(rules.verdict(makeEvent('a.b', {}))).toBe('match');
    expect(lastEvaluationSteps()).toBeGreaterThan(0);
    expect(lastEvaluationSteps()).toBeLessThanOrEqual(RULE_LIMITS.maxSteps);
  });

  it('stops the same nesting over event data at the budget, as "no match"', () => {
    const rule = nestedAll(8, { var: '$event.data.list' });
    const rules = compileRules({ conditions: rule });
    const event = makeEvent('a.b', { list: TEN });
    expect(rules.verdict(event)).toBe('over-budget');
    expect(rules.matches(event)).toBe(false);
    const steps = lastEvaluationSteps();
    expect(steps).toBeLessThanOrEqual(RULE_LIMITS.maxSteps);
    // Stopped at the budget, not before: the last charge is one body (at most the rule's size).
    expect(steps).toBeGreaterThan(RULE_LIMITS.maxSteps - 100);
    // Over a short list the same rule is fine.
    expect(rules.verdict(makeEvent('a.b', { list: [1, 2] }))).toBe('match');
  });

  it('stops the reduce/merge doubling (the 145-byte rule) at the built-list cap', () => {
    expect(JSON.stringify(doubling).length).toBeLessThan(200);
    const rules = compileRules({ conditions: doubling });
    expect(rules.verdict(makeEvent('a.b', {}))).toBe('over-budget');
    expect(lastEvaluationSteps()).toBeLessThanOrEqual(RULE_LIMITS.maxSteps);
  });

  it('stops a doubling string (`cat` in `reduce`) at the budget', () => {
    const rules = compileRules({
      conditions: {
        reduce: [[...TEN, ...TEN, ...TEN], { cat: [{ var: 'accumulator' }, { var: 'accumulator' }] }, 'xxxxxxxx'],
      },
    });
    expect(rules.verdict(makeEvent('a.b', {}))).toBe('over-budget');
    expect(lastEvaluationSteps()).toBeLessThanOrEqual(RULE_LIMITS.maxSteps);
  });

  it('charges scans of event data inside loops (`in` over a big list per element)', () => {
    const big = Array.from({ length: 5_000 }, (_, i) => i);
    const rules = compileRules({
      conditions: { some: [{ var: 'list' }, { in: [-1, { var: '$event.data.list' }] }] },
    });
    expect(rules.verdict(makeEvent('a.b', { list: big }))).toBe('over-budget');
    expect(lastEvaluationSteps()).toBeLessThanOrEqual(RULE_LIMITS.maxSteps);
  });

  it('refuses non-finite numbers and over-long literal lists, naming the field', () => {
    expect(refusal({ n: { lt: Infinity } }).field).toBe('conditions.n.lt');
    expect(refusal({ '<': [{ var: 'n' }, NaN] }).field).toBe('conditions.<[1]');
    const long = Array.from({ length: RULE_LIMITS.maxLiteralItems + 1 }, (_, i) => i);
    expect(refusal({ n: { in: long } })).toMatchObject({
      field: 'conditions.n.in',
      expected: `at most ${RULE_LIMITS.maxLiteralItems} items`,
    });
  });

  it('leaves ordinary rules a wide margin', () => {
    const lines = Array.from({ length: 200 }, (_, i) => ({ sku: `s${i}`, qty: i % 3 }));
    const rules = compileRules({
      conditions: {
        some: [{ var: 'lines' }, { and: [{ '==': [{ var: 'sku' }, 's199'] }, { '>': [{ var: 'qty' }, 0] }] }],
      },
    });
    expect(rules.verdict(makeEvent('a.b', { lines }))).toBe('match');
    expect(lastEvaluationSteps()).toBeLessThan(RULE_LIMITS.maxSteps / 2);
  });
});

/** Random rules over random data: each is refused at save, or its evaluation ends within the budget. */
describe('generated rules', () => {
  const leaf = fc.oneof(
    fc.constantFrom<unknown>(
      { var: '' },
      { var: 'accumulator' },
      { var: 'current' },
      { var: '$event.data.a' },
      { var: '$event.data.b' },
      { var: 'a' },
      true,
      1,
      'x',
    ),
    fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 12 }),
  );
  const { rule } = fc.letrec<{ rule: unknown }>((tie) => ({
    rule: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc
        .tuple(fc.constantFrom('all', 'some', 'none', 'map', 'filter'), tie('rule'), tie('rule'))
        .map(([op, source, body]) => ({ [op]: [source, body] })),
      fc.tuple(tie('rule'), tie('rule'), tie('rule')).map((args) => ({ reduce: args })),
      fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((args) => ({ merge: args })),
      fc.array(tie('rule'), { minLength: 1, maxLength: 3 }).map((args) => ({ cat: args })),
      fc.tuple(tie('rule'), tie('rule'), tie('rule')).map((args) => ({ if: args })),
    ),
  }));
  const value = fc.oneof(
    fc.integer({ min: 0, max: 9 }),
    fc.string({ maxLength: 20 }),
    fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 30 }),
  );
  const data = fc.record({ a: fc.array(value, { maxLength: 40 }), b: fc.array(value, { maxLength: 40 }) });

  it('end within the step budget or are refused when saved', () => {
    let stopped = 0;
    fc.assert(
      fc.property(rule, data, (generated, payload) => {
        const conditions =
          generated !== null && typeof generated === 'object' && !Array.isArray(generated)
            ? generated
            : { '!!': [generated] };
        let rules;
        try {
          rules = compileRules({ conditions });
        } catch (error) {
          expect((error as HooklineError).code).toBe('INVALID_INPUT');
          return;
        }
        const verdict = rules.verdict(makeEvent('a.b', payload));
        expect(['match', 'no-match', 'over-budget']).toContain(verdict);
        expect(lastEvaluationSteps()).toBeLessThanOrEqual(RULE_LIMITS.maxSteps);
        if (verdict === 'over-budget') stopped++;
      }),
      { numRuns: 400, seed: 4242 },
    );
    // The generator does reach the budget, so the bound above is exercised.
    expect(stopped).toBeGreaterThan(0);
  });
});
