/**
 * n8n's v1 execution order in the graph runner: depth first, the top-left branch first, a node with
 * several inputs (Merge) run once with all of them, or with what it has once nothing else can run.
 */
import fc from 'fast-check';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { n8nWorkflowFor } from '../../../engine/workflow/expressions.js';
import { toLoaded } from '../../../engine/workflow/loader.js';
import { createNodeTypeRegistry } from '../../../engine/workflow/node-types.js';
import { ExecutionOrder } from '../../../engine/workflow/run-order.js';
import { runGraph } from '../../../engine/workflow/runner.js';
import type { WorkflowConnections, WorkflowNodeDefinition } from '../../../engine/workflow/types.js';
import { validateWorkflow } from '../../../engine/workflow/validate.js';
import { testNodeType } from '../../fixtures/node-types.js';
import { node } from '../../fixtures/workflows.js';

/** Emits its `items` parameter (JSON objects), whatever came in. */
const emitType = testNodeType(
  'emit',
  async function (this: IExecuteFunctions) {
    return [(this.getNode().parameters.items as IDataObject[]).map((json) => ({ json }))];
  },
  { properties: [{ displayName: 'Items', name: 'items', type: 'json', default: [] }] },
);

/** Reports what each of its two inputs held. */
const inputsType = testNodeType(
  'inputs',
  async function (this: IExecuteFunctions) {
    const count = (index: number) => this.getInputData(index).length;
    return [[{ json: { first: count(0), second: count(1) } }]];
  },
  { inputs: ['main', 'main'] },
);

const registry = createNodeTypeRegistry({ 'test.emit': emitType, 'test.inputs': inputsType });

const emit = (name: string, items: IDataObject[], position: [number, number] = [0, 0]) =>
  node(name, 'test.emit', { items }, { position });
const noOp = (name: string, position: [number, number] = [0, 0], extra: Partial<WorkflowNodeDefinition> = {}) =>
  node(name, 'n8n-nodes-base.noOp', {}, { position, ...extra });
const merge = (parameters: Record<string, unknown> = {}, extra: Partial<WorkflowNodeDefinition> = {}) =>
  node('Merge', 'n8n-nodes-base.merge', parameters, { typeVersion: 3.2, position: [600, 0], ...extra });
const link = (target: string, index = 0) => ({ node: target, type: 'main' as const, index });

async function run(nodes: WorkflowNodeDefinition[], connections: WorkflowConnections, start: IDataObject[] = [{}]) {
  const definition = { name: 'order', nodes: [node('Start', 'n8n-nodes-base.manualTrigger'), ...nodes], connections };
  expect(validateWorkflow(definition, registry)).toEqual([]);
  const result = await runGraph({
    workflow: toLoaded(definition, null),
    registry,
    executionId: 'exec_order',
    startNode: 'Start',
    startOutput: [start.map((json): INodeExecutionData => ({ json }))],
    resolveCredential: async () => null,
    hookline: {} as never,
    log: pino({ level: 'silent' }),
  });
  expect(result.error).toBeUndefined();
  const outputOf = (name: string) => result.ends.filter((end) => end.node === name).map((end) => end.items);
  return { order: result.steps.map((step) => step.node), outputOf, result };
}

describe("n8n's v1 execution order", () => {
  it('runs one branch to its end before the next (depth first), the upper branch first', async () => {
    const { order } = await run(
      [
        noOp('Lower', [200, 200]),
        noOp('Lower end', [400, 200]),
        noOp('Upper', [200, -100]),
        noOp('Upper end', [400, -100]),
      ],
      {
        Start: { main: [[link('Lower'), link('Upper')]] },
        Lower: { main: [[link('Lower end')]] },
        Upper: { main: [[link('Upper end')]] },
      },
    );
    expect(order).toEqual(['Upper', 'Upper end', 'Lower', 'Lower end']);
  });

  it('runs the left one of two children at the same height first, whatever the output order', async () => {
    const { order } = await run([noOp('Right', [400, 0]), noOp('Left', [200, 0])], {
      Start: { main: [[link('Right'), link('Left')]] },
    });
    expect(order).toEqual(['Left', 'Right']);
  });

  it('runs children on the same spot last-connected first, as n8n does', async () => {
    const { order } = await run([noOp('One'), noOp('Two')], { Start: { main: [[link('One'), link('Two')]] } });
    expect(order).toEqual(['Two', 'One']);
  });

  it('runs a node twice when two branches feed the same single input', async () => {
    const { order, outputOf } = await run([noOp('A', [200, 0]), noOp('B', [200, 200]), noOp('Join', [400, 0])], {
      Start: { main: [[link('A'), link('B')]] },
      A: { main: [[link('Join')]] },
      B: { main: [[link('Join')]] },
    });
    expect(order).toEqual(['A', 'Join', 'B', 'Join']);
    expect(outputOf('Join')).toHaveLength(2);
  });
});

