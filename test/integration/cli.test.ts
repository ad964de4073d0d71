/**
 * The `hookline` CLI run as a child process (`node --import <ts hooks> engine/cli.ts …`, the
 * loader the worker pool uses for TypeScript sources) against a real engine and receiver, with
 * `--json` output parsed and exit codes checked.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS, main } from '../../engine/cli.js';
import { table } from '../../engine/cli/format.js';
import { renderBar } from '../../engine/cli/progress.js';
import { parseTime } from '../../engine/cli/remote.js';
import { replayWindows } from '../../engine/cli/replay-command.js';
import { startReceiver, type Receiver } from '../fixtures/receiver.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { TEST_STORE } from '../helpers/store.js';
import { until } from '../helpers/wait.js';

const API_KEY = 'test-admin-key';
const HOOKS = new URL('../../engine/pool/ts-worker-hooks.mjs', import.meta.url).href;
const LOADER = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(HOOKS)});`)}`;
const CLI = fileURLToPath(new URL('../../engine/cli.ts', import.meta.url));
/** Each child transpiles the sources it loads; allow for a slow, shared machine. */
const SLOW = { timeout: 240_000 };

let running: TestEngine;
let receiver: Receiver;

// A fresh engine, database and receiver per test: no test sees another's webhooks or events.
beforeEach(async () => {
  receiver = await startReceiver();
  running = await startTestEngine({
    config: {
      apiKey: API_KEY,
      retryScheduleSec: [0.05, 0.05],
      retryJitter: 0,
      pollIntervalMs: 20,
      failureThreshold: 1000,
    },
  });
}, 60_000);
afterEach(async () => {
  await running.stop();
  await receiver.close();
}, 60_000);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert the shape
  json: any;
}

