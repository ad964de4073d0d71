import type { INodeExecutionData } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { runNodes, runWholeItems, type CaseNode } from './run-nodes.js';

const node = (type: string, parameters: Record<string, unknown>, typeVersion = 1): CaseNode => ({
  name: type,
  type: `n8n-nodes-base.${type}`,
  typeVersion,
  parameters,
});

describe('transform core nodes through the runner', () => {
  it('splits a list into items, an object element becoming the item', async () => {
    const split = node('splitOut', { fieldToSplitOut: 'rows' });
    const { items } = await runNodes(
      [split],
      [
        { id: 1, rows: [{ a: 1 }, { a: 2 }] },
        { id: 2, rows: 'solo' },
      ],
    );
    expect(items).toEqual([{ a: 1 }, { a: 2 }, { rows: 'solo' }]);
  });

  it('splits with all other fields and several fields side by side into destinations', async () => {
    const split = node('splitOut', {
      fieldToSplitOut: 'xs, ys',
      include: 'allOtherFields',
      options: { destinationFieldName: 'x, y' },
    });
    const { items } = await runNodes([split], [{ id: 1, xs: [1, 2], ys: ['a'] }]);
    expect(items).toEqual([
      { id: 1, x: 1, y: 'a' },
      { id: 1, x: 2 },
    ]);
  });

  it('aggregates individual fields, dropping missing values unless asked to keep them', async () => {
    const input = [{ a: 1, t: [1, null] }, { a: null }, { t: [3] }];
    const plain = node('aggregate', {
      fieldsToAggregate: { fieldToAggregate: [{ fieldToAggregate: 'a' }, { fieldToAggregate: 't' }] },
    });
    expect((await runNodes([plain], input)).items).toEqual([{ a: [1], t: [[1], [3]] }]);
    const merged = node('aggregate', {
      fieldsToAggregate: { fieldToAggregate: [{ fieldToAggregate: 't', renameField: true, outputFieldName: 'all' }] },
      options: { mergeLists: true, keepMissing: true },
    });
    // The item without `t` adds undefined, which JSON (and n8n's output) shows as null.
    expect((await runNodes([merged], input)).items).toEqual([{ all: [1, null, null, 3] }]);
  });

  it('aggregates all item data into one list, with only the specified fields', async () => {
    const aggregate = node('aggregate', {
      aggregate: 'aggregateAllItemData',
      destinationFieldName: 'rows',
      include: 'specifiedFields',
      fieldsToInclude: 'a',
    });
    expect((await runNodes([aggregate], [{ a: 1, b: 2 }, { b: 3 }, { a: 4 }])).items).toEqual([
      { rows: [{ a: 1 }, { a: 4 }] },
    ]);
  });

  it('limits to the first or the last items', async () => {
    const input = [{ i: 1 }, { i: 2 }, { i: 3 }];
    expect((await runNodes([node('limit', { maxItems: 2 })], input)).items).toEqual([{ i: 1 }, { i: 2 }]);
    expect((await runNodes([node('limit', { maxItems: 2, keep: 'lastItems' })], input)).items).toEqual([
      { i: 2 },
      { i: 3 },
    ]);
  });

  it('removes duplicates on all fields, keeping the first of each', async () => {
    const input = [
      { a: 1, b: { c: 1 } },
      { a: 1, b: { c: 2 } },
      { a: 1, b: { c: 1 } },
    ];
    const { items } = await runNodes([node('removeDuplicates', {}, 2)], input);
    expect(items).toEqual([
      { a: 1, b: { c: 1 } },
      { a: 1, b: { c: 2 } },
    ]);
  });

  it('removes duplicates on selected fields and can drop the other fields', async () => {
    const dedupe = node('removeDuplicates', {
      compare: 'selectedFields',
      fieldsToCompare: 'k',
      options: { removeOtherFields: true },
    });
    const { items } = await runNodes(
      [dedupe],
      [
        { k: 'x', n: 1 },
        { k: 'y', n: 2 },
        { k: 'x', n: 3 },
      ],
    );
    expect(items).toEqual([{ k: 'x' }, { k: 'y' }]);
  });

  it("reports a compared field missing from an item with n8n's message", async () => {
    const dedupe = node('removeDuplicates', { compare: 'selectedFields', fieldsToCompare: 'k' });
    const { error } = await runNodes([dedupe], [{ k: 1 }, { other: 2 }]);
    expect(error?.message).toBe("'k' field is missing from some input items");
  });

  it('refuses the v2 operations that need a deduplication history', async () => {
    const dedupe = node('removeDuplicates', { operation: 'removeItemsSeenInPreviousExecutions' }, 2);
    const { error } = await runNodes([dedupe], [{ k: 1 }]);
    expect(error?.message).toMatch(/removeItemsSeenInPreviousExecutions.*deduplication history/);
  });

  it('sorts by several fields, text without case', async () => {
    const sort = node('sort', {
      sortFieldsUi: { sortField: [{ fieldName: 'group' }, { fieldName: 'n', order: 'descending' }] },
    });
    const input = [
      { group: 'b', n: 1 },
      { group: 'A', n: 1 },
      { group: 'a', n: 2 },
      { group: 'B', n: 3 },
    ];
    expect((await runNodes([sort], input)).items).toEqual([
      { group: 'a', n: 2 },
      { group: 'A', n: 1 },
      { group: 'B', n: 3 },
      { group: 'b', n: 1 },
    ]);
  });

  it('shuffles in random mode without losing or adding items', async () => {
    const input = Array.from({ length: 20 }, (_, i) => ({ i }));
    const { items } = await runNodes([node('sort', { type: 'random' })], input);
    expect([...items].sort((a, b) => (a.i as number) - (b.i as number))).toEqual(input);
  });

  it('refuses code sorting by name', async () => {
    const { error } = await runNodes([node('sort', { type: 'code', code: 'return 0' })], [{ a: 1 }]);
    expect(error?.message).toMatch(/sort type 'code'/);
  });

  it("reports a sort field that no item has with n8n's message", async () => {
    const sort = node('sort', { sortFieldsUi: { sortField: [{ fieldName: 'nope' }] } });
    expect((await runNodes([sort], [{ a: 1 }])).error?.message).toBe(
      "Couldn't find the field 'nope' in the input data",
    );
  });
});

