/**
 * Property: whatever a workflow file holds (n8n-export-shaped JSON with garbage in any field, hostile
 * node names, or no JSON at all), validation and loading never throw, and every problem they report
 * names a JSON pointer and says what is wrong.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadWorkflowTexts } from '../../../engine/workflow/loader.js';
import { createNodeTypeRegistry } from '../../../engine/workflow/node-types.js';
import { validateWorkflow, workflowWarnings, type WorkflowProblem } from '../../../engine/workflow/validate.js';
import type { WorkflowDefinition } from '../../../engine/workflow/types.js';

const registry = createNodeTypeRegistry();

/** Sometimes the right shape, sometimes anything at all. */
const orGarbage = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 4, arbitrary }, { weight: 1, arbitrary: fc.anything() });

/**
 * A dictionary key from any value. `String` throws on some of what `fc.anything()` makes (an object
 * whose `toString` is not a function, or one without a prototype): that failed this test at random.
 */
const keyOf = (value: unknown): string => {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
};

const nodeName = fc.constantFrom(
  'Start',
  'Merge',
  'Set',
  'A/B~C',
  '__proto__',
  'constructor',
  'toString',
  '',
  'Sticky',
);
const nodeType = fc.constantFrom(
  'n8n-nodes-base.manualTrigger',
  'n8n-nodes-base.merge',
  'n8n-nodes-base.noOp',
  'n8n-nodes-base.stickyNote',
  'n8n-nodes-base.set',
  'n8n-nodes-base.webhook',
  'hookline.if',
  'acme.unknown',
);
const version = fc.oneof(fc.constantFrom(1, 2, 3, 3.1, 3.2, 3.4), fc.double(), fc.integer());

const mergeParameters = fc.record(
  {
    mode: fc.constantFrom('append', 'combine', 'chooseBranch', 'combineBySql', '={{ 1 }}'),
    combineBy: fc.constantFrom('combineByFields', 'combineByPosition', 'combineAll', 'nope'),
    numberInputs: orGarbage(fc.integer({ min: -1, max: 12 })),
    options: orGarbage(fc.dictionary(fc.string(), fc.anything())),
  },
  { requiredKeys: [] },
);

const exportNode = fc.record(
  {
    id: orGarbage(fc.uuid()),
    name: orGarbage(nodeName),
    type: orGarbage(nodeType),
    typeVersion: orGarbage(version),
    position: orGarbage(fc.tuple(fc.integer(), fc.integer())),
    parameters: orGarbage(fc.oneof(mergeParameters, fc.dictionary(fc.string(), fc.anything()))),
    credentials: orGarbage(fc.dictionary(fc.string(), fc.record({ id: fc.option(fc.string()), name: fc.string() }))),
    disabled: orGarbage(fc.boolean()),
    webhookId: orGarbage(fc.uuid()),
    notes: orGarbage(fc.string()),
    notesInFlow: orGarbage(fc.boolean()),
    alwaysOutputData: orGarbage(fc.boolean()),
    executeOnce: orGarbage(fc.boolean()),
    retryOnFail: orGarbage(fc.boolean()),
    onError: orGarbage(fc.constantFrom('stopWorkflow', 'continueRegularOutput', 'continueErrorOutput')),
  },
  { requiredKeys: [] },
);

const target = fc.record(
  { node: orGarbage(nodeName), type: orGarbage(fc.constantFrom('main', 'ai_tool')), index: orGarbage(fc.nat(3)) },
  { requiredKeys: [] },
);
const outputs = orGarbage(
  fc.array(fc.oneof(fc.constant(null), fc.array(orGarbage(target), { maxLength: 3 })), { maxLength: 3 }),
);
const connections = orGarbage(
  fc.dictionary(
    orGarbage(nodeName).map(keyOf),
    fc.dictionary(fc.constantFrom('main', 'ai_tool', 'ai_languageModel'), outputs),
  ),
);

const exportShaped = fc.record(
  {
    id: orGarbage(fc.oneof(fc.string(), fc.nat())),
    name: orGarbage(fc.string()),
    active: orGarbage(fc.boolean()),
    nodes: orGarbage(fc.array(orGarbage(exportNode), { maxLength: 6 })),
    connections,
    settings: orGarbage(fc.record({ executionOrder: fc.constantFrom('v0', 'v1') }, { requiredKeys: [] })),
    pinData: fc.anything(),
    staticData: fc.anything(),
    meta: fc.anything(),
    tags: fc.anything(),
    versionId: fc.anything(),
  },
  { requiredKeys: [] },
);

function expectPointed(problems: readonly WorkflowProblem[]): void {
  for (const problem of problems) {
    expect(problem.pointer).toMatch(/^\//);
    expect(typeof problem.message).toBe('string');
    expect(problem.message.length).toBeGreaterThan(0);
  }
}

describe('validating and loading n8n-export-shaped files', () => {
  it('never throws and names every problem by pointer', () => {
    fc.assert(
      fc.property(orGarbage(exportShaped), (input) => {
        const problems = validateWorkflow(input, registry);
        expectPointed(problems);
        if (problems.length === 0) expectPointed(workflowWarnings(input as WorkflowDefinition, registry));
        const loaded = loadWorkflowTexts(
          [{ file: 'random.json', text: JSON.stringify(input) ?? 'undefined' }],
          registry,
        );
        expectPointed([...loaded.problems, ...loaded.warnings]);
        expect(loaded.workflows.length + loaded.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });

  it('reaches the graph checks: schema-valid exports with random nodes and connections never throw', () => {
    const wellFormed = fc.record({
      name: fc.constant('random'),
      nodes: fc.array(
        fc.record({
          name: nodeName.filter((name) => name.length > 0),
          type: nodeType,
          typeVersion: fc.constantFrom(1, 2, 3, 3.2, 3.4),
          position: fc.tuple(fc.integer(), fc.integer()),
          parameters: fc.oneof(mergeParameters, fc.constant({})),
          disabled: fc.boolean(),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      connections: fc.dictionary(
        nodeName,
        fc.dictionary(
          fc.constantFrom('main', 'ai_tool'),
          fc.array(
            fc.oneof(
              fc.constant(null),
              fc.array(
                fc.record({
                  node: nodeName.filter((name) => name.length > 0),
                  type: fc.constant('main'),
                  index: fc.nat(2),
                }),
              ),
            ),
            {
              maxLength: 3,
            },
          ),
        ),
      ),
      pinData: fc.anything(),
      settings: fc.record({ executionOrder: fc.constantFrom('v0', 'v1') }),
    });
    let graphChecked = 0;
    fc.assert(
      fc.property(wellFormed, (input) => {
        const problems = validateWorkflow(input, registry);
        expectPointed(problems);
        if (!problems.some((problem) => /must|required property/.test(problem.message))) graphChecked++;
        if (problems.length === 0) expectPointed(workflowWarnings(input as unknown as WorkflowDefinition, registry));
      }),
      { numRuns: 300 },
    );
    expect(graphChecked).toBeGreaterThan(100);
  });

  it('refuses text that is not JSON with a pointer at the root', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const { problems } = loadWorkflowTexts([{ file: 'text.json', text }], registry);
        expectPointed(problems);
      }),
      { numRuns: 200 },
    );
  });
});
