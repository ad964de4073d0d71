/**
 * The linear-time pattern engine: the same answers as JavaScript's RegExp on the supported subset
 * (checked by example and by fast-check against V8 on generated patterns and inputs), linear cost
 * on patterns that make V8 backtrack for ages, and a clear refusal of everything that needs
 * backtracking or goes over a bound.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileLinearRegExp, UnsupportedPatternError } from '../../../engine/events/linear-regexp.js';

const same = (pattern: string, input: string) =>
  expect(compileLinearRegExp(pattern).test(input), `/${pattern}/ on ${JSON.stringify(input)}`).toBe(
    new RegExp(pattern, 'u').test(input),
  );

describe('compileLinearRegExp', () => {
  it.each([
    ['^[a-z]+$', ['abc', 'ab1', '', 'Z']],
    ['^\\d{3}-\\d{2,4}$', ['123-45', '123-45678', '12-345', '123-4567']],
    ['a|b', ['xxa', 'c', '']],
    ['^(ab)*c$', ['c', 'ababc', 'abac']],
    ['^[^\\s@]+@[^\\s@]+\\.[a-z]{2,}$', ['a@b.io', 'a b@c.de', 'x@y.z']],
    ['colou?r', ['color', 'colour', 'colr']],
    ['^\\w+(?:-\\w+)*$', ['ab-cd-ef', 'ab--cd']],
    ['^[\\-a-c.]+$', ['a-c.', 'd']],
    ['x{2,}', ['x', 'xx']],
    ['^$', ['', 'a']],
    ['^a{0}b', ['b', 'ab']],
    ['^[\\d\\x41-\\x43]+$', ['12AB', 'D']],
    ['^(?<year>\\d{4})-\\d\\d$', ['2024-01', '24-01']],
    ['^a.c$', ['abc', 'a\nc']],
    ['^[^]$', ['x', '']],
    ['a+?b', ['aaab', 'aaa']],
  ] as const)('answers /%s/ as RegExp does', (pattern, inputs) => {
    for (const input of inputs) same(pattern, input);
  });

  it('agrees with RegExp on generated patterns and inputs', () => {
    const atom = fc.constantFrom('a', 'b', '.', '[ab]', '[^a]', '\\d', '\\w', '(a|b)', '(?:ab)', '\\.', 'x');
    const quantifier = fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,3}', '{2,}', '*?');
    const pattern = fc
      .tuple(
        fc.boolean(),
        fc.array(fc.tuple(atom, quantifier), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.option(fc.array(fc.tuple(atom, quantifier), { minLength: 1, maxLength: 3 })),
      )
      .map(([start, parts, end, alternative]) => {
        const body = parts.map(([a, q]) => a + q).join('');
        const alt = alternative ? `|${alternative.map(([a, q]) => a + q).join('')}` : '';
        return `${start ? '^' : ''}(?:${body}${alt})${end ? '$' : ''}`;
      });
    fc.assert(
      fc.property(pattern, fc.stringMatching(/^[abx.1 ]{0,12}$/), (p, input) => {
        same(p, input);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays linear on patterns that make a backtracking engine take exponential time', () => {
    // V8 would take longer than the universe's age on some of these; each is one pass here.
    for (const pattern of ['^(a+)+$', '(a|a)*b', '^(a|aa)+$', '(.*a){12}x', '^(\\w+\\s?)*$'])
      expect(compileLinearRegExp(pattern).test(`${'a'.repeat(20_000)}!`)).toBe(false);
  });

  it.each([
    ['(a)\\1', /back-references/],
    ['(?<n>a)\\k<n>', /back-references/],
    ['(?=a)', /look-around/],
    ['(?<!a)b', /look-around/],
    ['\\bfoo', /word boundaries/],
    ['\\p{L}', /Unicode property/],
    ['a{5000}', /repeat count above 1000/],
    ['(a{100}){1000}', /more than 20000 steps/],
    ['(', /unterminated group/],
    ['[a', /unterminated character class/],
    ['a)', /unmatched/],
    ['*a', /nothing to repeat/],
    ['a**', /nothing to repeat/],
    ['[z-a]', /out of order/],
    ['\\', /backslash/],
    ['\\q', /unknown escape/],
    ['x'.repeat(1001), /longer than 1000/],
  ])('refuses /%s/ naming why', (pattern, why) => {
    expect(() => compileLinearRegExp(pattern)).toThrow(UnsupportedPatternError);
    expect(() => compileLinearRegExp(pattern)).toThrow(why);
  });
});
