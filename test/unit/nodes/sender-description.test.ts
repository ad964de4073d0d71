import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { classifyAnswer, nodeSubscriptionId } from '../../../engine/message/index.js';
import { backoffDelayMs, MAX_BACKOFF_MS } from '../../../nodes/WebhookSender/backoff.js';
import { createMessage } from '../../../nodes/WebhookSender/build-request.js';
import { EVENT_TYPE_PATTERN } from '../../../nodes/WebhookSender/description.js';
import { WebhookSender } from '../../../nodes/WebhookSender/WebhookSender.node.js';

const { description } = new WebhookSender();
const nodeDir = fileURLToPath(new URL('../../../nodes/WebhookSender/', import.meta.url));

function property(name: string): INodeProperties {
  const found = description.properties.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no property ${name}`);
  return found;
}

describe('WebhookSender description', () => {
  it('is an action node n8n accepts: name, display name, one input, one output, usable as a tool', () => {
    expect(description).toMatchObject({
      name: 'webhookSender',
      displayName: 'Hookline Webhook Sender',
      group: ['output'],
      version: 1,
      inputs: ['main'],
      outputs: ['main'],
      usableAsTool: true,
      icon: 'file:webhookSender.svg',
    });
    const svg = readFileSync(`${nodeDir}webhookSender.svg`, 'utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it('has the documented defaults', () => {
    const names = [
      'mode',
      'eventType',
      'url',
      'payloadSource',
      'payloadFormat',
      'signature',
      'signatureHeader',
      'authentication',
      'conditions',
      'includeFields',
    ];
    expect(Object.fromEntries(names.map((name) => [name, property(name).default]))).toEqual({
      mode: 'url',
      eventType: 'custom.event',
      url: '',
      payloadSource: 'item',
      payloadFormat: 'envelope',
      signature: 'standard-webhooks',
      signatureHeader: 'X-Webhook-Signature',
      authentication: 'none',
      conditions: '',
      includeFields: '',
    });
    const options = property('options').options as INodeProperties[];
    expect(Object.fromEntries(options.map((option) => [option.name, option.default]))).toEqual({
      allowPrivateTargets: false,
      batch: false,
      headers: {},
      maxRetries: 3,
      ordered: true,
      retryBaseMs: 1000,
      timeoutMs: 10000,
    });
  });

  it('offers the two modes and the signature schemes the engine can verify', () => {
    expect((property('mode').options as INodePropertyOptions[]).map((option) => option.value)).toEqual([
      'event',
      'url',
    ]);
    expect((property('signature').options as INodePropertyOptions[]).map((option) => option.value).sort()).toEqual([
      'hex',
      'none',
      'sha256',
      'standard-webhooks',
      'timestamped',
    ]);
  });

  it('sorts option lists by name and collection options by display name, as the n8n lint asks', () => {
    for (const prop of description.properties) {
      if (prop.type === 'options') {
        const names = (prop.options as INodePropertyOptions[]).map((option) => option.name);
        expect(names, prop.name).toEqual([...names].sort((a, b) => a.localeCompare(b)));
      }
      if (prop.type === 'collection') {
        const names = (prop.options as INodeProperties[]).map((option) => option.displayName);
        expect(names, prop.name).toEqual([...names].sort((a, b) => a.localeCompare(b)));
      }
    }
  });

  it('shows each credential only for the settings that use it', () => {
    expect(description.credentials).toEqual([
      expect.objectContaining({
        name: 'hooklineSigningSecretApi',
        displayOptions: { show: { mode: ['url'], signature: ['hex', 'sha256', 'standard-webhooks', 'timestamped'] } },
      }),
      expect.objectContaining({
        name: 'hooklineBearerApi',
        displayOptions: { show: { mode: ['url'], authentication: ['bearer'] } },
      }),
      expect.objectContaining({
        name: 'hooklineBasicAuthApi',
        displayOptions: { show: { mode: ['url'], authentication: ['basic'] } },
      }),
    ]);
  });

  it('accepts dotted lower-case event types only', () => {
    for (const good of ['order.completed', 'user.created', 'a.b.c', 'agent_1.run_2'])
      expect(EVENT_TYPE_PATTERN.test(good), good).toBe(true);
    for (const bad of ['order', 'Order.completed', 'order.', '.order', 'order..x', 'order.1x', 'order completed'])
      expect(EVENT_TYPE_PATTERN.test(bad), bad).toBe(false);
  });
});

describe('WebhookSender node code', () => {
  const sources = readdirSync(nodeDir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ file, text: readFileSync(`${nodeDir}${file}`, 'utf8') }));

  it('imports only what the n8n package may bundle', () => {
    const allowed = new Set([
      'n8n-workflow',
      'node:crypto',
      '../../engine/signing/index.js',
      '../../engine/message/index.js',
      '../../engine/rules/index.js',
      '../../engine/events/envelope.js',
      '../../engine/node-contract/helpers.js',
      '../../engine/node-contract/n8n-runtime.js',
      // The SSRF classifier: pure (ipaddr.js and the error registry), bundled into the package.
      '../../engine/message/target-guard.js',
    ]);
    for (const { file, text } of sources) {
      for (const [, specifier] of text.matchAll(/from '([^']+)'/g)) {
        expect(allowed.has(specifier) || /^\.\/[\w-.]+\.js$/.test(specifier), `${file}: ${specifier}`).toBe(true);
      }
    }
  });

  it('uses no timers, process or globalThis (the community-node lint forbids them)', () => {
    for (const { file, text } of sources)
      expect(text, file).not.toMatch(/\b(setTimeout|setInterval|process\.|globalThis)\b/);
  });

  it('keeps files under 300 lines', () => {
    for (const { file, text } of sources) expect(text.split('\n').length, file).toBeLessThan(300);
  });
});

describe('WebhookSender inline backoff', () => {
  it('doubles from the base delay: 1 s, 2 s, 4 s', () => {
    expect([1, 2, 3].map((retry) => backoffDelayMs(retry, 1000))).toEqual([1000, 2000, 4000]);
  });

  it('caps the wait', () => {
    expect(backoffDelayMs(10, 1000)).toBe(MAX_BACKOFF_MS);
  });

  it('retries errors, stops on 410 and on webhook-delivery: abort-message, and a 2xx wins', () => {
    expect(classifyAnswer(204)).toBe('delivered');
    expect(classifyAnswer(200, { 'webhook-delivery': 'abort-message' })).toBe('delivered');
    expect(classifyAnswer(500)).toBe('retry');
    expect(classifyAnswer(404)).toBe('retry');
    expect(classifyAnswer(410)).toBe('gone');
    expect(classifyAnswer(503, { 'Webhook-Delivery': 'Abort-Message' })).toBe('abort');
  });
});

describe('WebhookSender message building', () => {
  const shape = { payloadFormat: 'envelope' as const, webhookId: 'wh_node_x', metadata: { node: 'Send' } };

  it('keys a single message by its event id and a batch by a msg_ id', () => {
    const single = createMessage([{ eventType: 'a.b', data: { n: 1 } }], shape, false);
    expect(single.msgId).toBe(single.eventIds[0]);
    expect(single.eventType).toBe('a.b');
    const batch = createMessage(
      [
        { eventType: 'a.b', data: 1 },
        { eventType: 'c.d', data: 2 },
      ],
      shape,
      true,
    );
    expect(batch.msgId).toBe(`msg_${batch.eventIds[0].slice(4)}`);
    expect(JSON.parse(batch.body).map((payload: { type: string }) => payload.type)).toEqual(['a.b', 'c.d']);
  });

  it('names the webhook id after workflow, node and URL', () => {
    expect(nodeSubscriptionId('wf_1', 'Send', 'https://a.example')).toBe(
      nodeSubscriptionId('wf_1', 'Send', 'https://a.example'),
    );
    expect(nodeSubscriptionId('wf_1', 'Send', 'https://a.example')).not.toBe(
      nodeSubscriptionId('wf_1', 'Send', 'https://b.example'),
    );
  });
});
