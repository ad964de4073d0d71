import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import type { HooklineNodeHelpers, NodeWebhookRequest } from '../../../engine/node-contract/helpers.js';
import { NodeOperationError } from '../../../engine/node-contract/n8n-runtime.js';
import { DEFAULTS, NODE, node } from './sender-node.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** What the engine's helper was asked to do, answered as the engine would. */
interface EngineRecorder {
  helpers: HooklineNodeHelpers;
  sends: NodeWebhookRequest[];
  emits: Array<{ type: string; data: unknown; metadata?: Record<string, unknown> }>;
}

/** A recording `helpers.hookline`: the engine's side of the node boundary. */
function recordEngine(options: { failSend?: boolean } = {}): EngineRecorder {
  const sends: NodeWebhookRequest[] = [];
  const emits: EngineRecorder['emits'] = [];
  const helpers: HooklineNodeHelpers = {
    executionId: 'exec_1',
    workflowId: 'wf_1',
    setResponse: () => undefined,
    async sendWebhook(request) {
      if (options.failSend) throw new Error("Target 'http://10.0.0.1/' is a private address");
      sends.push(request);
      return { eventId: `evt_${sends.length}`, deliveryId: `del_${sends.length}` };
    },
    async emitEvent(type, data, metadata) {
      emits.push({ type, data, metadata });
      return { eventId: `evt_${emits.length}`, deliveries: 2 };
    },
  };
  return { helpers, sends, emits };
}

interface Setup {
  params?: Record<string, unknown>;
  items?: Array<Record<string, unknown>>;
  credentials?: Record<string, Record<string, unknown>>;
  engine?: EngineRecorder;
  continueOnFail?: boolean;
}

/** The execute context as the engine (or, without `engine`, n8n) gives it; no HTTP here. */
function createContext(setup: Setup): IExecuteFunctions {
  const params = setup.params ?? {};
  const items: INodeExecutionData[] = (setup.items ?? [{ order: 1 }]).map((json) => ({
    json: json as INodeExecutionData['json'],
  }));
  return {
    getInputData: () => items,
    getNodeParameter: (name: string, _itemIndex: number, fallback?: unknown) =>
      name in params ? params[name] : name in DEFAULTS ? DEFAULTS[name] : fallback,
    async getCredentials(type: string) {
      const data = setup.credentials?.[type];
      if (!data) throw new NodeOperationError(NODE, `Node does not have any credentials set for "${type}"`);
      return data;
    },
    getNode: () => NODE,
    getWorkflow: () => ({ id: 'wf_1', name: 'Orders', active: true }),
    getExecutionId: () => 'exec_1',
    continueOnFail: () => setup.continueOnFail === true,
    helpers: setup.engine ? { hookline: setup.engine.helpers } : {},
  } as unknown as IExecuteFunctions;
}

async function run(setup: Setup): Promise<INodeExecutionData[]> {
  const [output] = await node.execute.call(createContext(setup));
  return output;
}