describe('nodes with several inputs', () => {
  const twoFeeds = (second: IDataObject[]) => ({
    nodes: [emit('One', [{ a: 1 }, { a: 2 }], [200, 0]), emit('Two', second, [200, 200])],
    connections: {
      Start: { main: [[link('One'), link('Two')]] },
      One: { main: [[link('Merge', 0)]] },
      Two: { main: [[link('Merge', 1)]] },
    },
  });

  it('runs a Merge once, with the items of both inputs, after both arrived', async () => {
    const { nodes, connections } = twoFeeds([{ b: 1 }]);
    const { order, outputOf } = await run([...nodes, merge()], connections);
    expect(order).toEqual(['One', 'Two', 'Merge']);
    expect(outputOf('Merge')).toEqual([[{ a: 1 }, { a: 2 }, { b: 1 }]]);
  });

  it('runs a waiting Merge with what it has once no other input can arrive', async () => {
    const { nodes, connections } = twoFeeds([]);
    const { order, outputOf } = await run([...nodes, merge()], connections);
    expect(order).toEqual(['One', 'Two', 'Merge']);
    expect(outputOf('Merge')).toEqual([[{ a: 1 }, { a: 2 }]]);
  });

  it('never runs a Choose Branch merge that lacks one input (its required inputs)', async () => {
    const { nodes, connections } = twoFeeds([]);
    const { order } = await run([...nodes, merge({ mode: 'chooseBranch', useDataOfInput: 1 })], connections);
    expect(order).toEqual(['One', 'Two']);
  });

  it('runs the other branches before a partial Merge, then the Merge once', async () => {
    const { nodes, connections } = twoFeeds([]);
    const { order } = await run([...nodes, merge(), noOp('Later', [200, 400])], {
      ...connections,
      Start: { main: [[link('One'), link('Two'), link('Later')]] },
    });
    expect(order).toEqual(['One', 'Two', 'Later', 'Merge']);
  });

  it('releases a waiting Merge before a waiting Merge after it', async () => {
    const { nodes, connections } = twoFeeds([]);
    const second = node('Merge 2', 'n8n-nodes-base.merge', {}, { typeVersion: 3.2, position: [800, 0] });
    const { order, outputOf } = await run([...nodes, merge(), second, emit('Three', [{ c: 1 }], [200, 400])], {
      ...connections,
      Start: { main: [[link('One'), link('Two'), link('Three')]] },
      Merge: { main: [[link('Merge 2', 0)]] },
      Three: { main: [[link('Merge 2', 1)]] },
    });
    expect(order).toEqual(['One', 'Two', 'Three', 'Merge', 'Merge 2']);
    expect(outputOf('Merge 2')).toEqual([[{ a: 1 }, { a: 2 }, { c: 1 }]]);
  });

  it("gives a node each input's items through getInputData(index)", async () => {
    const { nodes, connections } = twoFeeds([{ b: 1 }]);
    const { outputOf } = await run([...nodes, node('Merge', 'test.inputs')], connections);
    expect(outputOf('Merge')).toEqual([[{ first: 2, second: 1 }]]);
  });

  it("passes a disabled Merge's first input on", async () => {
    const { nodes, connections } = twoFeeds([{ b: 1 }]);
    const { outputOf } = await run([...nodes, merge({}, { disabled: true }), noOp('After', [800, 0])], {
      ...connections,
      Merge: { main: [[link('After')]] },
    });
    expect(outputOf('After')).toEqual([[{ a: 1 }, { a: 2 }]]);
  });
});

describe("n8n's node settings", () => {
  it('runs an Execute Once node on the first item only', async () => {
    const { outputOf } = await run(
      [noOp('Once', [200, 0], { executeOnce: true })],
      { Start: { main: [[link('Once')]] } },
      [{ n: 1 }, { n: 2 }],
    );
    expect(outputOf('Once')).toEqual([[{ n: 1 }]]);
  });

  it('outputs one empty item from an Always Output Data node that output nothing', async () => {
    const { outputOf } = await run(
      [emit('Nothing', [], [200, 0]), { ...noOp('After', [400, 0]) }].map((n) =>
        n.name === 'Nothing' ? { ...n, alwaysOutputData: true } : n,
      ),
      { Start: { main: [[link('Nothing')]] }, Nothing: { main: [[link('After')]] } },
    );
    expect(outputOf('After')).toEqual([[{}]]);
  });
});

