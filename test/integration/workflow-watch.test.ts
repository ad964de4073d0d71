/**
 * `--watch` over real files in a temp folder with a real engine: adding, changing, breaking and
 * deleting workflow files reloads the folder, emits `workflow.created`, `.updated` and `.deleted`
 * (delivered to a real receiver), and refuses a broken file by file and JSON pointer while its
 * previous version keeps serving. Each step waits for the engine's `reload` event, never a sleep.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ReloadSummary } from '../../engine/workflow/live-folder.js';
import { chain, node } from '../fixtures/workflows.js';
import { describe, expect, FAST_DELIVERY, it } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/engine.js';
import { startServeProcess } from '../helpers/serve-process.js';
import { makeTempDir } from '../helpers/temp.js';
import { nextEvent, until } from '../helpers/wait.js';

const API_KEY = 'hk_admin_watch_0123456789';
const BEARER = 'wh_watch_bearer_0123456789';

const greeter = (id: string, greeting: string, type = 'hookline.set') => ({
  id,
  name: id,
  nodes: [
    node(
      'Hook',
      'n8n-nodes-hookline.webhookTrigger',
      { kind: 'workflow', authentication: 'bearer', responseMode: 'lastNode' },
      { credentials: { hooklineBearerApi: { name: 'Watch bearer' } } },
    ),
    node('Greet', type, { fields: { greeting }, keepOnlySet: true }),
  ],
  connections: chain('Hook', 'Greet'),
});

/** Does `change` to the folder and resolves with the first reload that `expected` accepts. */
async function reloadAfter(
  running: TestEngine,
  change: () => void,
  expected: (summary: ReloadSummary) => boolean,
): Promise<ReloadSummary> {
  const events = running.engine.folder.events;
  let next = nextEvent(events, 'reload');
  change();
  for (;;) {
    const [summary] = (await next) as [ReloadSummary];
    if (expected(summary)) return summary;
    next = nextEvent(events, 'reload');
  }
}

async function greet(running: TestEngine, id: string): Promise<{ status: number; greeting?: string }> {
  const response = await fetch(`${running.url}/webhooks/workflows/${id}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BEARER}`, 'content-type': 'application/json' },
    body: JSON.stringify({ input_data: {} }),
  });
  const body = (await response.json()) as { output?: { greeting?: string } };
  return { status: response.status, greeting: body.output?.greeting };
}

