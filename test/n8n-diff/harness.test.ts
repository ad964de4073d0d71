/**
 * The differential harness itself, without n8n: the workflow a case becomes (the same graph for
 * the recorder and the comparison), the checks that refuse a malformed case by name, the golden
 * made from a captured n8n run, and the comparison finding a difference in items or errors.
 */
import { describe, expect, it } from 'vitest';
import { caseProblem, caseWorkflow, readCase, type CaseSpec, type LoadedCase } from '../../scripts/n8n-diff-cases.mjs';
import { goldenOf } from '../../scripts/n8n-diff-golden.mjs';
import { parseArgs } from '../../scripts/n8n-diff.mjs';
import { compareOutcome } from './compare.js';

const noOp = (name: string) => ({ name, type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} });

function loaded(spec: CaseSpec): LoadedCase {
  const feeds = spec.feeds ?? (spec.input ? [{ node: spec.nodes[0].name, input: 0, items: spec.input }] : []);
  return { id: 'test/case', family: 'test', file: '', spec, feeds, hash: 'h' };
}

const source = (name: string, items: unknown, position: [number, number]) => ({
  name,
  type: 'source',
  typeVersion: 1,
  position,
  parameters: { items },
});

describe('the workflow a case becomes', () => {
  it('puts a Manual Trigger and one source per feed before the case nodes, wired to the inputs named', () => {
    const workflow = caseWorkflow(
      loaded({
        name: 'two feeds',
        feeds: [
          { node: 'Merge', input: 1, items: [{ json: { b: 1 } }] },
          { node: 'Merge', input: 0, items: [{ json: { a: 1 } }] },
        ],
        nodes: [{ name: 'Merge', type: 'n8n-nodes-base.merge', typeVersion: 3, parameters: {} }],
      }),
      { id: 'wf1', sourceNode: source },
    );
    expect(workflow.nodes.map((node) => node.name)).toEqual(['Manual Trigger', 'Feed 1', 'Feed 2', 'Merge']);
    expect(workflow.connections['Manual Trigger'].main[0]!.map((target) => target.node)).toEqual(['Feed 1', 'Feed 2']);
    expect(workflow.connections['Feed 1'].main[0]).toEqual([{ node: 'Merge', type: 'main', index: 1 }]);
    expect(workflow.connections['Feed 2'].main[0]).toEqual([{ node: 'Merge', type: 'main', index: 0 }]);
    // Feeds stacked top to bottom in the order listed: n8n's v1 order runs them so.
    expect(workflow.nodes[1].position[1]).toBeLessThan(workflow.nodes[2].position[1]);
    expect(new Set(workflow.nodes.map((node) => node.id)).size).toBe(4);
  });

  it('wires the trigger straight to the first node when the case has no input', () => {
    const workflow = caseWorkflow(loaded({ name: 'plain', nodes: [noOp('Only')] }), { id: 'wf2', sourceNode: source });
    expect(workflow.connections['Manual Trigger'].main[0]).toEqual([{ node: 'Only', type: 'main', index: 0 }]);
    expect(workflow.settings).toEqual({ executionOrder: 'v1' });
  });
});

