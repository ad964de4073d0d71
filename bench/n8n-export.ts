/**
 * Figure 7: an export-shaped n8n workflow (Webhook v2 → Edit Fields (Set 3.4) → If v2.2 → HTTP
 * Request v4.2 to a local receiver), one JSON file in n8n's export shape, served by Hookline and,
 * where n8n is installed, by n8n 2.8.4 from the same file in the same run (issue 18: ≥ 20× n8n's
 * requests per second). Hookline serves it on its n8n-compatible `/webhook/<path>` route.
 *
 * It needs n8n's core node types in the engine; until they are all registered the figure is
 * skipped with a note naming the missing ones.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeTypeRegistry } from '../engine/workflow/node-types.js';
import { runLoad, type LoadResult } from './load.js';
import type { N8nPeers, N8nPeerWorkflow } from './n8n.js';
import type { BenchOptions } from './options.js';
import { alternate, median, ratio } from './stats.js';
import type { Row } from './table.js';
import { INGRESS_BODY, startEngineProcess } from './workspace.js';

const FIGURE = 'ingress vs n8n: export-shaped workflow (Webhook → Edit Fields → If → HTTP Request)';
const WEBHOOK_PATH = 'bench-export';
const TARGET_RATIO = 20;
const HEADERS = { 'content-type': 'application/json' };

/** The node types and versions the export uses. */
const NEEDED: ReadonlyArray<[string, number]> = [
  ['n8n-nodes-base.webhook', 2],
  ['n8n-nodes-base.set', 3.4],
  ['n8n-nodes-base.if', 2.2],
  ['n8n-nodes-base.httpRequest', 4.2],
];

/** Node types or versions the engine lacks, as `type vN`. */
export function missingNodeTypes(): string[] {
  const registry = createNodeTypeRegistry();
  return NEEDED.filter(([type, version]) => {
    const nodeType = registry.get(type);
    return !nodeType || ![nodeType.description.version].flat().includes(version);
  }).map(([type, version]) => `${type} v${version}`);
}

const node = (name: string, type: string, typeVersion: number, x: number, parameters: Record<string, unknown>) => ({
  id: `b0e0c0d0-0000-4000-8000-00000000000${x / 220}`,
  name,
  type,
  typeVersion,
  position: [x, 0],
  parameters,
});
const link = (to: string, index = 0) => ({ main: [[{ node: to, type: 'main', index }]] });

/** The workflow as n8n's editor exports it; adults go on to the receiver, the rest stop at If. */
export function exportShapedWorkflow(receiverUrl: string) {
  return {
    id: 'hooklineExport01',
    name: 'bench export: Webhook → Edit Fields → If → HTTP Request',
    // Hookline serves an active workflow; n8n imports every file inactive and is published after.
    active: true,
    nodes: [
      {
        ...node('Webhook', 'n8n-nodes-base.webhook', 2, 0, { httpMethod: 'POST', path: WEBHOOK_PATH, options: {} }),
        webhookId: 'b0e0c0d0-0000-4000-8000-0000000000ff',
      },
      node('Edit Fields', 'n8n-nodes-base.set', 3.4, 220, {
        mode: 'manual',
        assignments: {
          assignments: [
            { id: 'f1', name: 'email', value: '={{ $json.body.input_data.email }}', type: 'string' },
            { id: 'f2', name: 'age', value: '={{ $json.body.input_data.age }}', type: 'number' },
            { id: 'f3', name: 'vip', value: "={{ $json.body.input_data.tags.includes('vip') }}", type: 'boolean' },
          ],
        },
        options: {},
      }),
      node('If', 'n8n-nodes-base.if', 2.2, 440, {
        conditions: {
          options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
          conditions: [
            { id: 'c1', leftValue: '={{ $json.age }}', rightValue: 18, operator: { type: 'number', operation: 'gte' } },
          ],
          combinator: 'and',
        },
        options: {},
      }),
      node('HTTP Request', 'n8n-nodes-base.httpRequest', 4.2, 660, {
        method: 'POST',
        url: `${receiverUrl}/adults`,
        sendBody: true,
        specifyBody: 'json',
        jsonBody: '={{ JSON.stringify($json) }}',
        options: {},
      }),
    ],
    connections: { Webhook: link('Edit Fields'), 'Edit Fields': link('If'), If: link('HTTP Request') },
    settings: { executionOrder: 'v1' },
    pinData: {},
  };
}