describe('hookline serve --watch', () => {
  it(
    'reloads added, changed, broken and deleted workflow files',
    { timeout: 120_000 },
    async ({ startEngine, receiver }) => {
      const running = await startEngine({
        workflows: { hello: greeter('hello', 'v1') },
        credentials: [{ name: 'Watch bearer', type: 'hooklineBearerApi', data: { token: BEARER } }],
        config: { ...FAST_DELIVERY, apiKey: API_KEY, watch: true, watchDebounceMs: 20 },
      });
      const created = await fetch(`${running.url}/api/v1/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          url: receiver.url,
          events: ['workflow.created', 'workflow.updated', 'workflow.deleted'],
        }),
      });
      expect(created.status).toBe(201);
      expect(await greet(running, 'hello')).toEqual({ status: 200, greeting: 'v1' });

      // Add.
      await reloadAfter(
        running,
        () => running.dir.file('extra.json', greeter('extra', 'extra')),
        (s) => s.created.includes('extra'),
      );
      expect(await greet(running, 'extra')).toEqual({ status: 200, greeting: 'extra' });

      // Change.
      await reloadAfter(
        running,
        () => running.dir.file('hello.json', greeter('hello', 'v2')),
        (s) => s.updated.includes('hello'),
      );
      expect(await greet(running, 'hello')).toEqual({ status: 200, greeting: 'v2' });

      // Break: refused by file and pointer, logged and listed by the API; v2 keeps serving.
      const broken = await reloadAfter(
        running,
        () => running.dir.file('hello.json', greeter('hello', 'v3', 'no.such-node')),
        (s) => s.problems.length > 0,
      );
      const helloFile = join(running.dir.path, 'hello.json');
      expect(broken.problems[0]).toMatchObject({ file: helloFile, pointer: '/nodes/1/type' });
      expect(broken.updated).toEqual([]);
      const listed = await fetch(`${running.url}/api/v1/workflows`, {
        headers: { authorization: `Bearer ${API_KEY}` },
      });
      const { problems, workflows } = (await listed.json()) as {
        problems: { file: string; pointer: string; message: string }[];
        workflows: { id: string }[];
      };
      expect(problems).toEqual([expect.objectContaining({ file: helloFile, pointer: '/nodes/1/type' })]);
      expect(workflows.map((w) => w.id).sort()).toEqual(['extra', 'hello']);
      expect(await greet(running, 'hello')).toEqual({ status: 200, greeting: 'v2' });

      // Broken JSON is refused the same way.
      const unparsable = await reloadAfter(
        running,
        () => running.dir.file('hello.json', '{"id": "hello", '),
        (s) => s.problems.some((p) => p.file === helloFile && /not valid JSON/.test(p.message)),
      );
      expect(unparsable.problems[0]).toMatchObject({ file: helloFile, pointer: '/' });
      expect(await greet(running, 'hello')).toEqual({ status: 200, greeting: 'v2' });

      // Delete.
      await reloadAfter(
        running,
        () => rmSync(join(running.dir.path, 'extra.json')),
        (s) => s.deleted.includes('extra'),
      );
      expect((await greet(running, 'extra')).status).toBe(404);

      // Fixed again: the problem is gone and the new version serves.
      const fixed = await reloadAfter(
        running,
        () => running.dir.file('hello.json', greeter('hello', 'v4')),
        (s) => s.updated.includes('hello'),
      );
      expect(fixed.problems).toEqual([]);
      expect(await greet(running, 'hello')).toEqual({ status: 200, greeting: 'v4' });

      // Each change went out as a lifecycle event to the subscribed receiver.
      const requests = await receiver.waitUntil((all) => all.length >= 4);
      const sent = requests.map((r) => JSON.parse(r.body) as { type: string; data: { workflow_id: string } });
      expect(sent.map((e) => `${e.type} ${e.data.workflow_id}`)).toEqual([
        'workflow.created extra',
        'workflow.updated hello',
        'workflow.deleted extra',
        'workflow.updated hello',
      ]);
    },
  );

  it('hookline serve --watch names a refused file on stderr, and the SDK lists it', { timeout: 180_000 }, async () => {
    const dir = makeTempDir();
    const credentials = [{ name: 'Watch bearer', type: 'hooklineBearerApi', data: { token: BEARER } }];
    dir.file('credentials.json', credentials);
    dir.file('hello.json', greeter('hello', 'v1'));
    const serving = await startServeProcess({
      apiKey: API_KEY,
      env: {
        HOOKLINE_WORKFLOWS: dir.path,
        HOOKLINE_DB: join(dir.path, 'data', 'hookline.db'),
        HOOKLINE_ENCRYPTION_KEY: 'watch-test-key',
        HOOKLINE_API_KEY: API_KEY,
        HOOKLINE_WATCH: '1',
        HOOKLINE_WATCH_DEBOUNCE_MS: '20',
      },
    });
    try {
      const file = dir.file('hello.json', greeter('hello', 'v2', 'no.such-node'));
      const line = `refused ${file}:/nodes/1/type: unknown node type 'no.such-node' (version 1) of node`;
      await until(() => serving.output().includes(line), 'the refusal on stderr');
      expect(await serving.api.workflows.problems()).toEqual([
        {
          file,
          pointer: '/nodes/1/type',
          message: expect.stringMatching(
            /^unknown node type 'no.such-node' \(version 1\) of node '.+'; the engine supports: /,
          ),
        },
      ]);
      expect((await serving.api.workflows.list()).map((w) => w.id)).toEqual(['hello']);
    } finally {
      await serving.stop();
      dir.remove();
    }
  });

  it('serves the last of two saves made in quick succession', async ({ startEngine }) => {
    const running = await startEngine({
      workflows: { hello: greeter('hello', 'v1') },
      credentials: [{ name: 'Watch bearer', type: 'hooklineBearerApi', data: { token: BEARER } }],
      config: { apiKey: API_KEY, watch: true, watchDebounceMs: 20 },
    });
    // The second save lands as soon as the first one's reload is done: within chokidar's 50 ms
    // change throttle, which drops it unless the folder also listens to the raw events.
    await reloadAfter(
      running,
      () => running.dir.file('hello.json', greeter('hello', 'v2')),
      (s) => s.updated.includes('hello'),
    );
    await reloadAfter(
      running,
      () => running.dir.file('hello.json', greeter('hello', 'v3')),
      (s) => s.updated.includes('hello'),
    );
    expect(await greet(running, 'hello')).toEqual({ status: 200, greeting: 'v3' });
  });

  it('survives a reload that fails (a folder named like a workflow file) and serves the previous workflows', async ({
    startEngine,
  }) => {
    const running = await startEngine({
      workflows: { hello: greeter('hello', 'v1') },
      credentials: [{ name: 'Watch bearer', type: 'hooklineBearerApi', data: { token: BEARER } }],
      config: { apiKey: API_KEY, watch: true, watchDebounceMs: 20 },
    });
    const failed = nextEvent(running.engine.folder.events, 'reloadFailed');
    // Reading `odd.json` fails (EISDIR): the whole load fails, not one file's validation.
    mkdirSync(join(running.dir.path, 'odd.json'));
    const [error] = (await failed) as [NodeJS.ErrnoException];
    expect(error.code).toBe('EISDIR');
    expect(await greet(running, 'hello')).toEqual({ status: 200, greeting: 'v1' });
    await reloadAfter(
      running,
      () => rmSync(join(running.dir.path, 'odd.json'), { recursive: true }),
      () => true,
    );
    expect(await greet(running, 'hello')).toEqual({ status: 200, greeting: 'v1' });
  });
});
