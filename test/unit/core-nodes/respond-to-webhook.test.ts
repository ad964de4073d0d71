/**
 * Respond to Webhook at the node boundary: the answer it hands the host and what it passes on, per
 * `respondWith` and version. The function context is the stand-in (the node boundary).
 */
import { generateKeyPairSync } from 'node:crypto';
import { importSPKI, jwtVerify } from 'jose';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import type { HooklineResponse } from '../../../engine/node-contract/helpers.js';
import { RespondToWebhook } from '../../../engine/workflow/core-nodes/webhook/RespondToWebhook.node.js';

const ITEMS: INodeExecutionData[] = [{ json: { id: 1 } }, { json: { id: 2 } }];

interface Run {
  outputs: INodeExecutionData[][];
  response: HooklineResponse | null;
}

async function respond(
  parameters: Record<string, unknown>,
  options: { typeVersion?: number; credential?: Record<string, unknown>; items?: INodeExecutionData[] } = {},
): Promise<Run> {
  let response: HooklineResponse | null = null;
  const node = {
    name: 'Respond',
    type: 'n8n-nodes-base.respondToWebhook',
    typeVersion: options.typeVersion ?? 1.5,
    parameters,
  };
  const context = {
    getInputData: () => options.items ?? ITEMS,
    getNode: () => node,
    getNodeParameter: (name: string, _item: number, fallback?: unknown) => parameters[name] ?? fallback,
    getParentNodes: () => [{ name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2 }],
    continueOnFail: () => false,
    getCredentials: async () => options.credential ?? {},
    helpers: { hookline: { setResponse: (value: HooklineResponse) => void (response = value) } },
  } as unknown as IExecuteFunctions;
  const outputs = await new RespondToWebhook().execute.call(context);
  return { outputs, response };
}

describe('Respond to Webhook', () => {
  it('answers all items under a dot-path key, and passes its input on', async () => {
    const { outputs, response } = await respond({ respondWith: 'allIncomingItems', options: { responseKey: 'a.b' } });
    expect(response).toEqual({ statusCode: 200, headers: {}, body: { a: { b: [{ id: 1 }, { id: 2 }] } } });
    expect(outputs).toEqual([ITEMS]);
  });

  it("refuses a response key that names an object's prototype", async () => {
    await expect(
      respond({ respondWith: 'firstIncomingItem', options: { responseKey: 'x.__proto__' } }),
    ).rejects.toThrow(/may not name/);
  });

  it('adds the response as a second output in v1.3, and in v1.4+ with enableResponseOutput', async () => {
    const headers = { entries: [{ name: 'X-One', value: 1 }] };
    const v13 = await respond(
      { respondWith: 'json', responseBody: '{"ok":true}', options: { responseHeaders: headers } },
      { typeVersion: 1.3 },
    );
    expect(v13.outputs).toEqual([
      ITEMS,
      [{ json: { response: { body: { ok: true }, headers: { 'x-one': '1' }, statusCode: 200 } } }],
    ]);
    expect((await respond({ respondWith: 'noData' }, { typeVersion: 1.4 })).outputs).toHaveLength(1);
    expect(
      (await respond({ respondWith: 'noData', enableResponseOutput: true }, { typeVersion: 1.4 })).outputs,
    ).toHaveLength(2);
  });

  it('redirects with 307 unless a code is set, and treats a zero code as 200', async () => {
    expect((await respond({ respondWith: 'redirect', redirectURL: 'https://x.test/' })).response).toMatchObject({
      statusCode: 307,
      headers: { location: 'https://x.test/' },
    });
    expect(
      (await respond({ respondWith: 'redirect', redirectURL: '/', options: { responseCode: 302 } })).response
        ?.statusCode,
    ).toBe(302);
    expect((await respond({ respondWith: 'noData', options: { responseCode: 0 } })).response?.statusCode).toBe(200);
  });

  it('answers the first item’s binary data with its type', async () => {
    const items = [
      { json: {}, binary: { file: { data: Buffer.from('pdf!').toString('base64'), mimeType: 'application/pdf' } } },
    ];
    const { response } = await respond({ respondWith: 'binary' }, { items: items as INodeExecutionData[] });
    expect(response?.headers).toEqual({ 'content-length': '4', 'content-type': 'application/pdf' });
    expect(Buffer.isBuffer(response?.body) && response.body.toString()).toBe('pdf!');
  });

  it('signs a JWT with the passphrase or a PEM private key, stamping iat', async () => {
    const secret = 'respond-jwt-secret';
    const hs = await respond(
      { respondWith: 'jwt', payload: { sub: 'ada' } },
      { credential: { keyType: 'passphrase', secret, algorithm: 'HS256' } },
    );
    const { token } = hs.response?.body as { token: string };
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
    expect(payload).toMatchObject({ sub: 'ada', iat: expect.any(Number) });

    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const es = await respond(
      { respondWith: 'jwt', payload: '{"n":1}' },
      { credential: { keyType: 'pemKey', privateKey: pem, algorithm: 'ES256' } },
    );
    const key = await importSPKI(publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'ES256');
    expect((await jwtVerify((es.response?.body as { token: string }).token, key)).payload).toMatchObject({ n: 1 });
  });

  it("fails with n8n's message on invalid JSON and on an unknown respondWith", async () => {
    await expect(respond({ respondWith: 'json', responseBody: '{nope' })).rejects.toThrow(
      "Invalid JSON in 'Response Body' field",
    );
    await expect(respond({ respondWith: 'xml' })).rejects.toThrow('The Response Data option "xml" is not supported!');
  });
});
