/**
 * A golden file from one n8n run (what scripts/n8n-diff-capture.mjs wrote): each case node's
 * outputs, items as `{ json }`, and the error that stopped the run. Written with the repo's
 * Prettier settings, so `prettier --check` passes on recorded files.
 */
import { GOLDEN_DIR, listJsonFiles } from './n8n-diff-cases.mjs';
import { N8N_VERSION } from './n8n-install.mjs';

/**
 * `outputs[node][i]` holds the items of output i; a node n8n ran more than once (several incoming
 * branches) has its runs' items concatenated and its run count in `runs`. Nodes n8n never ran
 * are absent.
 */
export function goldenOf(entry, capture) {
  const outputs = {};
  const runs = {};
  for (const { name } of entry.spec.nodes) {
    const tasks = capture.runData[name];
    if (!tasks) continue;
    const nodeOutputs = [];
    for (const task of tasks) {
      (task.main ?? []).forEach((items, index) => {
        nodeOutputs[index] = [...(nodeOutputs[index] ?? []), ...(items ?? []).map((item) => ({ json: item.json }))];
      });
    }
    if (tasks.every((task) => task.error && !task.main)) continue;
    outputs[name] = Array.from(nodeOutputs, (items) => items ?? []);
    if (tasks.length > 1) runs[name] = tasks.length;
  }
  const golden = { n8n: N8N_VERSION, case: entry.hash, outputs };
  if (Object.keys(runs).length > 0) golden.runs = runs;
  if (capture.error) {
    const { node, message, description } = capture.error;
    golden.error = { node: node ?? capture.lastNodeExecuted ?? '', message };
    if (description) golden.error.description = description;
  }
  return golden;
}

/** The golden as the file holds it: JSON in the repo's Prettier style. */
export async function goldenText(golden, path) {
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(path)) ?? {};
  return prettier.format(JSON.stringify(golden), { ...config, parser: 'json', filepath: path });
}

/** Golden ids (`set/typed`) whose case file is gone. */
export function orphanGoldens(caseIds) {
  return listJsonFiles(GOLDEN_DIR)
    .map((path) => path.replace(/\.json$/, ''))
    .filter((id) => !caseIds.has(id));
}
