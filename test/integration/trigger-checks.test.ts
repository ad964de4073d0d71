import { sign as githubSign } from '@octokit/webhooks-methods';
import type { INodeType, IWebhookFunctions } from 'n8n-workflow';
import { vi } from 'vitest';
import { getHooklineTriggerHelpers } from '../../engine/node-contract/helpers.js';
import { WebhookTrigger } from '../../nodes/WebhookTrigger/WebhookTrigger.node.js';
import { credentials, TOKENS } from '../fixtures/incoming.js';
import { chain, node } from '../fixtures/workflows.js';
import type { TestEngine } from '../helpers/engine.js';
import { describe, expect, test as fixtureTest } from '../helpers/engine-fixture.js';

const TRIGGER = 'n8n-nodes-hookline.webhookTrigger';

/** What the trigger node did inside the engine, per webhook() call. */
interface NodeCall {
  checksPassed: readonly string[] | undefined;
  credentialLookups: string[];
}

/** The context with `getCredentials` recorded into a new {@link NodeCall}, added to `nodeCalls`. */
function recordedContext(context: IWebhookFunctions, nodeCalls: NodeCall[]): IWebhookFunctions {
  const call: NodeCall = {
    checksPassed: getHooklineTriggerHelpers(context.helpers)?.checksPassed,
    credentialLookups: [],
  };
  nodeCalls.push(call);
  return Object.create(context, {
    getCredentials: {
      value: async (type: string) => {
        call.credentialLookups.push(type);
        return context.getCredentials(type);
      },
    },
  }) as IWebhookFunctions;
}

/** The real trigger node, recording what the engine told it and which credentials it asked for. */
function recordingTrigger(nodeCalls: NodeCall[]): INodeType {
  const trigger = new WebhookTrigger();
  return {
    description: trigger.description,
    webhookMethods: trigger.webhookMethods,
    async webhook(this: IWebhookFunctions) {
      return trigger.webhook.call(recordedContext(this, nodeCalls));
    },
  };
}

const signedOrders = {
  id: 'signed-orders',
  name: 'signed-orders',
  nodes: [
    node(
      'Hook',
      TRIGGER,
      { kind: 'workflow', authentication: 'bearer', signature: 'github' },
      { credentials: { hooklineBearerApi: { name: 'Orders bearer' }, hooklineSigningSecretApi: { name: 'Signing' } } },
    ),
    node('Shape', 'hookline.set', { fields: { greeting: '={{ "hello " + $json.body.input_data.name }}' } }),
  ],
  connections: chain('Hook', 'Shape'),
};

/**
 * Each test gets its own engine with its own recording trigger (`nodeCalls`) and its own record of
 * store lookups by credential type (`storeLookups`: the engine's credential resolver, its cache
 * cleared once the engine has started), so no test sees another's calls.
 */
const it = fixtureTest.extend<{
  nodeCalls: NodeCall[];
  storeLookups: string[];
  running: TestEngine;
  post: (headers: Record<string, string>) => Promise<Response>;
}>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads the fixture's dependencies from this pattern
  nodeCalls: async ({}, use) => {
    await use([]);
  },
  // eslint-disable-next-line no-empty-pattern -- as above
  storeLookups: async ({}, use) => {
    await use([]);
  },
  running: async ({ startEngine, nodeCalls, storeLookups }, use) => {
    const running = await startEngine({
      workflows: { 'signed-orders': signedOrders },
      credentials,
      nodeTypes: { [TRIGGER]: recordingTrigger(nodeCalls) },
    });
    running.engine.credentialCache.clear();
    const { store } = running.engine;
    const findCredential = store.findCredential.bind(store);
    const lookups = vi.spyOn(store, 'findCredential').mockImplementation(async (type, idOrName) => {
      storeLookups.push(type);
      return findCredential(type, idOrName);
    });
    await use(running);
    lookups.mockRestore();
  },
  post: async ({ running }, use) => {
    await use((headers) => postTo(running, headers));
  },
});

const body = JSON.stringify({ input_data: { name: 'Ada' } });

async function postTo(running: TestEngine, headers: Record<string, string>): Promise<Response> {
  return fetch(`${running.url}/webhooks/workflows/signed-orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

describe('trigger checks in the engine', () => {
  it('runs each check once per request: source and credentials at ingress, signature and body in the node', async ({
    post,
    nodeCalls,
    storeLookups,
  }) => {
    const response = await post({
      authorization: `Bearer ${TOKENS.bearer}`,
      'x-hub-signature-256': await githubSign(TOKENS.signing, body),
    });
    expect(response.status).toBe(202);
    expect(nodeCalls).toEqual([
      { checksPassed: ['source', 'authentication'], credentialLookups: ['hooklineSigningSecretApi'] },
    ]);
    expect(storeLookups).toEqual(['hooklineBearerApi', 'hooklineSigningSecretApi']);
  });

  it('turns a wrong bearer token away at ingress, without calling the node', async ({
    post,
    nodeCalls,
    storeLookups,
  }) => {
    const response = await post({
      authorization: 'Bearer wh_wrong',
      'x-hub-signature-256': await githubSign(TOKENS.signing, body),
    });
    // Without valid credentials the trigger answers as if it did not exist (no enumeration).
    expect(response.status).toBe(404);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(nodeCalls).toEqual([]);
    expect(storeLookups).toEqual(['hooklineBearerApi']);
  });

  it('leaves a bad signature to the node, which checks it once', async ({ post, nodeCalls }) => {
    const response = await post({
      authorization: `Bearer ${TOKENS.bearer}`,
      'x-hub-signature-256': await githubSign('another-secret-0123456789', body),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('INVALID_SIGNATURE');
    expect(nodeCalls).toHaveLength(1);
    expect(nodeCalls[0].credentialLookups).toEqual(['hooklineSigningSecretApi']);
  });
});
