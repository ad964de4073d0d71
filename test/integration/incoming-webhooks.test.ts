import { sign as githubSign } from '@octokit/webhooks-methods';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { describe, expect, test as fixtureTest } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/engine.js';
import { untilValue } from '../helpers/wait.js';
import type { ExecutionRecord } from '../../engine/store/types.js';
import { credentials, incomingWorkflows, TOKENS } from '../fixtures/incoming.js';

const API_KEY = 'hk_admin_test_key_0123456789';

/** POSTs to one engine: JSON, or a raw string body as given. */
const postTo =
  (running: TestEngine) =>
  (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${running.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
const bearer = { authorization: `Bearer ${TOKENS.bearer}` };

/** Between checks, waits for the executor to go idle rather than for a timer. */
const statusWaiter = (running: TestEngine) => (executionId: string, status: string) =>
  untilValue(
    () => running.engine.store.getExecution(executionId),
    (execution): execution is ExecutionRecord => execution?.status === status,
    `execution ${executionId} to reach ${status}`,
    { between: () => running.engine.executor.idle() },
  );

/**
 * Each test gets its own engine (every incoming workflow, their credentials, the admin key, a
 * 4096-byte body limit), so no test sees another's executions, events, idempotency keys or
 * credential changes.
 */
const it = fixtureTest.extend<{
  running: TestEngine;
  post: ReturnType<typeof postTo>;
  waitForStatus: ReturnType<typeof statusWaiter>;
}>({
  running: async ({ startEngine }, use) => {
    await use(
      await startEngine({
        workflows: incomingWorkflows,
        credentials,
        config: { apiKey: API_KEY, bodyLimitBytes: 4096 },
      }),
    );
  },
  post: async ({ running }, use) => {
    await use(postTo(running));
  },
  waitForStatus: async ({ running }, use) => {
    await use(statusWaiter(running));
  },
});

describe('workflow trigger', () => {
  it('accepts a valid request: durable queued execution, seed reply, then the run', async ({
    post,
    running,
    waitForStatus,
  }) => {
    const response = await post(
      '/webhooks/workflows/orders',
      {
        input_data: { name: 'John Doe', email: 'john@example.com' },
        trigger_source: 'contact_form',
        metadata: { form_id: 'contact_v2' },
      },
      bearer,
    );
    expect(response.status).toBe(202);
    const body = (await response.json()) as { execution_id: string; estimated_completion: string };
    expect(body).toMatchObject({ success: true, message: 'Webhook processed successfully', status: 'queued' });
    expect(body.execution_id).toMatch(/^exec_[0-9A-Z]{26}$/);
    expect(Number.isNaN(Date.parse(body.estimated_completion))).toBe(false);
    const execution = await waitForStatus(body.execution_id, 'succeeded');
    expect(execution.output).toEqual([{ greeting: 'hello John Doe' }]);
    expect(execution.metadata).toMatchObject({ trigger_source: 'contact_form' });
    const input = execution.input as Array<{ headers: Record<string, string> }>;
    expect(input[0].headers.authorization).toBeUndefined();
    const started = await running.engine.store.listEvents({ type: 'workflow.execution.started' });
    expect(started.some((event) => (event.data as { execution_id: string }).execution_id === body.execution_id)).toBe(
      true,
    );
  });

  it('answers with the output when the trigger responds when the last node finishes', async ({ post }) => {
    const response = await post('/webhooks/workflows/sync', { input_data: { name: 'Ada' } }, bearer);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      success: true,
      status: 'succeeded',
      output: { greeting: 'hello Ada' },
    });
  });

  it('returns the first execution for a repeated Idempotency-Key and does not run again', async ({ post, running }) => {
    const headers = { ...bearer, 'idempotency-key': 'order-4711' };
    const first = (await (await post('/webhooks/workflows/orders', { input_data: { name: 'A' } }, headers)).json()) as {
      execution_id: string;
    };
    const second = await post('/webhooks/workflows/orders', { input_data: { name: 'A' } }, headers);
    expect(second.status).toBe(200);
    const repeat = await second.json();
    expect(repeat).toMatchObject({ success: true, execution_id: first.execution_id, duplicate: true });
    const sameKey = (await running.engine.store.listExecutions({ workflowId: 'orders', limit: 100 })).filter(
      (e) => e.idempotencyKey === 'order-4711',
    );
    expect(sameKey).toHaveLength(1);
  });

  it('treats a repeated webhook-id like an Idempotency-Key', async ({ post }) => {
    const headers = { ...bearer, 'webhook-id': 'msg_2f1' };
    const [a, b] = await Promise.all([
      post('/webhooks/workflows/orders', { input_data: {} }, headers),
      post('/webhooks/workflows/orders', { input_data: {} }, headers),
    ]);
    const [first, second] = [
      (await a.json()) as { execution_id: string },
      (await b.json()) as { execution_id: string },
    ];
    expect(first.execution_id).toBe(second.execution_id);
  });

  it('applies the workflow input schema and names the first bad field', async ({ post }) => {
    const response = await post('/webhooks/workflows/typed', { input_data: { email: 'not-an-email' } }, bearer);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: unknown };
    expect(body.error).toMatchObject({
      code: 'INVALID_INPUT',
      details: { field: 'input_data.email', received: 'string' },
    });
    const missing = (await (await post('/webhooks/workflows/typed', { input_data: {} }, bearer)).json()) as {
      error: unknown;
    };
    expect(missing.error).toMatchObject({
      code: 'INVALID_INPUT',
      message: "Required field 'input_data.email' is missing",
      details: { field: 'input_data.email', received: 'null' },
    });
  });
});

