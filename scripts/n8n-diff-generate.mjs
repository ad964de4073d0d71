#!/usr/bin/env node
/**
 * Writes the generated differential cases (test/n8n-diff/cases/generated/<node>/<node>-NNN.json):
 * fast-check, from a fixed seed, builds random items and random If v2.2 / Filter v2.2 conditions
 * (n8n's filter model: every operator type, strict or loose type validation, case sensitivity),
 * Set v3.4 manual assignments (typed, dotted names, include modes), Sort keys and Limits. Their
 * goldens come from n8n like any other case (`node scripts/n8n-diff.mjs --family generated`).
 *
 * Usage: `node scripts/n8n-diff-generate.mjs` (replaces cases/generated/ wholesale).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { CASES_DIR } from './n8n-diff-cases.mjs';
import { conditionArb, FULL_ITEMS_ARB, ITEMS_ARB, sortFieldArb, setParametersArb } from './n8n-diff-arbitraries.mjs';

/** Changing the seed or the counts rewrites every generated case; record their goldens again after. */
export const SEED = 18_2026;
const COUNTS = { if: 45, filter: 35, set: 40, sort: 15, limit: 10, pipeline: 30 };
const GENERATED_DIR = join(CASES_DIR, 'generated');

const filterParameters = fc.record({
  conditions: fc.array(conditionArb, { minLength: 1, maxLength: 3 }),
  combinator: fc.constantFrom('and', 'or'),
  loose: fc.boolean(),
  ignoreCase: fc.boolean(),
});

/** n8n's filter parameter as the editor saves it for If/Filter v2.2. */
function filterNodeParameters({ conditions, combinator, loose, ignoreCase }) {
  return {
    conditions: {
      options: { caseSensitive: !ignoreCase, leftValue: '', typeValidation: loose ? 'loose' : 'strict', version: 2 },
      conditions: conditions.map((condition, index) => ({ id: `c${index + 1}`, ...condition })),
      combinator,
    },
    looseTypeValidation: loose,
    options: { ignoreCase },
  };
}

const sortParameters = fc
  .record({
    fields: fc.uniqueArray(sortFieldArb, { minLength: 1, maxLength: 2, selector: (field) => field.fieldName }),
    disableDotNotation: fc.boolean(),
  })
  .map(({ fields, disableDotNotation }) => ({
    type: 'simple',
    sortFieldsUi: { sortField: fields },
    options: { disableDotNotation },
  }));

const limitParameters = fc.record({
  maxItems: fc.integer({ min: 1, max: 6 }),
  keep: fc.constantFrom('firstItems', 'lastItems'),
});

/** One stage of a generated pipeline: a node kind, its type and version, and its parameters. */
const stageArb = fc.oneof(
  setParametersArb.map((parameters) => ({ kind: 'Set', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters })),
  filterParameters.map((filter) => ({
    kind: 'If',
    type: 'n8n-nodes-base.if',
    typeVersion: 2.2,
    parameters: filterNodeParameters(filter),
  })),
  filterParameters.map((filter) => ({
    kind: 'Filter',
    type: 'n8n-nodes-base.filter',
    typeVersion: 2.2,
    parameters: filterNodeParameters(filter),
  })),
  sortParameters.map((parameters) => ({ kind: 'Sort', type: 'n8n-nodes-base.sort', typeVersion: 1, parameters })),
  limitParameters.map((parameters) => ({ kind: 'Limit', type: 'n8n-nodes-base.limit', typeVersion: 1, parameters })),
);

const describeConditions = ({ conditions, combinator, loose, ignoreCase }) =>
  `${conditions.map((c) => `${c.operator.type}.${c.operator.operation}`).join(` ${combinator} `)}` +
  `${loose ? ', loose' : ', strict'}${ignoreCase ? ', ignore case' : ''}`;

