/**
 * The core nodes' dot paths against lodash itself, which n8n's nodes use (it is installed as
 * n8n-workflow's dependency): on paths without prototype keys, reads and writes give lodash's results.
 */
import fc from 'fast-check';
import { createRequire } from 'node:module';
import type { IDataObject } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { getPath, setPath, toPath, unsetPath } from '../../../../engine/workflow/core-nodes/data-path.js';

interface Lodash {
  get(object: unknown, path: string): unknown;
  set(object: object, path: string, value: unknown): object;
  unset(object: object, path: string): boolean;
  toPath(path: string): string[];
}
const lodash = createRequire(import.meta.url)('lodash') as Lodash;

const segment = fc.oneof(
  fc.constantFrom('a', 'b', 'list', 'x y', '0', '1', '10', ''),
  fc.nat({ max: 3 }).map((n) => `[${n}]`),
  fc.constantFrom('["a.b"]', "['q']", '[-1]', '[1.5]'),
);
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.'));
const json = fc.dictionary(fc.constantFrom('a', 'b', 'list', 'a.b', '0'), fc.jsonValue({ maxDepth: 3 }), {
  maxKeys: 4,
});

describe('dot paths read and write as lodash does', () => {
  it('parses deep paths as lodash does', () => {
    // lodash's public toPath differs from the parsing its get/set use on a plain name ('' is one key there).
    const deep = path.filter((p) => /[.[\]]/.test(p));
    fc.assert(
      fc.property(deep, (p) => {
        expect(toPath(p)).toEqual(lodash.toPath(p));
      }),
    );
  });

  it('reads, writes and removes as lodash does', () => {
    fc.assert(
      fc.property(json, path, fc.jsonValue({ maxDepth: 2 }), (object, p, value) => {
        expect(getPath(object, p)).toEqual(lodash.get(object, p));
        const ours = structuredClone(object) as IDataObject;
        const theirs = structuredClone(object);
        setPath(ours, p, value);
        lodash.set(theirs, p, value);
        expect(ours).toEqual(theirs);
        unsetPath(ours, p);
        lodash.unset(theirs, p);
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 1000 },
    );
  });

  it('uses a whole key that exists before splitting it', () => {
    expect(getPath({ 'a.b': 1, a: { b: 2 } }, 'a.b')).toBe(1);
    const object: IDataObject = { 'a.b': 1 };
    setPath(object, 'a.b', 3);
    expect(object).toEqual({ 'a.b': 3 });
  });
});