describe('WebhookSender in the Hookline engine', () => {
  it('queues a url-mode post through sendWebhook with every node setting', async () => {
    const engine = recordEngine();
    const output = await run({
      engine,
      params: {
        url: 'https://example.com/hooks',
        eventType: 'order.completed',
        payloadFormat: 'webhook',
        signature: 'hex',
        signatureHeader: 'X-Sig',
        authentication: 'bearer',
        includeFields: 'order_id',
        options: {
          headers: { header: [{ name: 'X-Tenant', value: 'acme' }] },
          timeoutMs: 5000,
          maxRetries: 5,
          ordered: false,
        },
      },
      items: [{ order_id: 'ord_1', total: 42 }],
      credentials: {
        hooklineSigningSecretApi: { secret: SECRET },
        hooklineBearerApi: { token: 'receiver-token-0123456789' },
      },
    });
    expect(engine.sends).toEqual([
      {
        url: 'https://example.com/hooks',
        eventType: 'order.completed',
        data: { order_id: 'ord_1' },
        payloadFormat: 'webhook',
        signatureScheme: 'hex',
        secret: SECRET,
        signatureHeader: 'x-sig',
        headers: { 'x-tenant': 'acme' },
        authentication: { type: 'bearer', token: 'receiver-token-0123456789' },
        timeoutMs: 5000,
        maxRetries: 5,
        ordered: false,
        batch: undefined,
      },
    ]);
    expect(output).toEqual([
      {
        json: {
          order_id: 'ord_1',
          total: 42,
          hookline: { sent: true, queued: true, event_id: 'evt_1', delivery_id: 'del_1' },
        },
        pairedItem: { item: 0 },
      },
    ]);
  });

  it("asks for one batch of the run's items when batch is on", async () => {
    const engine = recordEngine();
    await run({
      engine,
      params: { url: 'https://example.com/hooks', signature: 'none', options: { batch: true } },
      items: [{ n: 1 }, { n: 2 }, { n: 3 }],
    });
    expect(engine.sends.map((send) => send.batch)).toEqual(Array(3).fill({ max_events: 3, max_wait_seconds: 0 }));
    expect(engine.sends.map((send) => send.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(engine.sends[0]).toMatchObject({
      signatureScheme: 'none',
      secret: undefined,
      authentication: { type: 'none' },
      payloadFormat: 'envelope',
      ordered: true,
      maxRetries: 3,
      timeoutMs: 10_000,
    });
  });

  it('emits a named event to subscriptions in event mode and outputs the queued event id', async () => {
    const engine = recordEngine();
    const output = await run({
      engine,
      params: { mode: 'event', eventType: 'user.created' },
      items: [{ name: 'Ada' }, { name: 'Bob' }],
    });
    expect(engine.emits).toEqual([
      { type: 'user.created', data: { name: 'Ada' }, metadata: undefined },
      { type: 'user.created', data: { name: 'Bob' }, metadata: undefined },
    ]);
    expect(engine.sends).toHaveLength(0);
    expect(output.map((item) => item.json.hookline)).toEqual([
      { sent: true, queued: true, event_id: 'evt_1', deliveries: 2 },
      { sent: true, queued: true, event_id: 'evt_2', deliveries: 2 },
    ]);
  });

  it('applies conditions before emitting, passing non-matching items through', async () => {
    const engine = recordEngine();
    const output = await run({
      engine,
      params: { mode: 'event', eventType: 'score.low', conditions: '{"score": {"lt": 3}}' },
      items: [{ score: 5 }, { score: 1 }],
    });
    expect(engine.emits.map((emit) => emit.data)).toEqual([{ score: 1 }]);
    expect(output[0]).toEqual({
      json: { score: 5, hookline: { sent: false, reason: 'conditions' } },
      pairedItem: { item: 0 },
    });
  });

  it('does not load credentials in event mode: subscriptions sign with their own secrets', async () => {
    const engine = recordEngine();
    await expect(run({ engine, params: { mode: 'event', signature: 'standard-webhooks' } })).resolves.toHaveLength(1);
  });

  it('wraps an engine refusal in a NodeOperationError naming the item', async () => {
    const error = await run({
      engine: recordEngine({ failSend: true }),
      params: { url: 'http://10.0.0.1/', signature: 'none' },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toMatch(/private address/);
  });

  it('turns an engine refusal into an error item under continue on fail', async () => {
    const output = await run({
      engine: recordEngine({ failSend: true }),
      params: { url: 'http://10.0.0.1/', signature: 'none' },
      continueOnFail: true,
    });
    expect(output[0].json).toMatchObject({
      order: 1,
      error: expect.stringMatching(/private address/),
      hookline: { sent: false, queued: false },
    });
  });
});

describe('WebhookSender inside n8n, event mode', () => {
  it('throws a clear NodeOperationError: there are no subscriptions without the engine', async () => {
    const error = await run({ params: { mode: 'event', eventType: 'user.created' } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toBe('Emit Event needs the Hookline engine; use Post to URL inside n8n');
  });
});
