/**
 * A workflow exported from n8n's editor, served as it is: Webhook v2 → Edit Fields 3.4 → If v2 →
 * No Operation (and a Sticky Note), answered with the last node's items; and the same export with
 * both If branches joined by a Merge, which runs once with the branch that had items.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowDefinition } from '../../engine/workflow/types.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

const exported = (): WorkflowDefinition =>
  JSON.parse(
    readFileSync(new URL('../fixtures/n8n/lead-intake-export.json', import.meta.url), 'utf8'),
  ) as WorkflowDefinition;

/** The export, active, answering with the last node's items (n8n's "When Last Node Finishes"). */
function leadIntake(id: string, path: string): WorkflowDefinition {
  const workflow = { ...exported(), id, active: true };
  workflow.nodes[0] = {
    ...workflow.nodes[0],
    parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
  };
  return workflow;
}

/** Hot leads (If true) and cold ones (If false) tagged, then joined again by an append Merge. */
function joined(): WorkflowDefinition {
  const workflow = leadIntake('lead-join', 'lead-join');
  const tag = (name: string, tier: string, y: number) => ({
    id: name,
    name,
    type: 'n8n-nodes-base.set',
    typeVersion: 3.4,
    position: [660, y] as [number, number],
    parameters: {
      assignments: { assignments: [{ id: 't', name: 'tier', value: tier, type: 'string' }] },
      includeOtherFields: true,
      options: {},
    },
  });
  workflow.nodes = [
    ...workflow.nodes.filter((node) => node.name !== 'No Operation, do nothing'),
    tag('Hot', 'hot', -100),
    tag('Cold', 'cold', 100),
    { id: 'm', name: 'Merge', type: 'n8n-nodes-base.merge', typeVersion: 3.2, position: [880, 0], parameters: {} },
  ];
  workflow.connections = {
    ...workflow.connections,
    If: { main: [[{ node: 'Hot', type: 'main', index: 0 }], [{ node: 'Cold', type: 'main', index: 0 }]] },
    Hot: { main: [[{ node: 'Merge', type: 'main', index: 0 }]] },
    Cold: { main: [[{ node: 'Merge', type: 'main', index: 1 }]] },
  };
  return workflow;
}

describe('an n8n export served by the engine', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine({
      workflows: { 'lead-intake.json': leadIntake('lead-intake', 'lead-intake'), 'lead-join.json': joined() },
    });
  }, 60_000);
  afterAll(() => engine.stop());

  const post = (path: string, body: unknown) =>
    fetch(`${engine.url}/webhook/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('runs Webhook → Edit Fields → If → No Operation and answers with the hot lead', async () => {
    const answer = await post('lead-intake', { email: 'ada@example.com', score: 80, extra: 'dropped' });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual([{ email: 'ada@example.com', score: 80 }]);
  });

  it('runs the Merge once with the one branch that had items, for a hot and for a cold lead', async () => {
    const hot = await post('lead-join', { email: 'ada@example.com', score: 80 });
    expect(await hot.json()).toEqual([{ email: 'ada@example.com', score: 80, tier: 'hot' }]);
    const cold = await post('lead-join', { email: 'bob@example.com', score: 10 });
    expect(await cold.json()).toEqual([{ email: 'bob@example.com', score: 10, tier: 'cold' }]);
  });
});
