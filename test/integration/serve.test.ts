import { describe, expect, it } from '../helpers/engine-fixture.js';
import { main } from '../../engine/cli.js';
import { makeTempDir } from '../helpers/temp.js';
import { chain, node, scoringWorkflow } from '../fixtures/workflows.js';

function capture() {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, io: { out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l) } };
}

describe('serve', () => {
  it('answers health and readiness probes, and the seed error shape for unknown routes', async ({ startEngine }) => {
    const running = await startEngine({ workflows: { scoring: scoringWorkflow() } });
    expect(await (await fetch(`${running.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${running.url}/readyz`);
    expect(ready.status).toBe(200);
    const missing = await fetch(`${running.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      success: false,
      error: { code: 'NOT_FOUND', message: 'No route for GET /nope' },
    });
  });

  it('serves the valid workflows of a folder and reports the broken ones without failing', async ({ startEngine }) => {
    const broken = {
      name: 'Broken',
      nodes: [node('Start', 'hookline.manualTrigger')],
      connections: chain('Start', 'Nowhere'),
    };
    const running = await startEngine({ workflows: { scoring: scoringWorkflow(), broken } });
    expect([...running.engine.workflows.keys()]).toEqual(['scoring']);
    expect(running.engine.problems).toEqual([expect.objectContaining({ pointer: '/connections/Start/main/0/0/node' })]);
  });

  it('waits for in-flight executions before closing the store on stop', async ({ startEngine }) => {
    const running = await startEngine({ workflows: { scoring: scoringWorkflow() } });
    const pending = running.engine.runManually('scoring', [{ name: 'x', score: 1 }]);
    const { engine } = running;
    await Promise.all([pending, engine.stop()]);
    expect((await pending).result.status).toBe('succeeded');
  });
});

describe('cli', () => {
  it('validate prints file:pointer: message per problem and exits 1', async () => {
    const dir = makeTempDir();
    try {
      const good = dir.file('good.json', scoringWorkflow());
      const bad = dir.file('bad.json', {
        name: 'Bad',
        nodes: [node('Start', 'hookline.manualTrigger'), node('X', 'acme.nope')],
        connections: chain('Start', 'X'),
      });
      const ok = capture();
      expect(await main(['validate', good], ok.io)).toBe(0);
      expect(ok.lines.out).toEqual(['1 workflow(s) valid']);
      const failed = capture();
      expect(await main(['validate', good, bad], failed.io)).toBe(1);
      expect(failed.lines.out).toEqual([
        expect.stringMatching(
          /:\/nodes\/1\/type: unknown node type 'acme.nope' \(version 1\) of node 'X'; the engine supports: /,
        ),
      ]);
      expect(failed.lines.out[0].startsWith(`${bad}:`)).toBe(true);
    } finally {
      dir.remove();
    }
  });

  it('events lists the catalog', async () => {
    const { io, lines } = capture();
    expect(await main(['events'], io)).toBe(0);
    expect(lines.out.some((line) => line.startsWith('workflow.execution.completed'))).toBe(true);
    expect(lines.out.some((line) => line.startsWith('agent.message.received'))).toBe(true);
  });

  it('rejects an unknown flag and a bad setting value with a clear message', async () => {
    const unknown = capture();
    expect(await main(['serve', '--prot', '1'], unknown.io)).toBe(2);
    expect(unknown.lines.err[0]).toMatch(/Unknown option '--prot'/);
    const badPort = capture();
    expect(await main(['serve', '--port', 'abc'], badPort.io, {})).toBe(1);
    expect(badPort.lines.err[0]).toMatch(/flag --port must be integer/);
  });

  it('run executes a workflow once and prints its output', async () => {
    const dir = makeTempDir();
    try {
      dir.file('scoring.json', scoringWorkflow());
      const input = dir.file('input.json.txt', [{ name: 'ada', score: 9 }]);
      const { io, lines } = capture();
      const code = await main(
        ['run', 'scoring', '--input', input, '--workflows', dir.path, '--db', `${dir.path}/db/h.db`],
        io,
        { HOOKLINE_ENCRYPTION_KEY: 'k' },
      );
      expect(code).toBe(0);
      expect(JSON.parse(lines.out.join('\n'))).toMatchObject({
        status: 'succeeded',
        output: { Big: [{ name: 'ada', label: 'ADA', size: 'big' }] },
      });
    } finally {
      dir.remove();
    }
  });

  it('run prints the items of every end node, labelled, so both branches of an If show', async () => {
    const dir = makeTempDir();
    try {
      const { io, lines } = capture();
      const code = await main(
        [
          'run',
          'score-leads',
          '--input',
          'examples/inputs/leads.json',
          '--workflows',
          'examples',
          '--db',
          `${dir.path}/h.db`,
        ],
        io,
        { HOOKLINE_ENCRYPTION_KEY: 'k' },
      );
      expect(code).toBe(0);
      const printed = JSON.parse(lines.out.join('\n'));
      expect(Object.keys(printed.output).sort()).toEqual(['Cold', 'Hot']);
      expect(printed.output.Hot).toEqual([expect.objectContaining({ name: 'Ada', tier: 'hot' })]);
      expect(printed.output.Cold).toEqual([expect.objectContaining({ name: 'Bob', tier: 'cold' })]);
    } finally {
      dir.remove();
    }
  });
});
