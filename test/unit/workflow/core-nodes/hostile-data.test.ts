/**
 * Hostile input to the data-transformation core nodes: random field names (`__proto__`,
 * `constructor.prototype.x`, deep and bracketed paths), random typed values and JSON text, random
 * include lists and options, run through the real runner. A run may fail with a node error (that
 * is n8n's behaviour for bad values) but never crashes the engine, and nothing reaches a prototype.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';
import { afterEach, describe, expect, it } from 'vitest';
import { getPath, setKey, setPath, unsetPath } from '../../../../engine/workflow/core-nodes/data-path.js';
import { runNodes, type CaseNode } from './run-nodes.js';

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'length', 'hasOwnProperty'];

/** Path segments: hostile names, ordinary names, indexes, bracketed and quoted keys. */
const segment = fc.oneof(
  fc.constantFrom(...HOSTILE_KEYS),
  fc.string({ maxLength: 6 }),
  fc.nat({ max: 5 }).map((n) => `[${n}]`),
  fc.constantFrom('["a.b"]', "['__proto__']", '[', ']', '.', '..'),
);
const fieldName = fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.'));
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const fieldType = fc.constantFrom('string', 'number', 'boolean', 'array', 'object');
const inputItem = fc.dictionary(fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 5 })), jsonValue, {
  maxKeys: 5,
});

const assignment = fc.record({
  id: fc.string({ maxLength: 4 }),
  name: fieldName,
  value: fc.oneof(jsonValue, fc.constantFrom('={{ $json }}', '={{ $json.__proto__ }}', '={{ [1, {"a": 2}] }}')),
  type: fieldType,
});

const setNode = fc.record({
  mode: fc.constantFrom('manual', 'raw'),
  assignments: fc.array(assignment, { maxLength: 5 }),
  jsonOutput: fc.oneof(
    jsonValue.map((value) => JSON.stringify(value)),
    fc.dictionary(fieldName, jsonValue, { maxKeys: 4 }).map((value) => JSON.stringify(value)),
    fc.string({ maxLength: 20 }),
    // JSON mode templates: `{{ }}` inside the text, resolved per item then parsed.
    fc.constantFrom('={ "a": {{ $json }} }', '={{ $json.__proto__ }}', '={ "__proto__": {{ 1 }} }', '={{ }}', '={{'),
  ),
  includeOtherFields: fc.boolean(),
  include: fc.constantFrom('all', 'none', 'selected', 'except'),
  fields: fc.array(fieldName, { maxLength: 4 }).map((names) => names.join(',')),
  dotNotation: fc.boolean(),
  ignoreConversionErrors: fc.boolean(),
  typeVersion: fc.constantFrom(3, 3.1, 3.2, 3.3, 3.4),
});

function prototypesUntouched(): void {
  for (const proto of [Object.prototype, Array.prototype, Function.prototype]) {
    expect(Object.getOwnPropertyNames(proto).filter((name) => !BASELINE.get(proto)!.has(name))).toEqual([]);
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

const BASELINE = new Map(
  [Object.prototype, Array.prototype, Function.prototype].map((proto) => [
    proto,
    new Set(Object.getOwnPropertyNames(proto)),
  ]),
);

afterEach(prototypesUntouched);

/** A node error is a clean outcome; anything thrown out of the runner is not. */
async function runsCleanly(nodes: CaseNode[], input: Array<Record<string, unknown>>): Promise<void> {
  const result = await runNodes(nodes, input);
  if (result.error) expect(typeof result.error.message).toBe('string');
  else expect(Array.isArray(result.items)).toBe(true);
  prototypesUntouched();
}

describe('core nodes under hostile data', () => {
  it('Edit Fields never crashes and never pollutes a prototype', async () => {
    await fc.assert(
      fc.asyncProperty(setNode, fc.array(inputItem, { minLength: 1, maxLength: 3 }), async (spec, input) => {
        const parameters = {
          mode: spec.mode,
          assignments: { assignments: spec.assignments },
          // v3–3.2's shape: the same fields as `<type>Value` entries (object ones may be templates).
          fields: {
            values: spec.assignments.map(({ name, value, type }) => ({
              name,
              type: `${type}Value`,
              [`${type}Value`]: value,
            })),
          },
          jsonOutput: spec.jsonOutput,
          includeOtherFields: spec.includeOtherFields,
          include: spec.include,
          includeFields: spec.fields,
          excludeFields: spec.fields,
          options: { dotNotation: spec.dotNotation, ignoreConversionErrors: spec.ignoreConversionErrors },
        };
        await runsCleanly(
          [{ name: 'Edit Fields', type: 'n8n-nodes-base.set', typeVersion: spec.typeVersion, parameters }],
          input,
        );
      }),
      { numRuns: 150 },
    );
  });

  it('the transform nodes never crash and never pollute a prototype', async () => {
    const transform = fc.oneof(
      fieldName.map((field) => ['splitOut', 1, { fieldToSplitOut: field, include: 'allOtherFields' }] as const),
      fieldName.map(
        (field) =>
          ['aggregate', 1, { fieldsToAggregate: { fieldToAggregate: [{ fieldToAggregate: field }] } }] as const,
      ),
      fieldName.map(
        (field) => ['aggregate', 1, { aggregate: 'aggregateAllItemData', destinationFieldName: field }] as const,
      ),
      fieldName.map(
        (field) =>
          [
            'removeDuplicates',
            2,
            { compare: 'selectedFields', fieldsToCompare: field, options: { removeOtherFields: true } },
          ] as const,
      ),
      fc.constant(['removeDuplicates', 2, {}] as const),
      fieldName.map((field) => ['sort', 1, { sortFieldsUi: { sortField: [{ fieldName: field }] } }] as const),
    );
    await fc.assert(
      fc.asyncProperty(
        transform,
        fc.array(inputItem, { minLength: 1, maxLength: 4 }),
        async ([type, typeVersion, parameters], input) => {
          await runsCleanly([{ name: 'Node', type: `n8n-nodes-base.${type}`, typeVersion, parameters }], input);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('dot paths never write through a prototype key, and read only own properties', () => {
    fc.assert(
      fc.property(fieldName, jsonValue, (path, value) => {
        const target: IDataObject = {};
        setPath(target, path, value);
        setKey(target, path, value);
        unsetPath(target, path);
        getPath({}, path);
        prototypesUntouched();
      }),
      { numRuns: 500 },
    );
    expect(getPath({}, 'constructor')).toBeUndefined();
    expect(getPath({ a: { b: 1 } }, 'a.hasOwnProperty')).toBeUndefined();
  });

  it('splits and aggregates a 200,000-element list', async () => {
    const huge = Array.from({ length: 200_000 }, (_, i) => i);
    const split = await runNodes(
      [{ name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'list' } }],
      [{ list: huge }],
    );
    expect(split.items.length).toBe(200_000);
    const aggregate = await runNodes(
      [
        {
          name: 'Aggregate',
          type: 'n8n-nodes-base.aggregate',
          typeVersion: 1,
          parameters: {
            fieldsToAggregate: { fieldToAggregate: [{ fieldToAggregate: 'list' }] },
            options: { mergeLists: true },
          },
        },
      ],
      [{ list: huge }, { list: huge }],
    );
    expect((aggregate.items[0].list as number[]).length).toBe(400_000);
  });
});
