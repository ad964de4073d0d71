/**
 * Hookline's nodes inside a real n8n (2.8.4, the newest that runs on Node 20): the built package
 * (`dist-n8n/`, from `npm run build:n8n`) installed as a community package, the relay workflow and
 * its credentials imported with n8n's CLI and published, then a bearer-authenticated, signed request
 * to our trigger must come out of our sender as a Standard Webhooks POST that verifies.
 * The same workflow JSON runs in the standalone engine: test/integration/n8n-workflow-compat.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureN8n, n8nInstallDir } from '../../scripts/n8n-install.mjs';
import { startReceiver, type Receiver } from '../fixtures/receiver.js';
import {
  RELAY_CREDENTIALS_PATH,
  RELAY_ORDER,
  RELAY_PATH,
  RELAY_WORKFLOW_PATH,
  readRelayWorkflow,
  relayRequest,
  verifyRelayed,
} from '../fixtures/n8n/relay.js';
import { createN8nHost, type N8nHost } from './n8n-host.js';

const packageDir = fileURLToPath(new URL('../../dist-n8n/', import.meta.url));
const timings: Record<string, string> = {};
const seconds = (fromMs: number) => `${((Date.now() - fromMs) / 1000).toFixed(1)} s`;

describe('Hookline nodes in a real n8n', () => {
  let n8n: N8nHost | undefined;
  let receiver: Receiver;
  let n8nVersion = '';

  beforeAll(async () => {
    if (!existsSync(`${packageDir}package.json`))
      throw new Error('dist-n8n/ is missing: run `npm run build:n8n` (npm run test:n8n does)');
    let startedMs = Date.now();
    const install = await ensureN8n();
    n8nVersion = install.version;
    timings.install = install.installed
      ? `${(install.installMs / 1000).toFixed(0)} s (installed now)`
      : `reused ${n8nInstallDir()} (first install: ${cachedInstallTime(install.dir)})`;

    receiver = await startReceiver();
    startedMs = Date.now();
    n8n = await createN8nHost({ bin: install.bin, packageDir });
    await n8n.cli(['import:credentials', `--input=${RELAY_CREDENTIALS_PATH}`]);
    await n8n.cli(['import:workflow', `--input=${RELAY_WORKFLOW_PATH}`]);
    await n8n.cli(['publish:workflow', `--id=${readRelayWorkflow().id}`]);
    timings['package install, imports, publish'] = seconds(startedMs);

    startedMs = Date.now();
    await n8n.start({ activations: 1 });
    timings['n8n start to ready'] = seconds(startedMs);
  });

  afterAll(async () => {
    if (process.env.HOOKLINE_N8N_LOG) console.log(n8n?.output());
    await n8n?.dispose();
    await receiver?.close();
    console.log(
      `n8n ${n8nVersion} end-to-end timings:\n${Object.entries(timings)
        .map(([what, took]) => `  ${what}: ${took}`)
        .join('\n')}`,
    );
  });

  it('loads the package: n8n activated the workflow built from our two node types', () => {
    expect(n8n!.output()).toMatch(/Activated workflow/);
    expect(n8n!.output()).not.toMatch(/n8n-nodes-hookline[^\n]*(error|could not)/i);
  });

  it('relays a bearer-authenticated, signed order as a Standard Webhooks POST that verifies', async () => {
    const startedMs = Date.now();
    const { body, headers } = relayRequest(`${receiver.url}/orders`);
    const answer = await fetch(`${n8n!.url}${RELAY_PATH}`, { method: 'POST', headers, body });
    expect(answer.status, n8n!.output().slice(-4000)).toBe(200);
    expect(await answer.json()).toMatchObject({ success: true, status: 'queued' });

    const [relayed] = await receiver.waitFor(1, 30_000);
    timings['request to signed POST received'] = `${Date.now() - startedMs} ms`;
    expect(relayed.method).toBe('POST');
    expect(relayed.url).toBe('/orders');
    expect(relayed.headers['webhook-signature']).toMatch(/^v1,/);
    const event = verifyRelayed(relayed.body, relayed.headers);
    expect(event).toMatchObject({ type: 'order.received', data: RELAY_ORDER });
  });

  it('answers 401 to a wrong bearer token and relays nothing', async () => {
    const before = receiver.requests.length;
    const { body, headers } = relayRequest(`${receiver.url}/orders`, { bearer: 'not-the-relay-token-0000' });
    const answer = await fetch(`${n8n!.url}${RELAY_PATH}`, { method: 'POST', headers, body });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await answer.json()).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
    expect(receiver.requests.length).toBe(before);
  });
});

function cachedInstallTime(dir: string): string {
  try {
    const marker = JSON.parse(readFileSync(`${dir}/.hookline-installed.json`, 'utf8')) as { installMs: number };
    return `${(marker.installMs / 1000).toFixed(0)} s`;
  } catch {
    return 'unknown';
  }
}
