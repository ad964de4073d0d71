/**
 * n8n's Webhook and Respond to Webhook nodes, differential: the same workflows and credentials are
 * imported into a real n8n 2.8.4 and served by Hookline, the same requests go to both, and the
 * answers must match: status, the headers n8n sets, and the body (the Webhook item itself for the
 * echo workflows). Refusals differ by design in their body only: n8n sends its message as text,
 * Hookline the same message in its error shape. The n8n CLI's `execute` cannot drive a webhook,
 * hence a running n8n here rather than golden files.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureN8n } from '../../scripts/n8n-install.mjs';
import { DIFF_CREDENTIALS, DIFF_REQUESTS, DIFF_WORKFLOWS, type DiffRequest } from '../fixtures/n8n/webhook-diff.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { createN8nHost, type N8nHost } from './n8n-host.js';

interface Seen {
  status: number;
  headers: Record<string, string | null>;
  body: unknown;
}

/** The headers whose values the nodes decide (not the server's own: date, etag, keep-alive). */
const COMPARED_HEADERS = [
  'content-type',
  'www-authenticate',
  'location',
  'x-reply',
  'x-kind',
  'access-control-allow-origin',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
];

/** Values that name the server answering: its address (host header, webhookUrl). */
function normalize(value: unknown, baseUrl: string): unknown {
  if (typeof value === 'string')
    return value
      .split(baseUrl)
      .join('<base>')
      .replace(/127\.0\.0\.1:\d+/g, '<host>');
  if (Array.isArray(value)) return value.map((entry) => normalize(entry, baseUrl));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, normalize(entry, baseUrl)]));
  return value;
}

async function send(baseUrl: string, request: DiffRequest): Promise<Seen> {
  const answer = await fetch(`${baseUrl}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: 'manual',
  });
  const text = await answer.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // A text answer stays text.
  }
  const headers = Object.fromEntries(COMPARED_HEADERS.map((name) => [name, answer.headers.get(name)]));
  return { status: answer.status, headers, body: normalize(body, baseUrl) };
}

/** Hookline's refusal body carries n8n's message; n8n's is that message as text (or its JSON for a 404). */
function comparableBody(seen: Seen): unknown {
  const body = seen.body as { success?: boolean; error?: { message?: string } };
  if (seen.status >= 400 && body?.success === false) return body.error?.message;
  return seen.body;
}

describe("n8n's Webhook node: Hookline answers as a real n8n does", () => {
  let n8n: N8nHost | undefined;
  let hookline: TestEngine | undefined;

  beforeAll(async () => {
    const install = await ensureN8n();
    n8n = await createN8nHost({ bin: install.bin });
    const credentialsFile = join(n8n.userFolder.path, 'credentials.json');
    const workflowsFile = join(n8n.userFolder.path, 'workflows.json');
    writeFileSync(credentialsFile, JSON.stringify(DIFF_CREDENTIALS));
    writeFileSync(workflowsFile, JSON.stringify(DIFF_WORKFLOWS));
    await n8n.cli(['import:credentials', `--input=${credentialsFile}`]);
    await n8n.cli(['import:workflow', `--input=${workflowsFile}`]);
    for (const workflow of DIFF_WORKFLOWS) await n8n.cli(['publish:workflow', `--id=${workflow.id}`]);
    await n8n.start({ activations: DIFF_WORKFLOWS.length });
    hookline = await startTestEngine({
      workflows: Object.fromEntries(DIFF_WORKFLOWS.map((workflow) => [workflow.id, { ...workflow, active: true }])),
      credentials: DIFF_CREDENTIALS,
      config: { failedAuthLimit: 0 },
    });
  });

  afterAll(async () => {
    if (process.env.HOOKLINE_N8N_LOG) console.log(n8n?.output());
    await hookline?.stop();
    await n8n?.dispose();
  });

  for (const request of DIFF_REQUESTS) {
    it(`${request.name}: ${request.method} ${request.path.split('?')[0]}`, async () => {
      const expected = await send(n8n!.url, request);
      const actual = await send(hookline!.url, request);
      const where = `n8n: ${JSON.stringify(expected)}\nhookline: ${JSON.stringify(actual)}`;
      expect(actual.status, where).toBe(expected.status);
      // A 404 is Hookline's own (no trigger there); its body is not n8n's hint.
      if (expected.status !== 404) expect(comparableBody(actual), where).toEqual(comparableBody(expected));
      for (const name of COMPARED_HEADERS) {
        const [want, got] = [expected.headers[name], actual.headers[name]];
        // Hookline sends its error bodies as JSON; n8n its refusals as text.
        if (name === 'content-type' && expected.status >= 400) continue;
        expect(got, `${name}\n${where}`).toBe(want);
      }
    });
  }
});
