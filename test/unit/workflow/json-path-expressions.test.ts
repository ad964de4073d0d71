/**
 * The fast path for plain `$json` reads against n8n-workflow's own evaluator: on generated items and
 * expressions, wherever the fast path answers, its answer equals n8n's; and it does answer the
 * plain reads that workflows are made of.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { n8nValue } from '../../fixtures/n8n-evaluator.js';
import { jsonPathOf } from '../../../engine/workflow/json-path-expressions.js';
import { NOT_PLAIN, resolvePlainReads } from '../../../engine/workflow/simple-expressions.js';

const keys = fc.constantFrom('a', 'b', 'name', 'body', 'x_1', '$id', 'length', 'toString', 'a b', 'é', '0');
const json = fc.dictionary(keys, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }) as fc.Arbitrary<IDataObject>;
const step = fc.oneof(
  keys.filter((key) => /^[A-Za-z_$][\w$]*$/.test(key)).map((key) => `.${key}`),
  keys.map((key) => `["${key}"]`),
  keys.map((key) => `['${key}']`),
  fc.nat(3).map((index) => `[${index}]`),
);
const spacing = fc.tuple(fc.constantFrom('', ' ', '  '), fc.constantFrom('', ' '));
const expression = fc
  .tuple(fc.array(step, { minLength: 1, maxLength: 4 }), spacing)
  .map(([steps, [before, after]]) => `={{${before}$json${steps.join('')}${after}}}`);

/** Every path that is there in `value`, written in the spellings n8n accepts. */
function pathsIn(value: unknown, prefix = ''): string[] {
  const children = Array.isArray(value)
    ? value.map((entry, index) => pathsIn(entry, `${prefix}[${index}]`))
    : value && typeof value === 'object'
      ? Object.entries(value).map(([key, entry]) =>
          pathsIn(entry, /^[A-Za-z_$][\w$]*$/.test(key) ? `${prefix}.${key}` : `${prefix}["${key}"]`),
        )
      : [];
  return [...(prefix ? [prefix] : []), ...children.flat()];
}

/** An item and an expression that reads a path that is there (or, one time in four, any path). */
const itemAndRead = json.chain((item) => {
  const there = pathsIn(item);
  const read = there.length
    ? fc
        .tuple(fc.constantFrom(...there), spacing)
        .map(([path, [before, after]]) => `={{${before}$json${path}${after}}}`)
    : expression;
  return fc.tuple(fc.constant(item), fc.oneof({ arbitrary: read, weight: 3 }, { arbitrary: expression, weight: 1 }));
});

describe('plain $json reads', () => {
  it('answer as n8n-workflow does wherever they answer', () => {
    let answered = 0;
    fc.assert(
      fc.property(itemAndRead, ([item, parameter]) => {
        const fast = resolvePlainReads(parameter, item);
        if (fast === NOT_PLAIN) return;
        answered++;
        expect(fast).toEqual(n8nValue(parameter, item));
      }),
      { numRuns: 400 },
    );
    // The generated paths hit keys that are there often enough for the comparison to mean something.
    expect(answered).toBeGreaterThan(100);
  });

  it('leave a dotted `$` step to n8n, whose sandbox refuses it (found by the property above)', () => {
    const item = { body: { $: { k: true } } };
    const parameter = '={{$json.body.$["k"]}}';
    expect(resolvePlainReads(parameter, item)).toBe(NOT_PLAIN);
    expect(() => n8nValue(parameter, item)).toThrow(/Cannot access "\$"/);
    expect(resolvePlainReads('={{$json.body["$"].k}}', item)).toEqual(n8nValue('={{$json.body["$"].k}}', item));
  });

  it('answer nested parameters entry by entry as n8n resolves them', () => {
    fc.assert(
      fc.property(json, fc.dictionary(fc.constantFrom('p', 'q', 'r'), expression, { maxKeys: 3 }), (item, fields) => {
        const parameter = { ...fields, fixed: 'text', list: [fields.p ?? 'plain'] };
        const fast = resolvePlainReads(parameter, item);
        if (fast !== NOT_PLAIN) expect(fast).toEqual(n8nValue(parameter, item));
      }),
      { numRuns: 200 },
    );
  });

  it('take the fast path for the reads a webhook workflow makes', () => {
    const item = { body: { input_data: { name: 'Ada', tags: ['x', 'y'] }, 'trigger source': 'form' } };
    expect(resolvePlainReads('={{ $json.body.input_data.name }}', item)).toBe('Ada');
    expect(resolvePlainReads('={{$json[\'body\']["trigger source"]}}', item)).toBe('form');
    expect(resolvePlainReads('={{ $json.body.input_data.tags[1] }}', item)).toBe('y');
    expect(resolvePlainReads({ who: '={{ $json.body.input_data }}', n: 3 }, item)).toEqual({
      who: item.body.input_data,
      n: 3,
    });
  });

  it('leave everything else to n8n', () => {
    const item = { a: { b: 1 }, s: 'abc' };
    for (const parameter of [
      '={{ $json.a.b + 1 }}',
      '=x {{ $json.a }}',
      '=x {{ $json.missing }}',
      '={{ $json.s.length }}',
      '={{ $json.missing }}',
      '={{ $json.a.toString }}',
      '={{ $json.constructor }}',
      '={{ $json.__proto__ }}',
      '={{ $json[""] }}',
      '={{ $now }}',
    ])
      expect(resolvePlainReads(parameter, item)).toBe(NOT_PLAIN);
    expect(jsonPathOf('={{ $json.a }} ')).toBeNull();
  });
});