const load = (url: string, options: BenchOptions, durationSec: number): Promise<LoadResult> =>
  runLoad({
    url,
    headers: HEADERS,
    body: INGRESS_BODY,
    durationSec,
    warmupSec: options.ingress.warmupSec,
    connections: options.ingress.connections,
    maxRequests: options.ingress.maxRequests,
  });

/** One request that must be answered with 2xx before a load is worth measuring. */
async function probe(url: string, who: string): Promise<void> {
  const answer = await fetch(url, { method: 'POST', headers: HEADERS, body: INGRESS_BODY });
  if (!answer.ok) throw new Error(`${who} answered ${answer.status} on ${url}: ${(await answer.text()).slice(0, 200)}`);
}

const row = (hookline: number, baseline: number, note: string): Row => {
  const value = ratio(hookline, baseline);
  return {
    figure: FIGURE,
    hookline,
    baseline,
    unit: 'req/s',
    ratio: value,
    target: `≥ ${TARGET_RATIO}×`,
    pass: Number.isFinite(value) ? value >= TARGET_RATIO : null,
    note,
  };
};

/** The export-shaped workflow as n8n's peer: served at the same path, probed with the load's body. */
export function exportPeer(receiverUrl: string): N8nPeerWorkflow {
  return { workflow: exportShapedWorkflow(receiverUrl), webhookPath: WEBHOOK_PATH, probeBody: INGRESS_BODY };
}

export async function benchN8nExport(options: BenchOptions, peers: N8nPeers): Promise<Row[]> {
  const missing = missingNodeTypes();
  if (missing.length > 0)
    return [row(Number.NaN, Number.NaN, `skipped: the engine does not implement ${missing.join(', ')} yet.`)];
  const folder = mkdtempSync(join(tmpdir(), 'hookline-bench-export-'));
  const receiver = await peers.receiver();
  let hookline: Awaited<ReturnType<typeof startEngineProcess>> | undefined;
  try {
    const workflowsDir = join(folder, 'workflows');
    mkdirSync(workflowsDir);
    const file = join(workflowsDir, 'export.json');
    writeFileSync(file, JSON.stringify(exportShapedWorkflow(String(receiver.info.url)), null, 2));
    hookline = await startEngineProcess({ workflowsDir });
    const ours = `${hookline.url}/webhook/${WEBHOOK_PATH}`;
    await probe(ours, 'Hookline');
    const compare = options.n8n.enabled && peers.installed;
    const durationSec = options.n8n.durationSec;
    const measureOurs = async () => {
      const result = await load(ours, options, durationSec);
      await hookline!.child.call('idle');
      return result;
    };
    if (!compare) {
      const results: LoadResult[] = [];
      for (let round = 0; round < options.n8n.rounds; round++) results.push(await measureOurs());
      const why = options.n8n.enabled ? `n8n not installed (looked for ${peers.binary})` : 'n8n not run in this mode';
      return [row(median(results.map((r) => r.okPerSec)), Number.NaN, `Hookline only: ${why}.`)];
    }
    // The workflow n8n serves is this file's, made for the same receiver (n8n-peers in n8n.ts).
    const theirsUrl = (await peers.n8n()).url(WEBHOOK_PATH);
    const before = (await receiver.call<{ count: number }>('stats')).count;
    const { a, b } = await alternate(options.n8n.rounds, measureOurs, () => load(theirsUrl, options, durationSec));
    const [oursPerSec, theirsPerSec] = [median(a.map((r) => r.okPerSec)), median(b.map((r) => r.okPerSec))];
    const received = (await receiver.call<{ count: number }>('stats')).count - before;
    const summary = (results: LoadResult[]) =>
      results.map((r) => `${r.ok} ok, ${r.failed} failed, p99 ${r.p99Ms} ms`).join('; ');
    options.log(
      `n8n export: hookline ${oursPerSec.toFixed(0)}/s (${summary(a)}), n8n ${theirsPerSec.toFixed(0)}/s (${summary(b)})`,
    );
    return [
      row(
        oursPerSec,
        theirsPerSec,
        `The same exported file in both (${options.ingress.connections} connections, ${durationSec} s × ` +
          `${options.n8n.rounds} rounds, both answer on receipt); the receiver got ${received} HTTP Request calls.`,
      ),
    ];
  } finally {
    await hookline?.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}
