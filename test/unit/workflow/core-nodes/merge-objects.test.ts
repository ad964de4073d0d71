/**
 * The Merge node's folding of item JSON against lodash itself (n8n's Merge node uses lodash's
 * `merge`, `mergeWith`, `assign` and `assignWith`; lodash is installed as n8n-workflow's
 * dependency): on JSON without prototype keys the results are equal, and `__proto__` in data stays data.
 */
import fc from 'fast-check';
import { createRequire } from 'node:module';
import type { IDataObject } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { selectMergeMethod } from '../../../../engine/workflow/core-nodes/flow/merge-objects.js';

type Customizer = (target: unknown, source: unknown) => unknown;
interface Lodash {
  merge(target: object, ...sources: object[]): object;
  mergeWith(target: object, ...rest: unknown[]): object;
  assign(target: object, ...sources: object[]): object;
  assignWith(target: object, ...rest: unknown[]): object;
}
const lodash = createRequire(import.meta.url)('lodash') as Lodash;

/** n8n's "Minimize Empty Fields": an empty source value keeps the target's. */
const keepSet: Customizer = (target, source) =>
  source === undefined || source === null || source === '' ? target : undefined;

const key = fc.constantFrom('a', 'b', 'c', 'list', '0', '1', 'x y');
const json: fc.Arbitrary<IDataObject> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, '', 0, 1, 'text', true, false),
    fc.array(tie('value'), { maxLength: 3 }),
    tie('object'),
  ),
  object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
})).object as fc.Arbitrary<IDataObject>;

/** What lodash gives, as n8n's Merge node calls it. */
function lodashMerge(mode: string, overrideEmpty: boolean, target: IDataObject, sources: IDataObject[]): object {
  if (overrideEmpty && mode === 'deepMerge') return lodash.mergeWith({ ...target }, ...sources, keepSet);
  if (overrideEmpty && mode === 'shallowMerge') return lodash.assignWith({ ...target }, ...sources, keepSet);
  if (mode === 'shallowMerge') return lodash.assign({}, target, ...sources);
  return lodash.merge({}, target, ...sources);
}

describe('merging item JSON as lodash does', () => {
  for (const mode of ['deepMerge', 'shallowMerge']) {
    for (const overrideEmpty of [false, true]) {
      it(`${mode}${overrideEmpty ? ' minimizing empty fields' : ''}`, () => {
        const merge = selectMergeMethod({ mergeMode: mode, overrideEmpty });
        fc.assert(
          fc.property(json, fc.array(json, { minLength: 1, maxLength: 3 }), (target, sources) => {
            const expected = JSON.stringify(
              lodashMerge(mode, overrideEmpty, structuredClone(target), structuredClone(sources)),
            );
            expect(JSON.stringify(merge(target, ...sources))).toBe(expected);
          }),
          { numRuns: 300 },
        );
      });
    }
  }

  it('leaves its inputs as they were (deep merge)', () => {
    const target = { a: { b: [1, 2] } };
    const source = { a: { b: [3], c: 1 } };
    const merged = selectMergeMethod({})(target, source);
    expect(merged).toEqual({ a: { b: [3, 2], c: 1 } });
    expect(target).toEqual({ a: { b: [1, 2] } });
    expect(source).toEqual({ a: { b: [3], c: 1 } });
  });

  it('keeps a __proto__ key in item data as data, never as a prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as IDataObject;
    const merged = selectMergeMethod({})({ b: 2 }, hostile);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(merged)).toBe('{"b":2,"__proto__":{"polluted":true},"a":1}');
  });
});
