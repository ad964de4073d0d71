/**
 * The Merge node's "combine by matching fields" (a join of input 1 and input 2), as n8n 2.8 behaves:
 * keep matches (inner join), keep non-matches, keep everything (outer join), enrich input 1 (left
 * join) or input 2 (right join); fields named the same in both inputs or pairs of names; dot
 * notation, fuzzy compare, and all or only the first of several matches.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { ApplicationError } from '../../../node-contract/n8n-runtime.js';
import { getPath } from '../data-path.js';
import { valueComparer, type ValueComparer } from './fuzzy-compare.js';
import { selectMergeMethod, withSuffix, type ClashHandling } from './merge-objects.js';
import { mergeOptions, pairedList, type Inputs } from './merge-modes.js';

interface FieldPair {
  field1: string;
  field2: string;
}

interface Matched {
  entry: INodeExecutionData;
  matches: INodeExecutionData[];
}

interface Matches {
  matched: Matched[];
  /** Input 2's items that matched something, in input 2's order. */
  matched2: INodeExecutionData[];
  unmatched1: INodeExecutionData[];
  unmatched2: INodeExecutionData[];
}

interface MatchOptions {
  joinMode: string;
  outputDataFrom: string;
  disableDotNotation: boolean;
  multipleMatches: string;
  equals: ValueComparer;
}

function fieldPairs(context: IExecuteFunctions): FieldPair[] {
  const pairs = context.getNodeParameter('advanced', 0)
    ? (((context.getNodeParameter('mergeByFields', 0, {}) as IDataObject).values ?? []) as FieldPair[])
    : String(context.getNodeParameter('fieldsToMatchString', 0, ''))
        .split(',')
        .map((name) => ({ field1: name.trim(), field2: name.trim() }));
  if (pairs.length === 1 && pairs[0].field1 === '' && pairs[0].field2 === '')
    throw new ApplicationError('You need to define at least one pair of fields in "Fields to Match" to match on');
  pairs.forEach((pair, index) => {
    if (pair.field1 === '' || pair.field2 === '')
      throw new ApplicationError(
        `You need to define both fields in "Fields to Match" for pair ${index + 1},\n\t\t\t\t field 1 = '${pair.field1}'\n\t\t\t\t field 2 = '${pair.field2}'`,
      );
  });
  return pairs;
}

const fieldOf = (json: IDataObject, field: string, plainKeys: boolean): unknown =>
  plainKeys ? (Object.prototype.hasOwnProperty.call(json, field) ? json[field] : undefined) : getPath(json, field);

function findMatches(
  input1: INodeExecutionData[],
  input2: INodeExecutionData[],
  pairs: FieldPair[],
  options: MatchOptions,
): Matches {
  const result: Matches = { matched: [], matched2: [], unmatched1: [], unmatched2: [] };
  const matchedIn2 = new Set<number>();
  const isMatch = (lookup: Array<[string, unknown]>, candidate: INodeExecutionData): boolean =>
    lookup.every(([field, expected]) =>
      options.equals(expected, fieldOf(candidate.json, field, options.disableDotNotation)),
    );
  for (const entry of input1) {
    const lookup = pairs.map(({ field1, field2 }): [string, unknown] => [
      field2,
      fieldOf(entry.json, field1, options.disableDotNotation),
    ]);
    if (lookup.some(([, value]) => value === undefined)) {
      result.unmatched1.push(entry);
      continue;
    }
    const found: number[] = [];
    for (let index = 0; index < input2.length; index++) {
      if (!isMatch(lookup, input2[index])) continue;
      found.push(index);
      if (options.multipleMatches !== 'all') break;
    }
    found.forEach((index) => matchedIn2.add(index));
    const matches = found.map((index) => input2[index]);
    if (matches.length === 0) result.unmatched1.push(entry);
    else if (options.outputDataFrom === 'both' || options.joinMode.startsWith('enrich'))
      for (const match of matches) result.matched.push({ entry, matches: [match] });
    else result.matched.push({ entry, matches });
  }
  input2.forEach((entry, index) => (matchedIn2.has(index) ? result.matched2 : result.unmatched2).push(entry));
  return result;
}

