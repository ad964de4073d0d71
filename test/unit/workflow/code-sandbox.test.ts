/**
 * The Code node's worker threads on their own: real threads, real vm contexts, real limits. A
 * runaway loop, a runaway allocation or hostile code ends a thread, never this (the main) one.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createCodeSandbox, CodeSandboxError } from '../../../engine/workflow/core-nodes/code/sandbox-pool.js';
import type { SandboxTask } from '../../../engine/workflow/core-nodes/code/sandbox-types.js';

const lines: Array<{ msg: string; node?: string; level: number }> = [];
const log = pino(
  { level: 'debug' },
  new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) }),
);
const sandbox = createCodeSandbox({ timeoutMs: 1500, memoryMb: 48, maxWorkers: 2, log });
afterAll(() => sandbox.close());

function task(code: string, extra: Partial<Omit<SandboxTask, 'timeoutMs'>> = {}): Omit<SandboxTask, 'timeoutMs'> {
  return {
    code,
    mode: 'runOnceForAllItems',
    items: [{ json: { n: 1 } }, { json: { n: 2 } }],
    nodeOutputs: {},
    nodeErrors: {},
    workflow: { id: 'wf', name: 'Workflow', active: true },
    executionId: 'exec_1',
    continueOnFail: false,
    ...extra,
  };
}

const valueOf = async (code: string, extra = {}) => {
  const [run] = await sandbox.run(task(code, extra));
  expect(run.error).toBeUndefined();
  return run.value === undefined ? undefined : JSON.parse(run.value);
};
const errorOf = async (code: string, extra = {}) => (await sandbox.run(task(code, extra)))[0].error?.message;

describe('code sandbox', () => {
  it("gives the code n8n's variables: items, $input, $json, $('Node'), $workflow, $execution", async () => {
    expect(await valueOf('return items.map((i) => ({ json: { double: i.json.n * 2 } }))')).toEqual([
      { json: { double: 2 } },
      { json: { double: 4 } },
    ]);
    expect(await valueOf('return [$input.first().json, $input.last().json, $json, $input.all().length]')).toEqual([
      { n: 1 },
      { n: 2 },
      { n: 1 },
      2,
    ]);
    const nodeOutputs = { Start: [{ json: { from: 'start' } }] };
    expect(await valueOf("return $('Start').all().map((i) => i.json)", { nodeOutputs })).toEqual([{ from: 'start' }]);
    expect(await valueOf('return { wf: $workflow.name, exec: $execution.id }')).toEqual({
      wf: 'Workflow',
      exec: 'exec_1',
    });
  });

  it('awaits promises and timers at the top level of the code', async () => {
    expect(await valueOf('await new Promise((r) => setTimeout(r, 5)); return { waited: true }')).toEqual({
      waited: true,
    });
  });

  it('runs each item on its own in each-item mode', async () => {
    const runs = await sandbox.run(
      task('return { n: item.json.n + 10, i: $itemIndex }', { mode: 'runOnceForEachItem' }),
    );
    expect(runs.map((run) => JSON.parse(run.value!))).toEqual([
      { n: 11, i: 0 },
      { n: 12, i: 1 },
    ]);
  });

  it('reports a throw as n8n does: the message and the line', async () => {
    expect(await errorOf("const a = 1;\nthrow new Error('boom');")).toBe('boom [line 2]');
    expect(await errorOf('undefinedThing.x')).toBe('undefinedThing is not defined [line 1]');
  });

  it('refuses require() outside the allowlist, and allows crypto', async () => {
    expect(await errorOf("const fs = require('fs');")).toBe("Module 'fs' is disallowed [line 1]");
    expect(await errorOf("require('child_process').execSync('id')")).toBe(
      "Module 'child_process' is disallowed [line 1]",
    );
    expect(
      await valueOf("return { h: require('crypto').createHash('sha256').update('x').digest('hex').length }"),
    ).toEqual({
      h: 64,
    });
  });

  it('stops a synchronous endless loop at the time limit, and the next task runs', async () => {
    // The vm stops it (the thread lives on) or, on a loaded machine, the engine's timer ends the thread.
    const stopped = await sandbox.run(task('while (true) {}')).then(
      ([run]) => run.error?.message,
      (error: Error) => error.message,
    );
    expect(stopped).toMatch(/time limit of 1500 ms/);
    expect(await valueOf('return { after: 1 }')).toEqual({ after: 1 });
  });

  it('ends the thread of an endless loop after an await, and the next task gets a new one', async () => {
    await expect(sandbox.run(task('await null; for (;;) {}'))).rejects.toThrow(/time limit of 1500 ms/);
    expect(await valueOf('return { after: 2 }')).toEqual({ after: 2 });
  });

  it('ends a thread that allocates past its heap limit, and the next task gets a new one', async () => {
    // Its own sandbox with time to spare: on a loaded machine the time limit must not win the race.
    const roomy = createCodeSandbox({ timeoutMs: 120_000, memoryMb: 48, maxWorkers: 1, log });
    try {
      const blowUp = 'const keep = []; for (;;) keep.push(new Array(1e6).fill(0));';
      await expect(roomy.run(task(blowUp))).rejects.toThrow(
        /ran out of memory: it used more than its heap limit of 48 MB/,
      );
      await expect(roomy.run(task(blowUp))).rejects.toThrow(CodeSandboxError);
      expect(JSON.parse((await roomy.run(task('return { after: 3 }')))[0].value!)).toEqual({ after: 3 });
    } finally {
      await roomy.close();
    }
  });

  it("sends console output to the engine's logger", async () => {
    await sandbox.run(task("console.log('hello', { a: 1 }); return {}"), { node: 'Code' });
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'hello { a: 1 }', node: 'Code' }));
  });

  it('never crashes or hangs on random code: every task settles and the sandbox still works', async () => {
    const fragments = fc.constantFrom(
      'return',
      'items',
      '$json',
      'throw',
      'new Error("x")',
      'while(true){}',
      'await',
      'null',
      '{',
      '}',
      '(',
      ')',
      ';',
      'require("fs")',
      '[1,2]',
      '"s"',
      'undefined',
      'this',
      'globalThis.process',
      'Symbol()',
      '() => 1',
    );
    const code = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.array(fragments, { maxLength: 8 }).map((parts) => parts.join(' ')),
    );
    await fc.assert(
      fc.asyncProperty(code, async (source) => {
        const outcome = await sandbox.run(task(source)).then(
          (runs) => runs,
          (error: unknown) => error,
        );
        if (outcome instanceof Error) expect(outcome).toBeInstanceOf(CodeSandboxError);
        else expect(Array.isArray(outcome)).toBe(true);
      }),
      { numRuns: 40 },
    );
    expect(await valueOf('return { still: "working" }')).toEqual({ still: 'working' });
  });
});
