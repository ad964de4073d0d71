/**
 * n8n's Code node in a running engine: JavaScript in worker threads, both modes, `$('Node')`,
 * n8n's result normalisation and errors, and the limits: an endless loop or a runaway allocation
 * fails the node with a clear error while the engine's main thread keeps answering.
 */
import type { IDataObject } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chain, node } from '../fixtures/workflows.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

const CODE = 'n8n-nodes-base.code';
let running: TestEngine;

function codeWorkflow(id: string, jsCode: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: id,
    nodes: [
      node('Start', 'hookline.manualTrigger'),
      node('Code', CODE, { jsCode, ...extra }, { typeVersion: 2 }),
      node('After', 'hookline.noOp'),
    ],
    connections: chain('Start', 'Code', 'After'),
  };
}

const WORKFLOWS = {
  transform: codeWorkflow('transform', 'return $input.all().map((i) => ({ doubled: i.json.n * 2 }));'),
  each: codeWorkflow('each', 'return { n: $json.n, index: $itemIndex };', { mode: 'runOnceForEachItem' }),
  loop: codeWorkflow('loop', 'while (true) {}'),
  asyncLoop: codeWorkflow('asyncLoop', 'await null;\nfor (;;) {}'),
  blowUp: codeWorkflow('blowUp', 'const keep = [];\nfor (;;) keep.push(new Array(1e6).fill(0));'),
  throws: codeWorkflow('throws', "const a = 1;\nthrow new Error('boom');"),
  badReturn: codeWorkflow('badReturn', "return 'not items';"),
  fs: codeWorkflow('fs', "const fs = require('fs');\nreturn [];"),
  python: codeWorkflow('python', '', { language: 'pythonNative', pythonCode: 'return _input.all()' }),
  reference: {
    id: 'reference',
    name: 'reference',
    nodes: [
      node('Start', 'hookline.manualTrigger'),
      node('Prepare', CODE, { jsCode: 'return [{ prepared: 1 }, { prepared: 2 }];' }, { typeVersion: 2 }),
      node(
        'Code',
        CODE,
        { jsCode: "return [{ ids: $('Prepare').all().map((i) => i.json.prepared) }];" },
        { typeVersion: 1 },
      ),
    ],
    connections: chain('Start', 'Prepare', 'Code'),
  },
};

beforeAll(async () => {
  running = await startTestEngine({ workflows: WORKFLOWS, config: { codeTimeoutMs: 2000, codeMemoryMb: 48 } });
});
afterAll(() => running?.stop());

const run = async (id: string, items: IDataObject[] = [{ n: 1 }, { n: 2 }]) =>
  (await running.engine.runManually(id, items)).result;

describe('Code node', () => {
  it('runs JavaScript once for all items and wraps plain objects as items', async () => {
    const result = await run('transform');
    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual([{ doubled: 2 }, { doubled: 4 }]);
  });

  it('runs once for each item', async () => {
    expect((await run('each')).output).toEqual([
      { n: 1, index: 0 },
      { n: 2, index: 1 },
    ]);
  });

  it("reads another node's output with $('Node').all()", async () => {
    const result = await run('reference');
    expect(result.error).toBeUndefined();
    expect(result.output).toEqual([{ ids: [1, 2] }]);
  });

  it('fails with the message and line of a throw, as n8n reports it', async () => {
    expect((await run('throws')).error).toMatchObject({ node: 'Code', message: 'boom [line 2]' });
  });

  it("refuses a return value that is not items, in n8n's words", async () => {
    expect((await run('badReturn')).error?.message).toBe("Code doesn't return items properly");
  });

  it('refuses require() of a module outside the allowlist', async () => {
    expect((await run('fs')).error?.message).toBe("Module 'fs' is disallowed [line 1]");
  });

  it('refuses Python with a clear error', async () => {
    expect((await run('python')).error?.message).toMatch(/language 'pythonNative' is not supported.*JavaScript only/);
  });

  it('stops an endless loop at the time limit', async () => {
    const result = await run('loop');
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(/time limit of 2000 ms/);
  });

  it('keeps answering on the main thread while a Code node loops, then fails that node', async () => {
    const looping = run('asyncLoop');
    let settled = false;
    void looping.finally(() => (settled = true));
    const health = await fetch(`${running.url}/healthz`);
    expect(health.status).toBe(200);
    expect(settled).toBe(false);
    expect((await looping).error?.message).toMatch(/time limit of 2000 ms/);
    expect((await run('transform')).status).toBe('succeeded');
  });

  it('fails a node that allocates past the heap limit, and the next Code node runs', async () => {
    const result = await run('blowUp');
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(/ran out of memory: it used more than its heap limit of 48 MB/);
    expect((await run('transform')).status).toBe('succeeded');
  });
});