describe('agent trigger', () => {
  it('accepts a message with the URL token and emits agent.message.received', async ({
    post,
    running,
    waitForStatus,
  }) => {
    const response = await post(`/webhooks/agents/support-bot?token=${TOKENS.url}`, {
      message: 'Hello, I need help with my order #12345',
      user_id: 'user_123',
      context: { order_id: '12345' },
    });
    expect(response.status).toBe(202);
    const { execution_id } = (await response.json()) as { execution_id: string };
    const execution = await waitForStatus(execution_id, 'succeeded');
    expect(execution.kind).toBe('agent');
    expect((execution.input as Array<{ query: Record<string, string> }>)[0].query.token).toBeUndefined();
    const received = await running.engine.store.listEvents({ type: 'agent.message.received' });
    expect(received.at(-1)?.data).toMatchObject({
      agent_id: 'support-bot',
      message: 'Hello, I need help with my order #12345',
      user_id: 'user_123',
      execution_id,
    });
    const completed = await running.engine.store.listEvents({ type: 'agent.completed' });
    expect(completed.some((e) => (e.data as { executionId: string }).executionId === execution_id)).toBe(true);
  });

  it("rejects a request without 'message' in the seed's error shape", async ({ post }) => {
    const response = await post(`/webhooks/agents/support-bot?token=${TOKENS.url}`, { user_id: 'user_123' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      success: false,
      error: {
        code: 'INVALID_INPUT',
        message: "Required field 'message' is missing",
        details: { field: 'message', expected: 'string', received: 'null' },
      },
    });
  });
});

describe('authentication', () => {
  it('answers a missing or wrong bearer token with the 404 of an unknown trigger, without WWW-Authenticate', async ({
    post,
  }) => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer wrong-token' },
      { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    ]) {
      const response = await post('/webhooks/workflows/orders', { input_data: {} }, headers);
      expect(response.status).toBe(404);
      expect(response.headers.get('www-authenticate')).toBeNull();
      expect((await response.json()).error.code).toBe('NOT_FOUND');
    }
  });

  it('checks credentials before reading the body', async ({ post }) => {
    const response = await post('/webhooks/workflows/orders', '{ this is not json', { authorization: 'Bearer nope' });
    expect(response.status).toBe(404);
  });

  it('accepts Basic auth on a custom path and refuses a wrong password', async ({ post }) => {
    const good = `Basic ${Buffer.from(`${TOKENS.user}:${TOKENS.password}`).toString('base64')}`;
    expect((await post('/webhook/forms/contact', { input_data: { name: 'x' } }, { authorization: good })).status).toBe(
      202,
    );
    const bad = await post(
      '/webhook/forms/contact',
      { input_data: {} },
      { authorization: `Basic ${Buffer.from(`${TOKENS.user}:wrong`).toString('base64')}` },
    );
    expect(bad.status).toBe(404);
    expect(bad.headers.get('www-authenticate')).toBeNull();
  });

  it('refuses a wrong URL token', async ({ post }) => {
    expect((await post('/webhooks/agents/support-bot?token=wh_wrong', { message: 'hi' })).status).toBe(404);
  });

  it('refuses an address outside the IP allowlist with the 404 of an unknown trigger', async ({ post }) => {
    const response = await post('/webhooks/workflows/walled', { input_data: {} }, { authorization: 'Bearer wrong' });
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('NOT_FOUND');
  });
});