describe('a malformed case is refused by name', () => {
  it.each<[string, unknown, RegExp]>([
    ['not an object', [], /a JSON object/],
    ['no nodes', { name: 'x', nodes: [] }, /'nodes' must list at least one node/],
    ['input and feeds', { name: 'x', input: [], feeds: [], nodes: [noOp('A')] }, /not both/],
    ['no version', { name: 'x', nodes: [{ name: 'A', type: 't' }] }, /'A' needs a numeric typeVersion/],
    ['a name twice', { name: 'x', nodes: [noOp('A'), noOp('A')] }, /'A' is used twice/],
    ['a feed to nowhere', { name: 'x', feeds: [{ node: 'B', items: [] }], nodes: [noOp('A')] }, /not a case node/],
    ['items without json', { name: 'x', input: [{ a: 1 }], nodes: [noOp('A')] }, /items must be a list/],
    ['the harness name', { name: 'x', nodes: [noOp('Manual Trigger')] }, /harness's own/],
  ])('%s', (_, spec, problem) => {
    expect(caseProblem(spec)).toMatch(problem);
  });

  it('accepts the committed cases', () => {
    expect(readCase('manualTrigger/trigger-item.json').id).toBe('manualTrigger/trigger-item');
  });
});

describe('the golden made from a captured n8n run', () => {
  const spec: CaseSpec = { name: 'x', input: [], nodes: [noOp('A'), noOp('B'), noOp('Never')] };

  it('keeps item JSON per output, joins several runs, leaves out nodes that never ran', () => {
    const golden = goldenOf(loaded(spec), {
      runData: {
        'Feed 1': [{ main: [[{ json: { skip: true } }]] }],
        A: [{ main: [[{ json: { a: 1 }, pairedItem: { item: 0 } }], []] }],
        B: [{ main: [[{ json: { b: 1 } }]] }, { main: [[{ json: { b: 2 } }]] }],
      },
    });
    expect(golden.outputs).toEqual({ A: [[{ json: { a: 1 } }], []], B: [[{ json: { b: 1 } }, { json: { b: 2 } }]] });
    expect(golden.runs).toEqual({ B: 2 });
    expect(golden.error).toBeUndefined();
  });

  it('records the node and message that stopped the run', () => {
    const golden = goldenOf(loaded(spec), {
      runData: { A: [{ main: null, error: { message: 'boom' } }] },
      error: { message: 'boom', description: 'why', node: 'A' },
    });
    expect(golden.outputs).toEqual({});
    expect(golden.error).toEqual({ node: 'A', message: 'boom', description: 'why' });
  });
});

describe('the comparison', () => {
  const spec: CaseSpec = { name: 'x', nodes: [noOp('A')] };
  const golden = { n8n: '2.8.4', case: 'h', outputs: { A: [[{ json: { a: 1 } }], []] } };

  it('takes trailing empty outputs and no outputs at all as the same', () => {
    expect(compareOutcome(loaded(spec), golden, { outputs: { A: [[{ a: 1 }]] } })).toBeNull();
    expect(compareOutcome(loaded(spec), { ...golden, outputs: { A: [[], []] } }, { outputs: {} })).toBeNull();
  });

  it('names the node and output whose items differ', () => {
    expect(compareOutcome(loaded(spec), golden, { outputs: { A: [[{ a: 2 }]] } })).toMatch(/'A' output 0/);
    expect(compareOutcome(loaded(spec), golden, { outputs: { A: [[{ a: 1 }], [{ a: 1 }]] } })).toMatch(/output 1/);
  });

  it('compares the error node and message', () => {
    const failing = { ...golden, outputs: {}, error: { node: 'A', message: 'boom' } };
    expect(compareOutcome(loaded(spec), failing, { outputs: {}, error: { node: 'A', message: 'boom' } })).toBeNull();
    expect(compareOutcome(loaded(spec), failing, { outputs: {} })).toMatch(/Hookline did not fail/);
    expect(compareOutcome(loaded(spec), failing, { outputs: {}, error: { node: 'A', message: 'bang' } })).toMatch(
      /error: n8n/,
    );
    expect(compareOutcome(loaded(spec), golden, new Error('refused'))).toMatch(/could not run it: refused/);
  });
});

describe('the recorder command line', () => {
  it('takes families, cases and modes, and refuses anything else', () => {
    expect(parseArgs(['--family', 'set', '--family=if', '--case', 'x.json', '--check'])).toEqual({
      families: ['set', 'if'],
      cases: ['x.json'],
      check: true,
      keep: false,
    });
    expect(() => parseArgs(['--everything'])).toThrow(/unknown argument '--everything'/);
  });
});
