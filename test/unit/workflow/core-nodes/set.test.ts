import { describe, expect, it } from 'vitest';
import { runNodes, runWholeItems, type CaseNode } from './run-nodes.js';

const set = (typeVersion: number, parameters: Record<string, unknown>): CaseNode => ({
  name: 'Edit Fields',
  type: 'n8n-nodes-base.set',
  typeVersion,
  parameters,
});

const assignment = (name: string, value: unknown, type: string) => ({ id: name, name, value, type });
const assignments = (...list: Array<ReturnType<typeof assignment>>) => ({ assignments: { assignments: list } });

describe('Edit Fields (n8n-nodes-base.set) through the runner', () => {
  it('converts typed assignments and keeps only the set fields by default (v3.4)', async () => {
    const node = set(
      3.4,
      assignments(
        assignment('n', '42', 'number'),
        assignment('b', 'true', 'boolean'),
        assignment('s', 7, 'string'),
        assignment('list', '[1,2]', 'array'),
        assignment('obj', '{"a":1}', 'object'),
      ),
    );
    const { items, error } = await runNodes([node], [{ keep: 'me' }]);
    expect(error).toBeUndefined();
    expect(items).toEqual([{ n: 42, b: true, s: '7', list: [1, 2], obj: { a: 1 } }]);
  });

  it('evaluates expressions per item and writes dot paths as nested fields', async () => {
    const node = set(3.4, {
      ...assignments(assignment('user.name', '={{ $json.first }} {{ $json.last }}', 'string')),
      includeOtherFields: true,
    });
    const { items } = await runNodes(
      [node],
      [
        { first: 'Ada', last: 'L' },
        { first: 'Bo', last: 'K' },
      ],
    );
    expect(items).toEqual([
      { first: 'Ada', last: 'L', user: { name: 'Ada L' } },
      { first: 'Bo', last: 'K', user: { name: 'Bo K' } },
    ]);
  });

  it('reports a conversion error as n8n does, naming the field and the item', async () => {
    const node = set(3.4, assignments(assignment('n', '={{ $json.v }}', 'number')));
    const { error } = await runNodes([node], [{ v: '1' }, { v: 'abc' }]);
    expect(error).toEqual({ node: 'Edit Fields', message: "'n' expects a number but we got 'abc' [item 1]" });
  });

  it('keeps the value as given when conversion errors are ignored', async () => {
    const node = set(3.4, {
      ...assignments(assignment('n', 'abc', 'number')),
      options: { ignoreConversionErrors: true },
    });
    expect((await runNodes([node], [{}])).items).toEqual([{ n: 'abc' }]);
  });

  it('writes a dotted name as one key with dot notation off', async () => {
    const node = set(3.4, { ...assignments(assignment('a.b', 'x', 'string')), options: { dotNotation: false } });
    expect((await runNodes([node], [{}])).items).toEqual([{ 'a.b': 'x' }]);
  });

  it('keeps selected input fields (a nested one under its last key) or all but the excluded ones', async () => {
    const input = [{ a: 1, b: { c: 2 }, d: 3 }];
    const selected = set(3.4, {
      ...assignments(),
      includeOtherFields: true,
      include: 'selected',
      includeFields: 'a, b.c',
    });
    expect((await runNodes([selected], input)).items).toEqual([{ a: 1, c: 2 }]);
    const except = set(3.4, { ...assignments(), includeOtherFields: true, include: 'except', excludeFields: 'b.c,d' });
    expect((await runNodes([except], input)).items).toEqual([{ a: 1, b: {} }]);
  });

  it('builds items from JSON mode, with {{ }} templates inside the JSON text', async () => {
    const node = set(3.4, { mode: 'raw', jsonOutput: '={ "id": {{ $json.id }}, "tags": {{ $json.tags }} }' });
    expect((await runNodes([node], [{ id: 5, tags: ['x'] }])).items).toEqual([{ id: 5, tags: ['x'] }]);
  });

  it("refuses JSON mode text that is not an object, with n8n's message", async () => {
    const node = set(3.4, { mode: 'raw', jsonOutput: '[1, 2]' });
    const { error } = await runNodes([node], [{}]);
    expect(error?.message).toBe("The 'JSON Output' in item 0 does not contain a valid JSON object");
  });

  it('repairs JSON mode text that is not quite JSON, as n8n does', async () => {
    const node = set(3.4, { mode: 'raw', jsonOutput: "{ name: 'x', n: 1, }" });
    expect((await runNodes([node], [{}])).items).toEqual([{ name: 'x', n: 1 }]);
  });

  it('runs v3.2 fields.values entries and keeps all input fields by default', async () => {
    const node = set(3.2, {
      fields: {
        values: [
          { name: 'n', type: 'numberValue', numberValue: '3' },
          { name: 's', stringValue: 'text' },
          { name: 'flag', type: 'booleanValue', booleanValue: 'false' },
          { name: 'o', type: 'objectValue', objectValue: '={ "copy": {{ $json.a }} }' },
        ],
      },
    });
    expect((await runNodes([node], [{ a: 1 }])).items).toEqual([
      { a: 1, n: 3, s: 'text', flag: false, o: { copy: 1 } },
    ]);
  });

  it('turns a failing item into { error } with continue-on-fail', async () => {
    const node = {
      ...set(3.4, assignments(assignment('n', '={{ $json.v }}', 'number'))),
      onError: 'continueRegularOutput' as const,
    };
    const { items, error } = await runNodes([node], [{ v: '2' }, { v: 'no' }]);
    expect(error).toBeUndefined();
    expect(items).toEqual([{ n: 2 }, { error: "'n' expects a number but we got 'no' [item 1]" }]);
  });
});