/** Runs `hookline …` in a child process; asynchronous, so the engine in this process keeps answering. */
function hookline(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    HOOKLINE_URL: running.url,
    HOOKLINE_API_KEY: API_KEY,
    ...options.env,
  };
  const child = spawn(process.execPath, ['--import', LOADER, CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

/** `--db` names the engine's SQLite file: on PostgreSQL the engine is not there. */
const onSqlite = it.skipIf(TEST_STORE !== 'sqlite');

describe('help and usage', () => {
  it('exits quietly when the reader closes the pipe early (hookline events | head)', SLOW, async () => {
    const child = spawn(process.execPath, ['--import', LOADER, CLI, 'events'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader is gone before the first line: every write the command makes meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('answers --help on every command with its usage and exit 0', async () => {
    for (const command of COMMANDS) {
      const lines: string[] = [];
      expect(
        await main(
          [...command.name.split(' '), '--help'],
          { out: (l) => lines.push(l), err: (l) => lines.push(l) },
          {},
        ),
      ).toBe(0);
      expect(lines.join('\n')).toMatch(new RegExp(`^Usage: hookline ${command.name}\\b[\\s\\S]*--help`));
    }
  });

  it('prints help from the real binary, and exits 2 on usage errors', SLOW, async () => {
    const [top, sub, unknownFlag, noKey] = await Promise.all([
      hookline(['--help']),
      hookline(['replay', '--help']),
      hookline(['webhooks', 'list', '--colour']),
      hookline(['webhooks', 'list'], { env: { HOOKLINE_API_KEY: '' } }),
    ]);
    expect([top.code, sub.code, unknownFlag.code, noKey.code]).toEqual([0, 0, 2, 2]);
    expect(top.stdout).toContain('webhooks rotate-secret ID');
    expect(sub.stdout).toContain('--since TIME');
    expect(unknownFlag.stderr).toContain("Unknown option '--colour'");
    expect(noKey.stderr).toContain('HOOKLINE_API_KEY');
  });

  it('exits 2 for a missing argument, bad JSON, an unknown subcommand or a missing group subcommand', async () => {
    const env = { HOOKLINE_URL: 'http://127.0.0.1:9', HOOKLINE_API_KEY: 'k' };
    for (const [argv, message] of [
      [['webhooks', 'get'], 'missing ID'],
      [['webhooks', 'create', '--data', '{nope'], '--data is not valid JSON'],
      [['webhooks', 'frobnicate'], "unknown command 'webhooks frobnicate'"],
      [['deliveries'], 'give a subcommand'],
      [['webhooks', 'update', 'wh_1'], 'nothing to send'],
    ] as const) {
      const errors: string[] = [];
      expect(await main([...argv], { out: () => undefined, err: (l) => errors.push(l) }, env)).toBe(2);
      expect(errors.join('\n')).toContain(message);
    }
  });
});

describe('helpers', () => {
  it('cuts a replay range into adjacent windows that share no millisecond and cover it exactly', () => {
    const windows = replayWindows(1000, 1999, 3);
    expect(windows).toEqual([
      { startMs: 1000, endMs: 1332 },
      { startMs: 1333, endMs: 1665 },
      { startMs: 1666, endMs: 1999 },
    ]);
    expect(replayWindows(5, 6, 10)).toEqual([
      { startMs: 5, endMs: 5 },
      { startMs: 6, endMs: 6 },
    ]);
    expect(replayWindows(7, 7, 10)).toEqual([{ startMs: 7, endMs: 7 }]);
  });

  it('reads times as ISO, now, or a duration ago, and rejects the rest', () => {
    const nowMs = Date.parse('2025-01-02T03:00:00Z');
    expect(parseTime('2h', 'since', nowMs).toISOString()).toBe('2025-01-02T01:00:00.000Z');
    expect(parseTime('2025-01-01T00:00:00Z', 'since', nowMs).toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(parseTime('now', 'until', nowMs).getTime()).toBe(nowMs);
    expect(() => parseTime('yesterday', 'since', nowMs)).toThrow(/--since must be/);
  });

  it('draws an honest bar and aligned tables', () => {
    expect(renderBar(0, 4)).toBe(`[${'░'.repeat(24)}]   0% 0/4`);
    expect(renderBar(2, 4)).toBe(`[${'█'.repeat(12)}${'░'.repeat(12)}]  50% 2/4`);
    expect(
      table(
        [
          { a: 'x', b: null },
          { a: 'long', b: 1 },
        ],
        [
          { header: 'A', cell: (r) => r.a },
          { header: 'B', cell: (r) => r.b },
        ],
      ),
    ).toEqual(['A     B', 'x     -', 'long  1']);
  });
});

describe('webhooks', () => {
  it('creates a webhook with a seed profile, its plain secret accepted', SLOW, async () => {
    const created = await hookline([
      'webhooks',
      'create',
      '--url',
      `${receiver.url}/admin-do`,
      '--events',
      'workflow.completed',
      '--profile',
      'admin-do',
      '--secret',
      'my-webhook-secret',
      '--json',
    ]);
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({
      profile: 'admin-do',
      signature_scheme: 'timestamped',
      timestamp_header: 'X-Admin-Timestamp',
      timestamp_unit: 'ms',
      secret: 'my-webhook-secret',
    });
  });

  it('creates, reads, lists, updates, toggles, tests, rotates and deletes with --json', SLOW, async () => {
    const created = await hookline([
      'webhooks',
      'create',
      '--url',
      `${receiver.url}/cli`,
      '--events',
      'order.completed,order.refunded',
      '--name',
      'CLI',
      '--header',
      'X-Team: growth',
      '--json',
    ]);
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({
      name: 'CLI',
      url: `${receiver.url}/cli`,
      events: ['order.completed', 'order.refunded'],
      headers: { 'X-Team': 'growth' },
      secret: expect.stringMatching(/^whsec_/),
    });
    const id: string = created.json.id;
    const [got, listed, table] = await Promise.all([
      hookline(['webhooks', 'get', id, '--json']),
      hookline(['webhooks', 'list', '--json']),
      hookline(['webhooks', 'list']),
    ]);
    expect(got.json).toMatchObject({ id, status: 'active' });
    expect(got.json).not.toHaveProperty('secret');
    expect(listed.json.webhooks.map((w: { id: string }) => w.id)).toContain(id);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+URL\s+EVENTS\s+STATUS/);
    expect(table.stdout).toContain(id);
    const updated = await hookline([
      'webhooks',
      'update',
      id,
      '--data',
      '{"description":"from json","timeout":5}',
      '--name',
      'Renamed',
      '--json',
    ]);
    expect(updated.json).toMatchObject({
      name: 'Renamed',
      description: 'from json',
      timeout_ms: 5000,
      url: `${receiver.url}/cli`,
    });
    expect((await hookline(['webhooks', 'disable', id, '--json'])).json).toMatchObject({ status: 'disabled' });
    expect((await hookline(['webhooks', 'enable', id])).stdout.trim()).toBe(`${id} is active`);
    const tested = await hookline([
      'webhooks',
      'test',
      id,
      '--event',
      'order.completed',
      '--data',
      '{"n":1}',
      '--json',
    ]);
    expect([tested.code, tested.json.success, tested.json.status_code]).toEqual([0, true, 200]);
    const rotated = await hookline(['webhooks', 'rotate-secret', id, '--json']);
    expect(rotated.json.secret).toMatch(/^whsec_/);
    expect(rotated.json.secret).not.toBe(created.json.secret);
    expect((await hookline(['webhooks', 'delete', id, '--json'])).json).toEqual({ success: true, id });
    const gone = await hookline(['webhooks', 'get', id, '--json']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('NOT_FOUND');
  });

  it('exits 1 with the API code on API errors and on a failed test send', SLOW, async () => {
    const { id } = await running.engine.delivery.subscriptions
      .create({ url: `${receiver.url}/down`, events: ['x.failing'] })
      .then((r) => r.subscription);
    receiver.respondWith((req) => (req.url === '/down' ? { status: 503, body: 'down' } : { status: 200 }));
    const [denied, invalid, failedTest] = await Promise.all([
      hookline(['webhooks', 'list'], { env: { HOOKLINE_API_KEY: 'wrong' } }),
      hookline(['webhooks', 'create', '--url', 'ftp://example.com', '--events', 'a.b']),
      hookline(['webhooks', 'test', id, '--json']),
    ]);
    receiver.respondWith({ status: 200 });
    expect([denied.code, denied.stderr]).toEqual([1, expect.stringContaining('UNAUTHORIZED')]);
    expect([invalid.code, invalid.stderr]).toEqual([1, expect.stringMatching(/INVALID_INPUT: .*\(field: url\)/)]);
    expect([failedTest.code, failedTest.json.success, failedTest.json.status_code]).toEqual([1, false, 503]);
  });
});

describe('deliveries, replay, api keys and verify', () => {
  async function deliveredOnce(path: string) {
    const { subscription, secret } = await running.engine.delivery.subscriptions.create({
      url: `${receiver.url}${path}`,
      events: ['order.shipped'],
    });
    await running.engine.publishEvent('order.shipped', { order_id: path });
    const [request] = await receiver.waitFor(1, 30_000);
    await until(
      async () =>
        (
          await running.engine.store.deliveryLog.listDeliveries({
            subscriptionId: subscription.id,
            statuses: ['succeeded'],
          })
        ).length === 1,
      'delivery settled',
      30_000,
    );
    return {
      id: subscription.id,
      createdAt: new Date(subscription.createdAtMs).toISOString(),
      secret: secret!,
      request: request!,
    };
  }

  it('lists, reads and retries deliveries', SLOW, async () => {
    const hook = await deliveredOnce('/deliveries');
    const listed = await hookline([
      'deliveries',
      'list',
      '--webhook',
      hook.id,
      '--since',
      '1h',
      '--status',
      'succeeded',
      '--json',
    ]);
    expect(listed.json.deliveries).toEqual([
      expect.objectContaining({ webhook_id: hook.id, status: 'succeeded', attempts: 1 }),
    ]);
    const deliveryId: string = listed.json.deliveries[0].id;
    const [detail, human, missingWebhook, undelivered, byEvent, badStatus] = await Promise.all([
      hookline(['deliveries', 'get', deliveryId, '--webhook', hook.id, '--json']),
      hookline(['deliveries', 'list', '--status', 'succeeded']),
      hookline(['deliveries', 'get', deliveryId]),
      hookline(['deliveries', 'list', '--webhook', hook.id, '--status', 'undelivered,failed', '--json']),
      hookline([
        'deliveries',
        'list',
        '--webhook',
        hook.id,
        '--event-id',
        listed.json.deliveries[0].event_id,
        '--json',
      ]),
      hookline(['deliveries', 'list', '--status', 'failed,gone']),
    ]);
    expect([undelivered.json.deliveries, undelivered.json.next_cursor]).toEqual([[], null]);
    expect(byEvent.json.deliveries.map((d: { id: string }) => d.id)).toEqual([deliveryId]);
    expect([badStatus.code, badStatus.stderr]).toEqual([2, expect.stringContaining('--status takes')]);
    expect(detail.json.attempt_log).toEqual([expect.objectContaining({ attempt: 1, response_code: 200 })]);
    expect(human.stdout).toContain(deliveryId);
    expect([missingWebhook.code, missingWebhook.stderr]).toEqual([2, expect.stringContaining('--webhook is required')]);
    const before = receiver.requests.filter((r) => r.url === '/deliveries').length;
    expect((await hookline(['deliveries', 'retry', deliveryId, '--webhook', hook.id, '--json'])).code).toBe(0);
    await receiver.waitUntil(
      (requests) => requests.filter((r) => r.url === '/deliveries').length === before + 1,
      30_000,
    );
  });

  it('shows a stored event and erases its content', SLOW, async () => {
    const hook = await deliveredOnce('/erase');
    const [delivery] = await running.engine.store.deliveryLog.listDeliveries({ subscriptionId: hook.id });
    const eventId = delivery!.eventId;
    const shown = await hookline(['events', 'get', eventId]);
    const [erased, missing] = await Promise.all([
      hookline(['events', 'erase', eventId, '--json']),
      hookline(['events', 'erase', 'evt_missing']),
    ]);
    expect(shown.stdout).toMatch(/Type:\s+order\.shipped/);
    expect(shown.stdout).toContain('/erase');
    expect([erased.code, erased.json]).toEqual([0, expect.objectContaining({ event_id: eventId, deliveries: 1 })]);
    expect([missing.code, missing.stderr]).toEqual([1, expect.stringContaining('NOT_FOUND')]);
    const after = await hookline(['events', 'get', eventId, '--json']);
    expect(after.json).toMatchObject({ id: eventId, data: null, erased: true });
    const again = await hookline(['events', 'erase', eventId]);
    expect([again.code, again.stdout]).toEqual([0, expect.stringContaining(`${eventId} erased: 1 delivery emptied`)]);
  });

  it('registers an event type schema, publishes against it once per key, and removes it', SLOW, async () => {
    const schema = JSON.stringify({ type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } });
    const registered = await hookline([
      'event-types',
      'register',
      'refund.issued',
      '--schema',
      schema,
      '--description',
      'Money back',
    ]);
    expect([registered.code, registered.stdout]).toEqual([
      0,
      expect.stringMatching(/refund\.issued registered \(version \d+\)/),
    ]);
    const [listed, shown] = await Promise.all([
      hookline(['event-types', 'list']),
      hookline(['event-types', 'get', 'refund.issued', '--json']),
    ]);
    expect(listed.stdout).toMatch(/refund\.issued\s+\d+\s+\S+\s+Money back/);
    expect(shown.json).toMatchObject({ type: 'refund.issued', schema: JSON.parse(schema) });
    const args = ['events', 'publish', 'refund.issued', '--data', '{"amount":5}', '--idempotency-key', 'r-1', '--json'];
    const first = await hookline(args);
    const repeat = await hookline(args);
    expect(first.json).toMatchObject({ success: true, type: 'refund.issued' });
    expect(repeat.json).toMatchObject({ event_id: first.json.event_id, duplicate: true });
    const bad = await hookline(['events', 'publish', 'refund.issued', '--data', '{"amount":"5"}']);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringContaining('INVALID_INPUT')]);
    expect(bad.stderr).toContain('(field: data.amount)');
    const hostile = await hookline([
      'event-types',
      'register',
      'refund.issued',
      '--schema',
      '{"$ref":"https://x.example/s"}',
    ]);
    expect([hostile.code, hostile.stderr]).toEqual([1, expect.stringContaining('field: schema.$ref')]);
    expect((await hookline(['event-types', 'remove', 'refund.issued'])).stdout).toContain('refund.issued removed');
  });

  it('replays a time range window by window and shows the progress on stderr', SLOW, async () => {
    const hook = await deliveredOnce('/replay');
    const replayed = await hookline(['replay', '--webhook', hook.id, '--since', '10m', '--windows', '4', '--json']);
    expect([replayed.code, replayed.json]).toEqual([
      0,
      expect.objectContaining({ success: true, replayed: 1, windows: 4 }),
    ]);
    expect(replayed.stderr).toContain('100% 4/4');
    await receiver.waitUntil((requests) => requests.filter((r) => r.url === '/replay').length === 2, 30_000);
    // Without --since: since the webhook was created; with --only-failed: nothing failed, nothing to send.
    const [everything, failedOnly] = await Promise.all([
      hookline(['replay', '--webhook', hook.id, '--windows', '2', '--json']),
      hookline(['replay', '--webhook', hook.id, '--only-failed', '--json']),
    ]);
    expect(everything.json).toMatchObject({ replayed: 1, only_failed: false, windows: 2 });
    expect(Date.parse(everything.json.since)).toBe(Date.parse(hook.createdAt));
    expect([failedOnly.code, failedOnly.json.replayed, failedOnly.json.only_failed]).toEqual([0, 0, true]);
    const [backwards, unknown] = await Promise.all([
      hookline(['replay', '--webhook', hook.id, '--since', '1h', '--until', '2h']),
      hookline(['replay', '--webhook', 'wh_missing', '--since', '1h']),
    ]);
    expect(backwards.code).toBe(2);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('NOT_FOUND')]);
  });

  onSqlite('creates an API key in the engine’s database that the API then accepts', SLOW, async () => {
    const created = await hookline(['api-key', 'create', '--name', 'ci', '--db', running.dbPath, '--json'], {
      env: { HOOKLINE_ENCRYPTION_KEY: 'test-key' },
    });
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({ name: 'ci', key: expect.stringMatching(/^hk_/) });
    const listed = await hookline(['webhooks', 'list', '--json'], { env: { HOOKLINE_API_KEY: created.json.key } });
    expect([listed.code, typeof listed.json.total]).toEqual([0, 'number']);
    expect((await hookline(['api-key', 'create', '--db', running.dbPath])).code).toBe(2);
  });

  it('verifies a real delivery from stdin: 0 when authentic, 1 when changed, 2 without a secret', SLOW, async () => {
    const { secret, request } = await deliveredOnce('/verify');
    const headers = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].flatMap((name) => [
      '--header',
      `${name}: ${request.headers[name]}`,
    ]);
    const [valid, changed, usage] = await Promise.all([
      hookline(['verify', '--secret', secret, ...headers, '--json'], { stdin: request.body }),
      hookline(['verify', '--secret', secret, ...headers], { stdin: request.body.replace('/verify', '/forged') }),
      hookline(['verify', ...headers], { stdin: request.body }),
    ]);
    expect([valid.code, valid.json]).toEqual([
      0,
      { valid: true, payload: expect.objectContaining({ type: 'order.shipped', data: { order_id: '/verify' } }) },
    ]);
    expect([changed.code, changed.stderr]).toEqual([1, expect.stringContaining('invalid: mismatch')]);
    expect(usage.code).toBe(2);
  });

  it('verifies a delivery of a profile webhook with --profile', SLOW, async () => {
    await running.engine.delivery.subscriptions.create({
      url: `${receiver.url}/admin-do`,
      events: ['order.shipped'],
      profile: 'admin-do',
      secret: 'my-webhook-secret',
    });
    await running.engine.publishEvent('order.shipped', { order_id: 'admin-do' });
    const [request] = await receiver.waitFor(1, 30_000);
    const headers = ['x-admin-signature', 'x-admin-timestamp'].flatMap((name) => [
      '--header',
      `${name}: ${request.headers[name]}`,
    ]);
    const [valid, bare] = await Promise.all([
      hookline(['verify', '--profile', 'admin-do', '--secret', 'my-webhook-secret', ...headers], {
        stdin: request.body,
      }),
      hookline(['verify', '--profile', 'stripe', '--secret', 'my-webhook-secret', ...headers], { stdin: request.body }),
    ]);
    expect(valid.code).toBe(0);
    expect(bare.code).toBe(2);
  });
});
