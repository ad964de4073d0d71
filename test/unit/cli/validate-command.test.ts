/**
 * `hookline validate` on an n8n export: each refusal printed as `file:pointer: message`, naming the
 * node, its type and version and what the engine supports, and a failing exit code.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { main } from '../../../engine/cli.js';
import { makeTempDir, type TempDir } from '../../helpers/temp.js';

let temp: TempDir;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.remove());

const exported = () =>
  JSON.parse(readFileSync(new URL('../../fixtures/n8n/lead-intake-export.json', import.meta.url), 'utf8')) as {
    nodes: Array<{ type: string; typeVersion: number }>;
  };

function capture() {
  const lines: string[] = [];
  return { lines, io: { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) } };
}

it('prints every unsupported node by name, type and version, with the supported types, and fails', async () => {
  const workflow = exported();
  workflow.nodes[0].type = 'n8n-nodes-base.typeformTrigger';
  workflow.nodes[2].type = 'n8n-nodes-base.airtable';
  const file = temp.file('lead-intake.json', workflow);
  const { lines, io } = capture();
  expect(await main(['validate', file], io)).not.toBe(0);
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(
    new RegExp(
      `^${file}:/nodes/0/type: unknown node type 'n8n-nodes-base.typeformTrigger' \\(version 2\\) of node 'Webhook'; the engine supports: .*n8n-nodes-base.merge \\(3, 3.1, 3.2\\)`,
    ),
  );
  expect(lines[1]).toMatch(
    new RegExp(`^${file}:/nodes/2/type: unknown node type 'n8n-nodes-base.airtable' \\(version 2\\) of node 'If'`),
  );
  expect(lines[2]).toBe(
    `${file}:/nodes: workflow has no trigger node, so nothing can start it: its start node 'Webhook' (n8n-nodes-base.typeformTrigger version 2) has a type or version the engine does not support`,
  );
});

it('prints the warnings of a workflow that loads (legacy execution order) and succeeds', async () => {
  const file = temp.file('start.json', {
    name: 'start',
    settings: { executionOrder: 'v0' },
    nodes: [{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }],
    connections: {},
  });
  const { lines, io } = capture();
  expect(await main(['validate', file], io)).toBe(0);
  expect(lines).toEqual([
    `${file}:/settings/executionOrder: warning: execution order 'v0' is not supported; the workflow runs in n8n's v1 order (branches one after another, top to bottom)`,
    '1 workflow(s) valid',
  ]);
});
