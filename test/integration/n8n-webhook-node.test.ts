/**
 * n8n's Webhook node (v1 to v2.1) and Respond to Webhook in the engine, over real sockets: n8n's
 * URLs and paths, the item it hands on, and each response mode answered as n8n answers it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockingNode } from '../fixtures/blocking-node.js';
import { webhookTestNodes, webhookWorkflow } from '../fixtures/n8n-webhook.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { nextEvent } from '../helpers/wait.js';

const WEBHOOK_ID = '5f1c7a52-3d7e-4b1f-9a64-2f0c3c1e8b77';
const respond = (parameters: Record<string, unknown>, typeVersion = 1.1) => ({
  name: 'Respond to Webhook',
  type: 'n8n-nodes-base.respondToWebhook',
  typeVersion,
  parameters,
});
const lastNode = (id: string, path: string, extra: Record<string, unknown> = {}, chain = [] as never[]) =>
  webhookWorkflow({ id, parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', ...extra }, chain });

const WORKFLOWS = {
  received: webhookWorkflow({ id: 'received', parameters: { httpMethod: 'POST', path: 'orders' } }),
  echo: lastNode('echo', 'echo', { responseData: 'allEntries' }),
  byId: webhookWorkflow({
    id: 'by-id',
    webhookId: WEBHOOK_ID,
    parameters: { httpMethod: 'GET', path: '', responseMode: 'lastNode', responseData: 'allEntries' },
  }),
  dynamic: webhookWorkflow({
    id: 'dynamic',
    webhookId: WEBHOOK_ID,
    parameters: { httpMethod: 'GET', path: 'users/:userId/orders/:orderId', responseMode: 'lastNode' },
  }),
  custom: webhookWorkflow({
    id: 'custom',
    parameters: {
      httpMethod: 'POST',
      path: 'custom',
      options: {
        responseData: 'thanks',
        responseHeaders: { entries: [{ name: 'X-Reply', value: 'yes' }] },
        responseCode: { values: { responseCode: 'customCode', customCode: 418 } },
      },
    },
  }),
  silent: webhookWorkflow({
    id: 'silent',
    typeVersion: 1,
    parameters: { httpMethod: 'PUT', path: 'silent', responseCode: 202, options: { noResponseBody: true } },
  }),
  first: lastNode('first', 'first', { options: { responsePropertyName: 'nested' } }, [
    { name: 'Double', type: 'test.double' },
  ] as never[]),
  typed: lastNode('typed', 'typed', { options: { responseContentType: 'application/vnd.test+json' } }, [
    { name: 'Double', type: 'test.double' },
  ] as never[]),
  nothing: lastNode('nothing', 'nothing', { responseData: 'noData' }, [
    { name: 'Double', type: 'test.double' },
  ] as never[]),
  empty: lastNode('empty', 'empty', {}, [{ name: 'Empty', type: 'test.empty' }] as never[]),
  failing: lastNode('failing', 'failing', {}, [{ name: 'Fail', type: 'test.fail' }] as never[]),
  methods: webhookWorkflow({
    id: 'methods',
    typeVersion: 2.1,
    parameters: { multipleMethods: true, path: 'both', responseMode: 'lastNode', responseData: 'allEntries' },
  }),
  respondJson: webhookWorkflow({
    id: 'respond-json',
    parameters: { httpMethod: 'POST', path: 'respond-json', responseMode: 'responseNode' },
    chain: [
      respond({
        respondWith: 'json',
        responseBody: '={{ { "got": $json.body.n, "ok": true } }}',
        options: { responseCode: 201, responseHeaders: { entries: [{ name: 'X-Kind', value: 'json' }] } },
      }),
    ],
  }),
  respondText: webhookWorkflow({
    id: 'respond-text',
    parameters: { httpMethod: 'POST', path: 'respond-text', responseMode: 'responseNode' },
    chain: [respond({ respondWith: 'text', responseBody: '=hello {{ $json.body.name }}' })],
  }),
  respondItems: webhookWorkflow({
    id: 'respond-items',
    parameters: { httpMethod: 'POST', path: 'respond-items', responseMode: 'responseNode' },
    chain: [
      { name: 'Double', type: 'test.double' },
      respond({ respondWith: 'allIncomingItems', options: { responseKey: 'data.items' } }),
    ],
  }),
  redirect: webhookWorkflow({
    id: 'redirect',
    parameters: { httpMethod: 'GET', path: 'go', responseMode: 'responseNode' },
    chain: [respond({ respondWith: 'redirect', redirectURL: 'https://example.com/next' })],
  }),
  early: webhookWorkflow({
    id: 'early',
    parameters: { httpMethod: 'POST', path: 'early', responseMode: 'responseNode' },
    chain: [respond({ respondWith: 'noData', options: { responseCode: 204 } }), { name: 'Block', type: 'test.block' }],
  }),
  respondFirst: webhookWorkflow({
    id: 'respond-first',
    parameters: { httpMethod: 'POST', path: 'respond-first', responseMode: 'responseNode' },
    chain: [respond({ respondWith: 'firstIncomingItem', enableResponseOutput: true, options: {} }, 1.5)],
  }),
  unanswered: webhookWorkflow({
    id: 'unanswered',
    parameters: { httpMethod: 'POST', path: 'unanswered', responseMode: 'responseNode' },
  }),
};

let engine: TestEngine;

beforeAll(async () => {
  engine = await startTestEngine({
    workflows: WORKFLOWS,
    nodeTypes: { ...webhookTestNodes, 'test.block': blockingNode.type },
  });
});

afterAll(async () => {
  await engine?.stop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${engine.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('the item n8n hands on', () => {
  it('is { headers, params, query, body, webhookUrl, executionMode } on the production URL', async () => {
    const answer = await post('/webhook/echo?x=1&tag=a&tag=b', { n: 2 }, { 'x-custom': 'v' });
    expect(answer.status).toBe(200);
    const [item] = (await answer.json()) as Array<Record<string, unknown>>;
    expect(Object.keys(item).sort()).toEqual(['body', 'executionMode', 'headers', 'params', 'query', 'webhookUrl']);
    expect(item).toMatchObject({
      body: { n: 2 },
      params: {},
      query: { x: '1', tag: ['a', 'b'] },
      executionMode: 'production',
      webhookUrl: `${engine.url}/webhook/echo`,
    });
    expect(item.headers).toMatchObject({ 'x-custom': 'v', 'content-type': 'application/json' });
  });

  it('runs the test URL in test mode, naming the test URL', async () => {
    const answer = await post('/webhook-test/echo', { n: 1 });
    const [item] = (await answer.json()) as Array<Record<string, unknown>>;
    expect(item).toMatchObject({ executionMode: 'test', webhookUrl: `${engine.url}/webhook-test/echo` });
  });

  it('listens on the webhookId when the path is empty', async () => {
    const answer = await fetch(`${engine.url}/webhook/${WEBHOOK_ID}`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject([{ body: {}, executionMode: 'production' }]);
  });

  it('serves a path with :name segments under the webhookId, with its params', async () => {
    const answer = await fetch(`${engine.url}/webhook/${WEBHOOK_ID}/users/42/orders/a%20b`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ params: { userId: '42', orderId: 'a b' } });
    expect((await fetch(`${engine.url}/webhook/${WEBHOOK_ID}/users/42`)).status).toBe(404);
  });

  it('puts each method on its own output with multipleMethods (v2.1)', async () => {
    const viaGet = await fetch(`${engine.url}/webhook/both?m=get`);
    expect(await viaGet.json()).toMatchObject([{ query: { m: 'get' } }]);
    const viaPost = await post('/webhook/both', { m: 'post' });
    // The POST item is on output 1; n8n answers the last node's first output, here empty.
    expect(await viaPost.json()).toEqual([]);
    expect((await fetch(`${engine.url}/webhook/both`, { method: 'PUT' })).status).toBe(404);
  });

  it('answers an unknown path or method with 404 in the error shape', async () => {
    const answer = await post('/webhook/not-there', {});
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    expect((await fetch(`${engine.url}/webhook/orders`)).status).toBe(404);
  });
});

describe('responseMode onReceived', () => {
  it("answers n8n's message once the execution is durable, and runs it", async () => {
    const answer = await post('/webhook/orders', { id: 7 });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await answer.json()).toEqual({ message: 'Workflow was started' });
    const rows = await engine.sql("SELECT status FROM executions WHERE workflow_id = 'received'");
    expect(rows).toHaveLength(1);
  });

  it('answers the custom text, code and headers of the options (v2 custom code)', async () => {
    const answer = await post('/webhook/custom', {});
    expect(answer.status).toBe(418);
    expect(answer.headers.get('x-reply')).toBe('yes');
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await answer.text()).toBe('thanks');
  });

  it('answers v1 responseCode with no body when noResponseBody is set', async () => {
    const answer = await fetch(`${engine.url}/webhook/silent`, { method: 'PUT' });
    expect(answer.status).toBe(202);
    expect(await answer.text()).toBe('');
  });
});

describe('responseMode lastNode', () => {
  it('answers the first item, or its responsePropertyName', async () => {
    const answer = await post('/webhook/first', { n: 21 });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true });
  });

  it('answers under responseContentType', async () => {
    const answer = await post('/webhook/typed', { n: 4 });
    // As express sends it, with the charset of the JSON text.
    expect(answer.headers.get('content-type')).toBe('application/vnd.test+json; charset=utf-8');
    expect(await answer.json()).toEqual({ n: 8, nested: { ok: true } });
  });

  it('answers nothing with noData', async () => {
    const answer = await post('/webhook/nothing', { n: 1 });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('');
  });

  it("answers n8n's 500 messages when the last node has no item or the run fails", async () => {
    const empty = await post('/webhook/empty', {});
    expect(empty.status).toBe(500);
    expect(await empty.json()).toEqual({ message: 'No item to return was found' });
    const failed = await post('/webhook/failing', {});
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: 'Error in workflow' });
  });
});

describe('responseMode responseNode', () => {
  it('answers the JSON the Respond to Webhook node builds, with its code and headers', async () => {
    const answer = await post('/webhook/respond-json', { n: 5 });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('x-kind')).toBe('json');
    expect(await answer.json()).toEqual({ got: 5, ok: true });
  });

  it('answers text', async () => {
    const answer = await post('/webhook/respond-text', { name: 'Ada' });
    expect(await answer.text()).toBe('hello Ada');
  });

  it('answers all incoming items under responseKey', async () => {
    const answer = await post('/webhook/respond-items', { n: 3 });
    expect(await answer.json()).toEqual({ data: { items: [{ n: 6, nested: { ok: true } }] } });
  });

  it('answers the first incoming item (v1.5)', async () => {
    const answer = await post('/webhook/respond-first', { n: 9 });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ body: { n: 9 }, executionMode: 'production' });
  });

  it('redirects with 307 and Location', async () => {
    const answer = await fetch(`${engine.url}/webhook/go`, { redirect: 'manual' });
    expect(answer.status).toBe(307);
    expect(answer.headers.get('location')).toBe('https://example.com/next');
  });

  it('answers as soon as the Respond node runs, while the run goes on', async () => {
    const started = nextEvent(blockingNode.events, 'started');
    const answer = await post('/webhook/early', {});
    expect(answer.status).toBe(204);
    const [executionId] = (await started) as [string];
    // Answered while the run waits in the next node: it has not finished.
    const [row] = await engine.sql('SELECT status FROM executions WHERE id = ?', [executionId]);
    expect(['queued', 'running']).toContain(row.status);
    await engine.engine.stopExecution(executionId);
  });

  it('refuses a v2 Webhook in responseNode mode without a Respond to Webhook node (500, nothing stored)', async () => {
    const answer = await post('/webhook/unanswered', {});
    expect(answer.status).toBe(500);
    expect(await answer.json()).toMatchObject({
      success: false,
      error: { code: 'NODE_EXECUTION_FAILED', message: expect.stringContaining('No Respond to Webhook node') },
    });
    expect(await engine.sql("SELECT id FROM executions WHERE workflow_id = 'unanswered'")).toHaveLength(0);
  });
});

describe('ingress guarantees', () => {
  it('stores one execution for a repeated Idempotency-Key and answers both', async () => {
    const headers = { 'idempotency-key': 'order-99' };
    const first = await post('/webhook/orders', { id: 99 }, headers);
    const again = await post('/webhook/orders', { id: 99 }, headers);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.headers.get('x-hookline-duplicate')).toMatch(/^exec_/);
    const rows = await engine.sql("SELECT id FROM executions WHERE idempotency_key = 'order-99'");
    expect(rows).toHaveLength(1);
  });
});