/** One item per match: input 1's item and its match merged, the clash options deciding who wins. */
function mergeMatched(matched: Matched[], clash: ClashHandling, joinMode?: string): INodeExecutionData[] {
  const merge = selectMergeMethod(clash);
  const resolveClash = clash.resolveClash ?? (joinMode === 'enrichInput2' ? 'preferInput1' : 'preferLast');
  return matched.map(({ entry, matches }) => {
    const pairedItem = [entry, ...matches].flatMap((item) => pairedList(item.pairedItem));
    if (resolveClash === 'addSuffix')
      return { json: merge(withSuffix(entry.json, '1'), ...matches.map((m) => withSuffix(m.json, '2'))), pairedItem };
    if (resolveClash === 'preferInput1') {
      const [first, ...rest] = matches;
      return { json: merge(first.json, ...rest.map((m) => m.json), entry.json), pairedItem };
    }
    if (resolveClash === 'preferLast') return { json: merge(entry.json, ...matches.map((m) => m.json)), pairedItem };
    return { json: {}, pairedItem };
  });
}

const suffixed = (items: INodeExecutionData[], suffix: string, clash: ClashHandling): INodeExecutionData[] =>
  clash.resolveClash === 'addSuffix' ? items.map((item) => ({ ...item, json: withSuffix(item.json, suffix) })) : items;

/** When an input is empty, n8n skips the join: `null` means the node outputs nothing at all. */
function withoutJoin(input1: INodeExecutionData[], input2: INodeExecutionData[], options: MatchOptions): Inputs | null {
  const { joinMode, outputDataFrom } = options;
  if (input1.length > 0 && input2.length > 0) return null;
  if (input1.length === 0 && joinMode === 'keepNonMatches' && outputDataFrom === 'input1') return [[]];
  if (input2.length === 0 && joinMode === 'keepNonMatches' && outputDataFrom === 'input2') return [[]];
  if (joinMode === 'keepMatches') return [];
  if ((joinMode === 'enrichInput1' && input1.length === 0) || (joinMode === 'enrichInput2' && input2.length === 0))
    return [];
  return [[...input1, ...input2]];
}

export function combineByFields(context: IExecuteFunctions, inputs: Inputs): Inputs {
  const pairs = fieldPairs(context);
  const { options, clash } = mergeOptions(context);
  const joinMode = String(context.getNodeParameter('joinMode', 0));
  const matchOptions: MatchOptions = {
    joinMode,
    outputDataFrom: String(context.getNodeParameter('outputDataFrom', 0, 'both')),
    disableDotNotation: options.disableDotNotation === true,
    multipleMatches: typeof options.multipleMatches === 'string' ? options.multipleMatches : 'all',
    equals: valueComparer(options.fuzzyCompare === true),
  };
  const [input1 = [], input2 = []] = inputs;
  const shortcut = withoutJoin(input1, input2, matchOptions);
  if (shortcut) return shortcut;
  const found = findMatches(input1, input2, pairs, matchOptions);
  const from = matchOptions.outputDataFrom;
  if (joinMode === 'keepNonMatches') {
    if (from === 'input1') return [found.unmatched1];
    if (from === 'input2') return [found.unmatched2];
    const tag = (items: INodeExecutionData[], source: string) =>
      items.map((item) => ({ ...item, json: { ...item.json, _source: source } }));
    return [[...tag(found.unmatched1, 'input1'), ...tag(found.unmatched2, 'input2')]];
  }
  if (joinMode === 'keepMatches' || joinMode === 'keepEverything') {
    let output: INodeExecutionData[] = [];
    if (from === 'input1') output = found.matched.map((match) => match.entry);
    if (from === 'input2') output = found.matched2;
    if (from === 'both') output = mergeMatched(found.matched, clash);
    if (joinMode === 'keepEverything')
      output = [...output, ...suffixed(found.unmatched1, '1', clash), ...suffixed(found.unmatched2, '2', clash)];
    return [output];
  }
  if (joinMode === 'enrichInput1' || joinMode === 'enrichInput2') {
    const merged = mergeMatched(found.matched, clash, joinMode);
    const unmatched =
      joinMode === 'enrichInput1' ? suffixed(found.unmatched1, '1', clash) : suffixed(found.unmatched2, '2', clash);
    return [[...merged, ...unmatched]];
  }
  return [[]];
}