describe("the built-in hookline.set shares the core nodes' dot-path setter", () => {
  it('writes nested paths and refuses prototype keys', async () => {
    const node: CaseNode = {
      name: 'Set',
      type: 'hookline.set',
      typeVersion: 1,
      parameters: { fields: { 'a.b': '={{ $json.n }}', '__proto__.polluted': 'yes', 'list[0]': 'x' } },
    };
    const { items, error } = await runNodes([node], [{ n: 2 }]);
    expect(error).toBeUndefined();
    expect(items).toEqual([{ n: 2, a: { b: 2 }, list: ['x'] }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('Edit Fields binary options', () => {
  const file = { data: 'aGk=', mimeType: 'text/plain', fileName: 'a.txt' };
  const input = () => [{ json: { a: 1 }, binary: { file } }];
  const setWith = (typeVersion: number, parameters: Record<string, unknown>) => [
    set(typeVersion, { ...assignments(assignment('b', '2', 'number')), ...parameters }),
  ];
  const binaryOf = async (typeVersion: number, parameters: Record<string, unknown>) =>
    (await runWholeItems(setWith(typeVersion, parameters), input()))[0].binary;

  it('v3.4 keeps binary data with other fields, unless told to strip it', async () => {
    expect(await binaryOf(3.4, { includeOtherFields: true })).toEqual({ file });
    expect(await binaryOf(3.4, { includeOtherFields: true, options: { stripBinary: true } })).toBeUndefined();
    expect(await binaryOf(3.4, {})).toBeUndefined();
  });

  it('v3.3 and earlier keep binary data only with includeBinary', async () => {
    expect(await binaryOf(3.3, { includeOtherFields: true })).toBeUndefined();
    expect(await binaryOf(3.3, { options: { includeBinary: true } })).toEqual({ file });
    expect(await binaryOf(3.2, { options: { includeBinary: true } })).toEqual({ file });
  });
});

describe('dates in expressions ($now, $today, DateTime)', () => {
  const zoneOf = (settings?: { timezone?: string }) =>
    runNodes(
      [
        set(
          3.4,
          assignments(
            assignment('now', '={{ $now.zoneName }}', 'string'),
            assignment('today', '={{ $today.zoneName }}', 'string'),
            assignment('made', '={{ DateTime.fromMillis(0).zoneName }}', 'string'),
            assignment('hour', '={{ DateTime.fromMillis(0).hour }}', 'number'),
          ),
        ),
      ],
      [{}],
      undefined,
      settings,
    );

  it("use the workflow's time zone, as the nodes' getTimezone() does", async () => {
    const { items, error } = await zoneOf({ timezone: 'Asia/Tokyo' });
    expect(error).toBeUndefined();
    expect(items).toEqual([{ now: 'Asia/Tokyo', today: 'Asia/Tokyo', made: 'Asia/Tokyo', hour: 9 }]);
  });

  it("use the engine's time zone when the workflow names none (not n8n's default America/New_York)", async () => {
    const engineZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const hour = new Date(0).getHours();
    for (const settings of [undefined, { timezone: 'DEFAULT' }]) {
      const { items } = await zoneOf(settings);
      expect(items).toEqual([{ now: engineZone, today: engineZone, made: engineZone, hour }]);
    }
    // A zone one workflow set does not stay for the next.
    await zoneOf({ timezone: 'Asia/Tokyo' });
    expect((await zoneOf()).items[0].now).toBe(engineZone);
  });
});
