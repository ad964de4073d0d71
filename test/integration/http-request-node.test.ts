/**
 * n8n's HTTP Request node in a running engine, against real receivers on 127.0.0.1: methods,
 * query, headers, bodies, auth from the credentials file, response formats, errors as n8n words
 * them, batching, redirects, and the SSRF guard (loopback refused unless allowPrivateTargets).
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../fixtures/receiver.js';
import { chain, node } from '../fixtures/workflows.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

const HTTP = 'n8n-nodes-base.httpRequest';
let receiver: Receiver;
let open: TestEngine;
let guarded: TestEngine;

/** Start → HTTP Request with these parameters. */
function workflow(id: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: id,
    nodes: [node('Start', 'hookline.manualTrigger'), node('HTTP', HTTP, parameters, { typeVersion: 4.2, ...extra })],
    connections: chain('Start', 'HTTP'),
  };
}

const CASES = () => ({
  get: workflow('get', {
    url: `${receiver.url}/items`,
    sendQuery: true,
    queryParameters: { parameters: [{ name: 'q', value: '={{ $json.q }}' }] },
  }),
  post: workflow('post', {
    method: 'POST',
    url: `${receiver.url}/orders`,
    sendHeaders: true,
    headerParameters: { parameters: [{ name: 'X-Trace', value: 't-1' }] },
    sendBody: true,
    bodyParameters: {
      parameters: [
        { name: 'order.id', value: '={{ $json.id }}' },
        { name: 'note', value: 'hi' },
      ],
    },
  }),
  jsonBody: workflow('jsonBody', {
    method: 'PUT',
    url: `${receiver.url}/j`,
    sendBody: true,
    specifyBody: 'json',
    jsonBody: '={{ JSON.stringify({ n: $json.n }) }}',
  }),
  form: workflow('form', {
    method: 'POST',
    url: `${receiver.url}/form`,
    sendBody: true,
    contentType: 'form-urlencoded',
    bodyParameters: {
      parameters: [
        { name: 'a', value: '1 2' },
        { name: 'b', value: 'x&y' },
      ],
    },
  }),
  multipart: workflow('multipart', {
    method: 'POST',
    url: `${receiver.url}/multi`,
    sendBody: true,
    contentType: 'multipart-form-data',
    bodyParameters: { parameters: [{ parameterType: 'formData', name: 'field', value: 'value-1' }] },
  }),
  raw: workflow('raw', {
    method: 'POST',
    url: `${receiver.url}/raw`,
    sendBody: true,
    contentType: 'raw',
    rawContentType: 'text/csv',
    body: 'a,b\n1,2',
  }),
  full: workflow('full', { url: `${receiver.url}/full`, options: { response: { response: { fullResponse: true } } } }),
  text: workflow('text', {
    url: `${receiver.url}/text`,
    options: { response: { response: { responseFormat: 'text' } } },
  }),
  never: workflow('never', {
    url: `${receiver.url}/missing`,
    options: { response: { response: { neverError: true, fullResponse: true } } },
  }),
  plain: workflow('plain', { url: `${receiver.url}/plain` }),
  bearer: workflow(
    'bearer',
    { url: `${receiver.url}/auth`, authentication: 'genericCredentialType', genericAuthType: 'httpBearerAuth' },
    { credentials: { httpBearerAuth: { id: 'b1', name: 'Partner bearer' } } },
  ),
  basic: workflow(
    'basic',
    { url: `${receiver.url}/auth`, authentication: 'genericCredentialType', genericAuthType: 'httpBasicAuth' },
    { credentials: { httpBasicAuth: { id: 'u1', name: 'Partner basic' } } },
  ),
  header: workflow(
    'header',
    { url: `${receiver.url}/auth`, authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth' },
    { credentials: { httpHeaderAuth: { id: 'h1', name: 'Partner header' } } },
  ),
  batched: workflow('batched', {
    url: `${receiver.url}/batch`,
    options: { batching: { batch: { batchSize: 2, batchInterval: 1 } } },
  }),
  noFollow: workflow('noFollow', { url: `${receiver.url}/moved` }),
  follow: workflow('follow', {
    url: `${receiver.url}/moved`,
    options: { redirect: { redirect: { followRedirects: true } } },
  }),
  slow: workflow('slow', { url: `${receiver.url}/slow`, options: { timeout: 200 } }),
  pagination: workflow('pagination', {
    url: `${receiver.url}/p`,
    options: { pagination: { pagination: { paginationMode: 'responseContainsNextURL' } } },
  }),
  badJson: workflow('badJson', {
    method: 'POST',
    url: `${receiver.url}/j`,
    sendBody: true,
    specifyBody: 'json',
    jsonBody: '{not json',
  }),
  continues: workflow('continues', { url: `${receiver.url}/missing` }, { onError: 'continueRegularOutput' }),
});

const CREDENTIALS = [
  { id: 'b1', name: 'Partner bearer', type: 'httpBearerAuth', data: { token: 'tok-123' } },
  { id: 'u1', name: 'Partner basic', type: 'httpBasicAuth', data: { user: 'ada', password: 's3cret' } },
  { id: 'h1', name: 'Partner header', type: 'httpHeaderAuth', data: { name: 'X-Api-Key', value: 'k-9' } },
];

function answer(req: { url: string; method: string; headers: Record<string, unknown>; body: string }) {
  const json = (status: number, body: unknown) => ({
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  });
  const path = req.url.split('?')[0];
  if (path === '/items') return json(200, [{ id: 1, url: req.url }, { id: 2 }]);
  if (path === '/missing') return json(404, { error: 'no such thing' });
  if (path === '/text' || path === '/plain')
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'hello' };
  if (path === '/moved') return { status: 302, headers: { location: '/landing' }, body: '' };
  if (path === '/landing') return json(200, { landed: true });
  if (path === '/slow') return { hang: true };
  return json(200, { method: req.method, path, headers: req.headers, body: req.body });
}