const GENERATORS = {
  if: fc.record({ items: ITEMS_ARB, filter: filterParameters }).map(({ items, filter }) => ({
    name: `generated if: ${describeConditions(filter)}`,
    input: items,
    nodes: [node('If', 'n8n-nodes-base.if', 2.2, filterNodeParameters(filter))],
  })),
  filter: fc.record({ items: ITEMS_ARB, filter: filterParameters }).map(({ items, filter }) => ({
    name: `generated filter: ${describeConditions(filter)}`,
    input: items,
    nodes: [node('Filter', 'n8n-nodes-base.filter', 2.2, filterNodeParameters(filter))],
  })),
  set: fc.record({ items: ITEMS_ARB, parameters: setParametersArb }).map(({ items, parameters }) => ({
    name: `generated set: ${parameters.assignments.assignments.map((a) => `${a.name}:${a.type}`).join(', ')}`,
    input: items,
    nodes: [node('Edit Fields', 'n8n-nodes-base.set', 3.4, parameters)],
  })),
  sort: fc.record({ items: FULL_ITEMS_ARB, parameters: sortParameters }).map(({ items, parameters }) => ({
    name: `generated sort: ${parameters.sortFieldsUi.sortField.map((f) => `${f.fieldName} ${f.order}`).join(', ')}`,
    input: items,
    nodes: [node('Sort', 'n8n-nodes-base.sort', 1, parameters)],
  })),
  limit: fc.record({ items: ITEMS_ARB, parameters: limitParameters }).map(({ items, parameters }) => ({
    name: `generated limit: ${parameters.keep} ${parameters.maxItems}`,
    input: items,
    nodes: [node('Limit', 'n8n-nodes-base.limit', 1, parameters)],
  })),
  pipeline: fc
    .record({ items: FULL_ITEMS_ARB, stages: fc.array(stageArb, { minLength: 2, maxLength: 4 }) })
    .map(({ items, stages }) => pipeline(items, stages)),
};

/**
 * A chain of stages, each fed by the one before; an If's false branch ends in a No Operation node
 * of its own (so both branches are compared), its true branch goes on.
 */
function pipeline(items, stages) {
  const nodes = [];
  const connections = {};
  let previous = null;
  stages.forEach(({ kind, type, typeVersion, parameters }, index) => {
    const name = `${kind} ${index + 1}`;
    nodes.push({ ...node(name, type, typeVersion, parameters), position: [440 + index * 220, 0] });
    if (previous)
      connections[previous] = {
        main: [[{ node: name, type: 'main', index: 0 }], ...(connections[previous]?.main.slice(1) ?? [])],
      };
    if (kind === 'If') {
      const otherwise = `Else ${index + 1}`;
      nodes.push({ ...node(otherwise, 'n8n-nodes-base.noOp', 1, {}), position: [660 + index * 220, 200] });
      connections[name] = { main: [[], [{ node: otherwise, type: 'main', index: 0 }]] };
    }
    previous = name;
  });
  return {
    name: `generated pipeline: ${stages.map((stage) => stage.kind).join(' → ')}`,
    input: items,
    nodes,
    connections,
  };
}

function node(name, type, typeVersion, parameters) {
  return { name, type, typeVersion, parameters };
}

/** The generated cases by relative path (`generated/if/if-001.json`), each with its connections. */
export function generateCases() {
  const cases = new Map();
  Object.entries(COUNTS).forEach(([kind, count], kindIndex) => {
    const samples = fc.sample(GENERATORS[kind], { seed: SEED + kindIndex, numRuns: count });
    samples.forEach((spec, index) => {
      cases.set(`generated/${kind}/${kind}-${String(index + 1).padStart(3, '0')}.json`, {
        ...spec,
        connections: spec.connections ?? {},
      });
    });
  });
  return cases;
}

async function main() {
  const prettier = await import('prettier');
  rmSync(GENERATED_DIR, { recursive: true, force: true });
  const cases = generateCases();
  for (const [path, spec] of cases) {
    const file = join(CASES_DIR, path);
    mkdirSync(join(file, '..'), { recursive: true });
    const config = (await prettier.resolveConfig(file)) ?? {};
    writeFileSync(file, await prettier.format(JSON.stringify(spec), { ...config, parser: 'json', filepath: file }));
  }
  console.error(`n8n-diff-generate: wrote ${cases.size} cases under ${GENERATED_DIR}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
