/**
 * Loading what n8n's editor exports: every export field is accepted, an unsupported node type or
 * version is refused by name with what the engine supports, and n8n's AI connections and
 * connections to a sticky note are refused.
 */
import { readFileSync } from 'node:fs';
import type { INodeType } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { loadWorkflowTexts } from '../../../engine/workflow/loader.js';
import { createNodeTypeRegistry } from '../../../engine/workflow/node-types.js';
import type { NodeTypeRegistry, WorkflowDefinition } from '../../../engine/workflow/types.js';
import { validateWorkflow, workflowWarnings } from '../../../engine/workflow/validate.js';
import { testNodeType } from '../../fixtures/node-types.js';

const EXPORT_PATH = new URL('../../fixtures/n8n/lead-intake-export.json', import.meta.url);
const readExport = (): WorkflowDefinition => JSON.parse(readFileSync(EXPORT_PATH, 'utf8')) as WorkflowDefinition;

const engineRegistry = createNodeTypeRegistry();

/**
 * The engine's registry plus a stand-in for each type of the export it does not implement yet
 * (while the Webhook and If nodes live on other branches); once they exist, the real ones are used.
 */
function registryWithStandIns(): NodeTypeRegistry {
  const standIns: Record<string, INodeType> = {
    'n8n-nodes-base.webhook': testNodeType('webhook', async () => [], {
      group: ['trigger'],
      version: [1, 2],
      inputs: [],
    }),
    'n8n-nodes-base.if': testNodeType('if', async () => [], { version: [2], outputs: ['main', 'main'] }),
  };
  const missing = Object.entries(standIns).filter(([type]) => !engineRegistry.has(type));
  return createNodeTypeRegistry(Object.fromEntries(missing));
}

describe('an n8n export (Webhook v2 → Edit Fields 3.4 → If v2 → No Operation, and a Sticky Note)', () => {
  it('validates once every node type it uses is implemented, export fields and all', () => {
    const registry = registryWithStandIns();
    const text = readFileSync(EXPORT_PATH, 'utf8');
    const { workflows, problems, warnings } = loadWorkflowTexts([{ file: 'lead-intake.json', text }], registry);
    expect(problems).toEqual([]);
    expect(warnings).toEqual([]);
    expect(workflows.map((workflow) => [workflow.id, workflow.name, workflow.active])).toEqual([
      ['LeadIntake01', 'Lead intake', false],
    ]);
  });

  it('refuses types the engine lacks by node, type and version, listing what it supports', () => {
    const workflow = readExport();
    workflow.nodes[0] = { ...workflow.nodes[0], type: 'n8n-nodes-base.typeformTrigger', typeVersion: 1.1 };
    workflow.nodes[2] = { ...workflow.nodes[2], type: 'n8n-nodes-base.airtable', typeVersion: 2.1 };
    const problems = validateWorkflow(workflow, engineRegistry);
    expect(problems.map((problem) => problem.pointer)).toEqual(['/nodes/0/type', '/nodes/2/type', '/nodes']);
    const [trigger, airtable, noTrigger] = problems.map((problem) => problem.message);
    expect(trigger).toMatch(/^unknown node type 'n8n-nodes-base.typeformTrigger' \(version 1.1\) of node 'Webhook'; /);
    expect(airtable).toMatch(/^unknown node type 'n8n-nodes-base.airtable' \(version 2.1\) of node 'If'; /);
    for (const message of [trigger, airtable]) {
      expect(message).toContain('the engine supports: ');
      expect(message).toContain('n8n-nodes-base.merge (3, 3.1, 3.2)');
      expect(message).toContain('n8n-nodes-base.stickyNote (1)');
      expect(message).toContain('n8n-nodes-base.set (');
    }
    // Not just "no trigger": the start node it could not run is named.
    expect(noTrigger).toBe(
      "workflow has no trigger node, so nothing can start it: its start node 'Webhook' " +
        '(n8n-nodes-base.typeformTrigger version 1.1) has a type or version the engine does not support',
    );
  });

  it('refuses a version of a known type it does not implement, naming the versions it runs', () => {
    const workflow = readExport();
    workflow.nodes[1] = { ...workflow.nodes[1], typeVersion: 9 };
    const problem = validateWorkflow(workflow, registryWithStandIns()).find(
      (p) => p.pointer === '/nodes/1/typeVersion',
    );
    expect(problem?.message).toMatch(
      /^node 'Edit Fields' has type 'n8n-nodes-base.set' version 9, which the engine does not support \(it runs versions [\d., ]+ of that type\); the engine supports: /,
    );
  });

  it('refuses a Merge in a mode the engine does not implement (SQL query), by name', () => {
    const workflow = readExport();
    workflow.nodes.push({
      id: 'm',
      name: 'Merge',
      type: 'n8n-nodes-base.merge',
      typeVersion: 3.2,
      position: [660, 100],
      parameters: { mode: 'combineBySql', query: 'SELECT * FROM input1' },
    });
    expect(validateWorkflow(workflow, registryWithStandIns())).toEqual([
      {
        pointer: '/nodes/5/parameters',
        message:
          "node 'Merge' (n8n-nodes-base.merge v3.2): mode 'combineBySql' is not supported; the engine runs append, combine, chooseBranch",
      },
    ]);
  });

  it("refuses n8n's AI connection types and connections to a sticky note", () => {
    const workflow = readExport();
    workflow.connections['Edit Fields'] = {
      ...workflow.connections['Edit Fields'],
      ai_tool: [[{ node: 'If', type: 'ai_tool' as 'main', index: 0 }]],
    } as WorkflowDefinition['connections'][string];
    workflow.connections.If.main![1] = [{ node: 'Sticky Note', type: 'main', index: 0 }];
    expect(validateWorkflow(workflow, registryWithStandIns())).toEqual([
      {
        pointer: '/connections/Edit Fields/ai_tool',
        message:
          "connection type 'ai_tool' from 'Edit Fields' is not supported: the engine runs 'main' connections only (n8n's AI sub-nodes use the others)",
      },
      {
        pointer: '/connections/If/main/1/0/node',
        message: "connection from 'If' to 'Sticky Note': node 'Sticky Note' (n8n-nodes-base.stickyNote) has no inputs",
      },
    ]);
  });

  it("warns of n8n's legacy execution order, pinned data and a disabled node of an unknown type", () => {
    const workflow = readExport();
    workflow.settings = { executionOrder: 'v0' };
    workflow.pinData = { Webhook: [{ json: { body: {} } }] };
    workflow.nodes.push({ ...workflow.nodes[3], id: 'x', name: 'Old', type: 'acme.gone', disabled: true });
    const registry = registryWithStandIns();
    expect(validateWorkflow(workflow, registry)).toEqual([]);
    expect(workflowWarnings(workflow, registry).map((warning) => warning.pointer)).toEqual([
      '/settings/executionOrder',
      '/pinData',
      '/nodes/5/type',
    ]);
  });

  it('takes an older export whose workflow id is a number', () => {
    const workflow = { ...readExport(), id: 42 };
    const registry = registryWithStandIns();
    const { workflows, problems } = loadWorkflowTexts([{ file: 'old.json', text: JSON.stringify(workflow) }], registry);
    expect(problems).toEqual([]);
    expect(workflows[0].id).toBe('42');
  });
});