describe('the execution order as state', () => {
  it('resumes from its saved state as JSON with the same stack and waiting nodes', () => {
    const definition = {
      name: 'state',
      nodes: [
        node('Start', 'n8n-nodes-base.manualTrigger'),
        emit('One', [], [200, 0]),
        emit('Two', [], [200, 200]),
        merge(),
      ],
      connections: {
        Start: { main: [[link('One'), link('Two')]] },
        One: { main: [[link('Merge', 0)]] },
        Two: { main: [[link('Merge', 1)]] },
      },
    };
    const workflow = toLoaded(definition, null);
    const n8nWorkflow = n8nWorkflowFor(workflow, registry);
    const order = new ExecutionOrder(workflow, registry, n8nWorkflow);
    order.addChildren('Start', [[{ json: {} }]]);
    expect(order.next()?.node).toBe('One');
    order.addChildren('One', [[{ json: { a: 1 } }]]);
    const saved = JSON.parse(JSON.stringify(order.state()));
    const resumed = new ExecutionOrder(workflow, registry, n8nWorkflow, saved);
    expect(resumed.next()?.node).toBe('Two');
    resumed.addChildren('Two', [[{ json: { b: 2 } }]]);
    expect(resumed.next()).toEqual({
      node: 'Merge',
      inputs: [[{ json: { a: 1 } }], [{ json: { b: 2 } }]],
      // Where each input came from survives the round trip too (`$('One').item` after a resume).
      sources: [
        { previousNode: 'One', previousNodeOutput: 0, previousNodeRun: 0 },
        { previousNode: 'Two', previousNodeOutput: 0, previousNodeRun: 0 },
      ],
    });
    expect(resumed.next()).toBeUndefined();
  });
});

describe('random graphs', () => {
  /** A random acyclic graph: emitters (some emit nothing), NoOps and two-input Merges, wired forwards only. */
  const graph = fc
    .array(
      fc.record({
        kind: fc.constantFrom('emit', 'noOp', 'merge', 'chooseBranch'),
        items: fc.nat(2),
        position: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -2, max: 2 })),
        sources: fc.array(fc.tuple(fc.nat(), fc.nat(1)), { maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 8 },
    )
    .map((specs) => {
      const nodes = specs.map((spec, index): WorkflowNodeDefinition => {
        const name = `N${index}`;
        const position: [number, number] = [spec.position[0] * 200, spec.position[1] * 200];
        if (spec.kind === 'emit')
          return emit(
            name,
            Array.from({ length: spec.items }, (_, n) => ({ n })),
            position,
          );
        if (spec.kind === 'noOp') return noOp(name, position);
        const parameters = spec.kind === 'chooseBranch' ? { mode: 'chooseBranch', useDataOfInput: 1 } : {};
        return node(name, 'n8n-nodes-base.merge', parameters, { typeVersion: 3.2, position });
      });
      const connections: WorkflowConnections = { Start: { main: [[link('N0')]] } };
      specs.forEach((spec, index) => {
        const isMerge = spec.kind === 'merge' || spec.kind === 'chooseBranch';
        for (const [from, input] of spec.sources) {
          if (index === 0) break;
          const source = `N${from % index}`;
          const targets = (connections[source] ??= { main: [[]] }).main![0]!;
          targets.push(link(`N${index}`, isMerge ? input : 0));
        }
      });
      return { nodes, connections };
    });

  /** Paths from Start to every node, counted with repeated connections: no node runs more often than it is reached. */
  function pathCount(connections: WorkflowConnections): number {
    const reached = new Map<string, number>([['Start', 1]]);
    const names = ['Start', ...Array.from({ length: 8 }, (_, index) => `N${index}`)];
    for (const name of names)
      for (const target of connections[name]?.main?.[0] ?? [])
        reached.set(target.node, (reached.get(target.node) ?? 0) + (reached.get(name) ?? 0));
    return [...reached.values()].reduce((sum, count) => sum + count, 0) - 1;
  }

  it('every random graph runs to its end without an error, each node a bounded number of times', async () => {
    await fc.assert(
      fc.asyncProperty(graph, async ({ nodes, connections }) => {
        const { result } = await run(nodes, connections);
        expect(result.status).toBe('succeeded');
        expect(result.steps.length).toBeLessThanOrEqual(pathCount(connections));
      }),
      { numRuns: 150 },
    );
  });
});
