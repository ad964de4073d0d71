/**
 * The fast path for templates, methods, `JSON.stringify` and `||` defaults against n8n-workflow's own
 * evaluator: on generated items and expressions, wherever the fast path answers, its answer equals
 * n8n's; and it does answer the shapes webhook workflows use.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { n8nValue } from '../../fixtures/n8n-evaluator.js';
import { NOT_PLAIN, resolvePlainReads } from '../../../engine/workflow/simple-expressions.js';

const keys = fc.constantFrom('a', 'b', 'name', 'toString', 'length', 'x y');
const scalar = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('', ' Ab c ', 'ÉCOLE', 'ß', '0', 'null'),
  fc.double({ noNaN: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.oneof({ arbitrary: scalar, weight: 4 }, fc.array(scalar, { maxLength: 2 }), fc.constant({ c: 1 }));
/** Items where most generated reads find a value: `a`, `b` and `name` always there, others sometimes. */
const json = fc.record(
  {
    a: value,
    b: value,
    name: value,
    nested: fc.dictionary(keys, value, { maxKeys: 3 }),
    'x y': value,
  },
  { requiredKeys: ['a', 'b', 'name'] },
) as fc.Arbitrary<IDataObject>;

const top = fc.oneof(
  { arbitrary: fc.constantFrom('.a', '.b', '.name', '["name"]', "['a']"), weight: 6 },
  { arbitrary: fc.constantFrom('.nested', '["x y"]', '.missing', '.toString', '.valueOf'), weight: 2 },
);
const step = fc.tuple(
  top,
  fc.oneof(
    { arbitrary: fc.constant(''), weight: 4 },
    keys.map((key) => `["${key}"]`),
    fc.nat(2).map((index) => `[${index}]`),
  ),
);
const literal = fc.constantFrom("'web'", '"x y"', "''", '0', '-1.5', '42', 'true', 'false', 'null', '01', "'a\\'b'");
const read = fc
  .tuple(
    step.map(([first, second]) => [first, second]),
    fc.oneof(
      { arbitrary: fc.constant(''), weight: 4 },
      fc.constantFrom('.toUpperCase()', '.toLowerCase()', '.trim()', '.length', '.toFixed()'),
      { arbitrary: literal.map((value) => `.includes(${value})`), weight: 2 },
      fc.constantFrom(".includes( 'Ab' )", '.includes()', '.includes(1, 2)'),
    ),
    fc.option(literal, { nil: undefined, freq: 2 }),
    fc.constantFrom('', ' ', '  '),
  )
  .map(([steps, method, fallback, space]) => {
    const read = `$json${steps.join('')}${method}`;
    return `${space}${fallback === undefined ? read : `${read}${space}||${space}${fallback}`}${space}`;
  });
/** `JSON.stringify` of the item or of a read of it (and a few shapes the fast path must leave). */
const stringify = fc.oneof(
  fc.constantFrom('', ' ').chain((space) =>
    fc.oneof(
      fc.constant(`JSON.stringify(${space}$json${space})`),
      step.map(([first, second]) => `${space}JSON.stringify($json${first}${second})${space}`),
    ),
  ),
  fc.constantFrom('JSON.stringify($json, null, 2)', 'JSON.stringify($json).length', 'JSON.parse($json.a)'),
);
const segment = fc.oneof({ arbitrary: read, weight: 4 }, stringify);
const text = fc.oneof(
  { arbitrary: fc.stringMatching(/^[a-z :,.\-é]{0,6}$/), weight: 4 },
  fc.stringMatching(/^[a-z $`{}\\]{0,4}$/),
);
const parameter = fc.oneof(
  segment.map((body) => `={{${body}}}`),
  fc
    .tuple(text, fc.array(fc.tuple(segment, text), { minLength: 1, maxLength: 3 }))
    .map(([head, rest]) => `=${head}${rest.map(([body, tail]) => `{{${body}}}${tail}`).join('')}`),
);

describe('simple expressions', () => {
  it('answer as n8n-workflow does wherever they answer', () => {
    let answered = 0;
    fc.assert(
      fc.property(json, parameter, (item, expression) => {
        const fast = resolvePlainReads(expression, item);
        if (fast === NOT_PLAIN) return;
        answered++;
        expect(fast).toEqual(n8nValue(expression, item));
      }),
      { numRuns: 1500 },
    );
    // Enough generated expressions meet the fast path for the comparison to mean something.
    expect(answered).toBeGreaterThan(200);
  });

  it('take the fast path for templates, string methods and defaults', () => {
    const item = { name: 'Ada', company: '', n: 3, email: ' ADA@Example.com ', tags: ['vip', 'beta'] };
    const cases: [string, unknown][] = [
      ['=Lead {{ $json.name }} ({{ $json.n }})', 'Lead Ada (3)'],
      ['={{ $json.email.trim() }}', 'ADA@Example.com'],
      ['={{ $json.name.toUpperCase() }}', 'ADA'],
      ["={{ $json.company || 'unknown' }}", 'unknown'],
      ["={{ $json.source || 'web' }}", 'web'],
      ["=From {{ $json.company || 'nowhere' }}", 'From nowhere'],
      ["={{ $json.tags.includes('vip') }}", true],
      ["={{ $json.email.includes('@') }}", true],
      ["=vip: {{ $json.tags.includes('gold') }}", 'vip: false'],
      ['={{ JSON.stringify($json.tags) }}', '["vip","beta"]'],
    ];
    for (const [expression, expected] of cases) {
      expect(resolvePlainReads(expression, item), expression).toBe(expected);
      expect(n8nValue(expression, item), expression).toBe(expected);
    }
  });

  it('leave to n8n what it must decide', () => {
    const item = { a: { b: 1 }, s: 'abc', n: 2 };
    for (const expression of [
      '=x {{ $json.a }}',
      '=x {{ $json.missing }}',
      '={{ $json.n.toUpperCase() }}',
      "={{ $json.missing.b || 'd' }}",
      '=${x} {{ $json.s }}',
      '={{ $json.s.toUpperCase() || 01 }}',
      '={{ $json.s.length }}',
      '={{ $now }}',
      '={{ $json.n.includes(2) }}',
      '={{ JSON.stringify($json.missing) }}',
      '={{ JSON.stringify($json, null, 2) }}',
    ])
      expect(resolvePlainReads(expression, item), expression).toBe(NOT_PLAIN);
  });
});