describe('signed incoming bodies', () => {
  const body = JSON.stringify({ action: 'opened', input_data: { name: 'octocat' } });

  it('accepts a GitHub signature made by @octokit/webhooks-methods and refuses a tampered body', async ({ post }) => {
    const signature = await githubSign(TOKENS.signing, body);
    expect((await post('/webhooks/workflows/github', body, { 'x-hub-signature-256': signature })).status).toBe(202);
    const tampered = await post('/webhooks/workflows/github', body.replace('opened', 'closed'), {
      'x-hub-signature-256': signature,
    });
    expect(tampered.status).toBe(401);
    expect((await tampered.json()).error.code).toBe('INVALID_SIGNATURE');
  });

  it('accepts a Stripe signature made by the stripe library', async ({ post }) => {
    const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: TOKENS.signing });
    expect((await post('/webhooks/workflows/stripe', body, { 'stripe-signature': header })).status).toBe(202);
    const old = Stripe.webhooks.generateTestHeaderString({
      payload: body,
      secret: TOKENS.signing,
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect((await post('/webhooks/workflows/stripe', body, { 'stripe-signature': old })).status).toBe(401);
  });

  it('accepts a Standard Webhooks signature made by the standardwebhooks library', async ({ post, running }) => {
    const secret = `whsec_${Buffer.from(TOKENS.signing).toString('base64')}`;
    await running.engine.store.upsertCredential({
      id: 'hooklineSigningSecretApi:Signing',
      name: 'Signing',
      type: 'hooklineSigningSecretApi',
      data: { secret },
    });
    running.engine.credentialCache.clear();
    const headers = new Webhook(secret).sign('msg_1', new Date(), body);
    const response = await post('/webhooks/workflows/svix', body, {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': headers,
    });
    expect(response.status).toBe(202);
  });
});

describe('bad requests', () => {
  it('answers 400 for malformed JSON, 415 for another content type, 413 above the body limit', async ({
    post,
    running,
  }) => {
    const malformed = await post('/webhooks/workflows/orders', '{"input_data":', bearer);
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.code).toBe('MALFORMED_JSON');
    const text = await fetch(`${running.url}/webhooks/workflows/orders`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...bearer },
      body: 'hi',
    });
    expect(text.status).toBe(415);
    expect((await text.json()).error).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: "Content type 'text/plain' is not supported; send application/json",
    });
    const large = await post('/webhooks/workflows/orders', { input_data: { blob: 'x'.repeat(5000) } }, bearer);
    expect(large.status).toBe(413);
    expect((await large.json()).error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'Request body is larger than 4096 bytes',
    });
  });

  it('answers 404 for an unknown workflow and 409 for an inactive one (404 without credentials)', async ({ post }) => {
    const unknown = await post('/webhooks/workflows/nope', { input_data: {} }, bearer);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('NOT_FOUND');
    const paused = await post('/webhooks/workflows/paused', { input_data: {} }, bearer);
    expect(paused.status).toBe(409);
    expect((await paused.json()).error.code).toBe('WORKFLOW_INACTIVE');
    const anonymous = await post('/webhooks/workflows/paused', { input_data: {} });
    expect(anonymous.status).toBe(404);
    expect((await anonymous.json()).error.code).toBe('NOT_FOUND');
  });

  it('answers 400 when input_data is not an object', async ({ post }) => {
    const response = await post('/webhooks/workflows/orders', { input_data: 'text' }, bearer);
    expect(response.status).toBe(400);
    expect((await response.json()).error.details).toMatchObject({
      field: 'input_data',
      expected: 'object',
      received: 'string',
    });
  });
});

describe('POST /api/v1/webhooks/receive', () => {
  it('stores any JSON from an external service as a webhook.received event', async ({ post, running }) => {
    const response = await post(
      '/api/v1/webhooks/receive',
      { source: 'pipedream', order: { id: 7 } },
      { authorization: `Bearer ${API_KEY}`, 'x-webhook-source': 'pipedream' },
    );
    expect(response.status).toBe(202);
    const { event_id } = await response.json();
    const event = await running.engine.store.getEvent(event_id);
    expect(event).toMatchObject({
      type: 'webhook.received',
      data: { order: { id: 7 } },
      metadata: { source: 'pipedream' },
    });
  });

  it('refuses a request without a valid API key', async ({ post }) => {
    expect((await post('/api/v1/webhooks/receive', { a: 1 })).status).toBe(401);
    expect((await post('/api/v1/webhooks/receive', { a: 1 }, { authorization: 'Bearer wrong' })).status).toBe(401);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once a credential exceeds its rate', async ({ startEngine }) => {
    const limited = await startEngine({
      workflows: { orders: incomingWorkflows.orders },
      credentials,
      config: { rateLimitPerMinute: 2 },
    });
    const statuses = [];
    let last: Response | undefined;
    for (let i = 0; i < 3; i++) {
      last = await fetch(`${limited.url}/webhooks/workflows/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer },
        body: '{"input_data":{}}',
      });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([202, 202, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await last!.json()).error.code).toBe('RATE_LIMITED');
  });
});
