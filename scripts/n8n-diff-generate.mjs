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
import { conditionArb, ITEMS_ARB, sortFieldArb, setParametersArb } from './n8n-diff-arbitraries.mjs';

/** Changing the seed or the counts rewrites every generated case; record their goldens again after. */
export const SEED = 18_2026;
const COUNTS = { if: 40, filter: 30, set: 32, sort: 12, limit: 8 };
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
  sort: fc
    .record({
      items: ITEMS_ARB,
      fields: fc.uniqueArray(sortFieldArb, { minLength: 1, maxLength: 2, selector: (field) => field.fieldName }),
      disableDotNotation: fc.boolean(),
    })
    .map(({ items, fields, disableDotNotation }) => ({
      name: `generated sort: ${fields.map((f) => `${f.fieldName} ${f.order}`).join(', ')}`,
      input: items,
      nodes: [
        node('Sort', 'n8n-nodes-base.sort', 1, {
          type: 'simple',
          sortFieldsUi: { sortField: fields },
          options: { disableDotNotation },
        }),
      ],
    })),
  limit: fc
    .record({
      items: ITEMS_ARB,
      maxItems: fc.integer({ min: 1, max: 6 }),
      keep: fc.constantFrom('firstItems', 'lastItems'),
    })
    .map(({ items, maxItems, keep }) => ({
      name: `generated limit: ${keep} ${maxItems}`,
      input: items,
      nodes: [node('Limit', 'n8n-nodes-base.limit', 1, { maxItems, keep })],
    })),
};

function node(name, type, typeVersion, parameters) {
  return { name, type, typeVersion, parameters };
}

/** The generated cases by relative path (`generated/if/if-001.json`), each with its connections. */
export function generateCases() {
  const cases = new Map();
  Object.entries(COUNTS).forEach(([kind, count], kindIndex) => {
    const samples = fc.sample(GENERATORS[kind], { seed: SEED + kindIndex, numRuns: count });
    samples.forEach((spec, index) => {
      cases.set(`generated/${kind}/${kind}-${String(index + 1).padStart(3, '0')}.json`, { ...spec, connections: {} });
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