beforeAll(async () => {
  receiver = await startReceiver({ behaviour: (req) => answer(req) });
  open = await startTestEngine({ workflows: CASES(), credentials: CREDENTIALS });
  guarded = await startTestEngine({
    workflows: {
      get: CASES().get,
      dynamic: workflow('dynamic', {
        method: '={{ $json.method }}',
        url: '={{ $json.url }}',
        sendQuery: true,
        specifyQuery: 'json',
        jsonQuery: '={{ $json.query }}',
      }),
    },
    config: { allowPrivateTargets: false },
  });
});
afterAll(async () => {
  await open?.stop();
  await guarded?.stop();
  await receiver?.close();
});

const run = async (id: string, items: IDataObject[] = [{}], engine = open) =>
  (await engine.engine.runManually(id, items)).result;

describe('HTTP Request node', () => {
  it('GETs with query parameters per item and turns a JSON array into items', async () => {
    const result = await run('get', [{ q: 'a b' }]);
    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual([{ id: 1, url: '/items?q=a%20b' }, { id: 2 }]);
  });

  it('POSTs a JSON body from fields (dotted names nest) with its headers, lowercased', async () => {
    const result = await run('post', [{ id: 7 }]);
    const echoed = result.output[0] as { method: string; headers: Record<string, string>; body: string };
    expect(echoed.method).toBe('POST');
    expect(echoed.headers['x-trace']).toBe('t-1');
    expect(echoed.headers['content-type']).toBe('application/json');
    expect(JSON.parse(echoed.body)).toEqual({ order: { id: 7 }, note: 'hi' });
  });

  it('sends a JSON body written as JSON, form-urlencoded, multipart text fields and raw bodies', async () => {
    const json = (await run('jsonBody', [{ n: 3 }])).output[0] as { method: string; body: string };
    expect([json.method, JSON.parse(json.body)]).toEqual(['PUT', { n: 3 }]);
    const form = (await run('form')).output[0] as { headers: Record<string, string>; body: string };
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(form.body))).toEqual({ a: '1 2', b: 'x&y' });
    const multiRun = await run('multipart');
    expect(multiRun.error).toBeUndefined();
    const multi = multiRun.output[0] as { headers: Record<string, string>; body: string };
    expect(multi.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(multi.body).toContain('name="field"\r\n\r\nvalue-1');
    const raw = (await run('raw')).output[0] as { headers: Record<string, string>; body: string };
    expect([raw.headers['content-type'], raw.body]).toEqual(['text/csv', 'a,b\n1,2']);
  });

  it('returns the full response, text under data, and autodetects text', async () => {
    const full = (await run('full')).output[0] as Record<string, unknown>;
    expect(full).toMatchObject({ statusCode: 200, statusMessage: 'OK', body: { method: 'GET', path: '/full' } });
    expect((full.headers as Record<string, string>)['content-type']).toMatch(/application\/json/);
    expect((await run('text')).output).toEqual([{ data: 'hello' }]);
    expect((await run('plain')).output).toEqual([{ data: 'hello' }]);
  });

  it('reports a 404 as n8n does, or returns it with neverError', async () => {
    const failed = await run('never');
    expect(failed.output[0]).toMatchObject({ statusCode: 404, body: { error: 'no such thing' } });
    const error = await open.engine.runManually('continues', [{}]);
    expect(error.result.output[0]).toMatchObject({
      error: { message: 'The resource you are requesting could not be found', httpCode: '404' },
    });
  });

  it('sends bearer, basic and header auth from the credentials file', async () => {
    const headersOf = async (id: string) => ((await run(id)).output[0] as { headers: Record<string, string> }).headers;
    expect((await headersOf('bearer')).authorization).toBe('Bearer tok-123');
    expect((await headersOf('basic')).authorization).toBe(`Basic ${Buffer.from('ada:s3cret').toString('base64')}`);
    expect((await headersOf('header'))['x-api-key']).toBe('k-9');
  });

  it('sends every item, in batches, and answers in input order', async () => {
    const before = receiver.requests.filter((r) => r.url === '/batch').length;
    const result = await run('batched', [{}, {}, {}, {}, {}]);
    expect(result.output).toHaveLength(5);
    expect(receiver.requests.filter((r) => r.url === '/batch').length - before).toBe(5);
  });

  it('does not follow a redirect unless the Redirects option says so', async () => {
    const refused = await run('noFollow');
    expect(refused.error?.message).toBe(
      'The server answered 302 (a redirect to /landing), and redirects are not followed',
    );
    expect((await run('follow')).output).toEqual([{ landed: true }]);
  });

  it('fails a request past its timeout with a clear error', async () => {
    const result = await run('slow');
    expect(result.status).toBe('failed');
    expect(result.error?.message).toBe('The connection was aborted, perhaps the server is offline');
  });

  it('refuses pagination and invalid JSON parameters by name', async () => {
    expect((await run('pagination')).error?.message).toBe(
      "Pagination is not supported by Hookline's HTTP Request node",
    );
    expect((await run('badJson')).error?.message).toBe('JSON parameter needs to be valid JSON');
  });

  it('refuses loopback targets through the SSRF guard unless allowPrivateTargets is on', async () => {
    const seen = receiver.requests.length;
    const result = await run('get', [{ q: 'x' }], guarded);
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(/private or special-purpose|special-purpose/);
    expect(receiver.requests.length).toBe(seen);
  });

  it('fails cleanly, never crashes, on hostile URLs, methods and query JSON (guard on)', async () => {
    const seen = receiver.requests.length;
    const loopbackish = fc.constantFrom(
      receiver.url,
      'http://localhost:1/',
      'http://[::1]:1/',
      'http://0x7f.1/',
      'http://169.254.169.254/latest',
      'file:///etc/passwd',
      'ftp://x/',
      'http://',
    );
    const input = fc.record({
      url: fc.oneof(
        loopbackish,
        fc.string({ maxLength: 30 }),
        fc.webUrl().map((url) => url.replace(/^https?:\/\/[^/]+/, receiver.url)),
      ),
      method: fc.oneof(fc.constantFrom('GET', 'POST', 'DELETE'), fc.string({ maxLength: 8 })),
      query: fc.oneof(fc.json(), fc.string({ maxLength: 20 })),
    });
    await fc.assert(
      fc.asyncProperty(input, async (item) => {
        const result = await run('dynamic', [item], guarded);
        expect(result.status).toBe('failed');
        expect(typeof result.error?.message).toBe('string');
      }),
      { numRuns: 30 },
    );
    expect(receiver.requests.length).toBe(seen);
  });
});
