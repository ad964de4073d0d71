/**
 * The differential cases (test/n8n-diff/cases/**.json, format in test/n8n-diff/README.md) and the
 * one workflow each becomes: a Manual Trigger, one source node per feed, then the case's own
 * nodes. The recorder (scripts/n8n-diff.mjs) builds it with n8n's Code node as the source; the
 * comparison test (test/n8n-diff/diff.test.ts) builds the same graph with a test-only source node,
 * so both runs see the same names, positions and connections.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIFF_DIR = fileURLToPath(new URL('../test/n8n-diff/', import.meta.url));
export const CASES_DIR = join(DIFF_DIR, 'cases');
export const GOLDEN_DIR = join(DIFF_DIR, 'golden');

/** The harness's own node names; a case may not use them. */
export const TRIGGER_NAME = 'Manual Trigger';
export const feedName = (index) => `Feed ${index + 1}`;

/** Every `.json` file under `dir`, sorted, as `/`-separated paths relative to it. */
export function listJsonFiles(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.json')) found.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return found.sort();
}

/** Every case file, as paths relative to CASES_DIR (`set/typed.json`). */
export const listCaseFiles = () => listJsonFiles(CASES_DIR);

/**
 * Reads and checks one case. `id` is its path without `.json` (`set/typed`), `family` its first
 * folder; `hash` covers what the case runs, so a golden recorded from an older version is caught.
 */
export function readCase(relativePath) {
  const file = join(CASES_DIR, relativePath);
  const text = readFileSync(file, 'utf8');
  let spec;
  try {
    spec = JSON.parse(text);
  } catch (error) {
    throw new Error(`${relativePath}: not valid JSON: ${error.message}`);
  }
  const problem = caseProblem(spec);
  if (problem) throw new Error(`${relativePath}: ${problem}`);
  const id = relativePath.replace(/\.json$/, '');
  return { id, family: id.split('/')[0], file, spec, feeds: feedsOf(spec), hash: caseHash(spec) };
}

/** What is wrong with a case, in words, or null. */
export function caseProblem(spec) {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return 'a case is a JSON object';
  if (typeof spec.name !== 'string' || spec.name === '') return "'name' must be a non-empty string";
  if (!Array.isArray(spec.nodes) || spec.nodes.length === 0) return "'nodes' must list at least one node";
  if (spec.input !== undefined && spec.feeds !== undefined) return "use 'input' or 'feeds', not both";
  const names = new Set();
  for (const node of spec.nodes) {
    if (!node || typeof node.name !== 'string' || typeof node.type !== 'string')
      return 'every node needs a name and a type';
    if (typeof node.typeVersion !== 'number') return `node '${node.name}' needs a numeric typeVersion`;
    if (names.has(node.name)) return `node name '${node.name}' is used twice`;
    names.add(node.name);
  }
  const feeds = feedsOf(spec);
  for (const [index, feed] of feeds.entries()) {
    if (!names.has(feed.node)) return `feed ${index + 1} goes to '${feed.node}', which is not a case node`;
    if (!Array.isArray(feed.items) || feed.items.some((item) => !item || typeof item.json !== 'object'))
      return `feed ${index + 1}: items must be a list of { "json": {…} }`;
  }
  const harness = [TRIGGER_NAME, ...feeds.map((_, index) => feedName(index))];
  const clash = harness.find((name) => names.has(name));
  if (clash) return `node name '${clash}' is the harness's own; rename the case node`;
  return null;
}

/** `input` is shorthand for one feed into input 0 of the first node; no feed wires the trigger to it. */
export function feedsOf(spec) {
  if (Array.isArray(spec.feeds)) return spec.feeds.map((feed) => ({ input: 0, ...feed }));
  if (Array.isArray(spec.input)) return [{ node: spec.nodes[0].name, input: 0, items: spec.input }];
  return [];
}

export function caseHash(spec) {
  const { nodes, connections = {} } = spec;
  const canonical = JSON.stringify({ nodes, connections, feeds: feedsOf(spec) });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/**
 * The workflow a case runs as, in n8n's JSON shape. `sourceNode(name, items, position)` returns
 * the node that emits a feed's items (n8n: a Code node; Hookline: a test-only node type).
 */
export function caseWorkflow(loaded, { id, sourceNode, triggerType = 'n8n-nodes-base.manualTrigger' }) {
  const { spec, feeds } = loaded;
  const trigger = { name: TRIGGER_NAME, type: triggerType, typeVersion: 1, position: [0, 0], parameters: {} };
  // n8n's v1 order runs a node's children top to bottom: feeds are stacked in the order listed.
  const sources = feeds.map((feed, index) => sourceNode(feedName(index), feed.items, [220, index * 200]));
  const caseNodes = spec.nodes.map((node, index) => ({
    parameters: {},
    position: [440 + index * 220, 0],
    ...node,
  }));
  const nodes = [trigger, ...sources, ...caseNodes].map((node, index) => ({
    id: node.id ?? nodeUuid(id, index),
    ...node,
  }));
  const connections = structuredClone(spec.connections ?? {});
  const link = (from, to, input) => {
    connections[from] ??= { main: [] };
    connections[from].main[0] = [...(connections[from].main[0] ?? []), { node: to, type: 'main', index: input }];
  };
  if (feeds.length === 0) link(TRIGGER_NAME, spec.nodes[0].name, 0);
  feeds.forEach((feed, index) => {
    link(TRIGGER_NAME, feedName(index), 0);
    link(feedName(index), feed.node, feed.input);
  });
  return {
    id,
    name: `diff ${loaded.id}`,
    active: false,
    nodes,
    connections,
    settings: { executionOrder: 'v1' },
    pinData: {},
  };
}

/** A stable UUID-shaped node id per workflow and position. */
function nodeUuid(workflowId, index) {
  const hex = createHash('sha256').update(`${workflowId}/${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Where a case's golden file lives. */
export const goldenPath = (caseId) => join(GOLDEN_DIR, `${caseId}.json`);

/** The golden file of a case, or null when it was never recorded. */
export function readGolden(caseId) {
  const path = goldenPath(caseId);
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
}