describe('transform nodes carry binary data when asked', () => {
  const file = (name: string, size: string) => ({
    data: 'aGk=',
    mimeType: 'text/plain',
    fileName: name,
    fileSize: size,
  });

  it('aggregate gathers every binary file, renaming repeated keys, or only unique ones', async () => {
    const input = (): INodeExecutionData[] => [
      { json: { a: 1 }, binary: { file: file('a.txt', '2 B') } },
      { json: { a: 2 }, binary: { file: file('b.txt', '2 B') } },
      { json: { a: 3 }, binary: { other: file('c.txt', '9 B') } },
    ];
    const aggregate = (options: Record<string, unknown>) =>
      node('aggregate', { fieldsToAggregate: { fieldToAggregate: [{ fieldToAggregate: 'a' }] }, options });
    const [all] = await runWholeItems([aggregate({ includeBinaries: true })], input());
    expect(Object.keys(all.binary ?? {})).toEqual(['file', 'file_1', 'other']);
    const [unique] = await runWholeItems([aggregate({ includeBinaries: true, keepOnlyUnique: true })], input());
    expect(Object.keys(unique.binary ?? {})).toEqual(['file', 'other']);
  });

  it("split out copies the item's binary data to each new item with includeBinary", async () => {
    const split = node('splitOut', { fieldToSplitOut: 'list', options: { includeBinary: true } });
    const items = await runWholeItems([split], [{ json: { list: [1, 2] }, binary: { file: file('a.txt', '2 B') } }]);
    expect(items.map((item) => Object.keys(item.binary ?? {}))).toEqual([['file'], ['file']]);
  });
});
