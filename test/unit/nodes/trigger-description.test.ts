import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import {
  credentialProblem,
  MIN_SECRET_LENGTH,
  testHooklineCredential,
} from '../../../nodes/WebhookTrigger/credential-test.js';
import { CREDENTIAL_TEST_NAME } from '../../../nodes/WebhookTrigger/description.js';
import { AUTH_CREDENTIAL_TYPES, SIGNING_CREDENTIAL_TYPE } from '../../../engine/trigger-checks/credentials.js';
import { WebhookTrigger } from '../../../nodes/WebhookTrigger/WebhookTrigger.node.js';

const node = new WebhookTrigger();
const { description } = node;
const nodeDir = fileURLToPath(new URL('../../../nodes/WebhookTrigger/', import.meta.url));

function property(name: string): INodeProperties {
  const found = description.properties.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no property ${name}`);
  return found;
}

/** Every property, including those inside collections. */
function allProperties(properties: INodeProperties[]): INodeProperties[] {
  return properties.flatMap((p) => [
    p,
    ...(p.type === 'collection' ? allProperties(p.options as INodeProperties[]) : []),
  ]);
}

describe('WebhookTrigger description', () => {
  it('is a trigger n8n accepts: name, display name, no inputs, one main output', () => {
    expect(description.name).toBe('webhookTrigger');
    expect(description.displayName).toBe('Hookline Webhook Trigger');
    expect(description.group).toEqual(['trigger']);
    expect(description.inputs).toEqual([]);
    expect(description.outputs).toEqual(['main']);
  });

  it('has an SVG icon file next to it', () => {
    expect(description.icon).toBe('file:webhookTrigger.svg');
    const svg = readFileSync(`${nodeDir}webhookTrigger.svg`, 'utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });

  it('declares the default webhook on the seed routes', () => {
    expect(description.webhooks).toEqual([
      expect.objectContaining({
        name: 'default',
        httpMethod: '={{$parameter["httpMethod"] || "POST"}}',
        isFullPath: true,
        responseMode: '={{$parameter["responseMode"]}}',
      }),
    ]);
    expect(description.webhooks?.[0].path).toContain('"agents/" + $parameter["agentId"]');
    expect(description.webhooks?.[0].path).toContain('"workflows/" + $workflow.id');
  });

  it('implements the webhook lifecycle methods as no-ops that report success', async () => {
    const methods = node.webhookMethods.default;
    for (const method of [methods.checkExists, methods.create, methods.delete])
      await expect(method.call({} as never)).resolves.toBe(true);
  });

  it('has the documented defaults: workflow, POST, URL token, respond immediately, no signature, 300 s', () => {
    const defaults = Object.fromEntries(
      [
        'kind',
        'httpMethod',
        'path',
        'authentication',
        'responseMode',
        'signature',
        'signatureHeader',
        'toleranceSec',
      ].map((name) => [name, property(name).default]),
    );
    expect(defaults).toEqual({
      kind: 'workflow',
      httpMethod: 'POST',
      path: '',
      authentication: 'urlToken',
      responseMode: 'onReceived',
      signature: 'none',
      signatureHeader: 'X-Webhook-Signature',
      toleranceSec: 300,
    });
    const options = property('options').options as INodeProperties[];
    expect(Object.fromEntries(options.map((o) => [o.name, o.default]))).toEqual({
      allowedOrigins: '',
      ipAllowlist: '',
      organization: '',
      validateBody: true,
    });
  });

  it('offers the option values the helpers understand, sorted by name', () => {
    const values = (name: string) => (property(name).options as INodePropertyOptions[]).map((o) => o.value);
    expect(values('authentication').sort()).toEqual(['basic', 'bearer', 'none', 'urlToken']);
    expect(values('signature').sort()).toEqual(['github', 'hex', 'none', 'standard-webhooks', 'stripe']);
    expect(values('httpMethod')).toEqual(['PATCH', 'POST', 'PUT']);
    for (const p of allProperties(description.properties).filter(
      (p) => p.type === 'options' || p.type === 'collection',
    )) {
      const names = (p.options as Array<{ name?: string; displayName?: string }>).map(
        (o) => o.name ?? o.displayName ?? '',
      );
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    }
  });

  it('gives every property a description, keeps hints short and starts boolean descriptions with "Whether"', () => {
    for (const p of allProperties(description.properties)) {
      if (p.type !== 'collection') expect(p.description, p.name).toBeTruthy();
      if (p.hint) expect(p.hint.length, p.name).toBeLessThanOrEqual(120);
      if (p.type === 'boolean') expect(p.description).toMatch(/^Whether /);
    }
  });

  it('shows agentId only for agents and signatureHeader only for hex', () => {
    expect(property('agentId')).toMatchObject({ required: true, displayOptions: { show: { kind: ['agent'] } } });
    expect(property('signatureHeader').displayOptions).toEqual({ show: { signature: ['hex'] } });
  });

  it('asks for exactly the credential each method reads, each tested by the node', () => {
    const byType = Object.fromEntries((description.credentials ?? []).map((c) => [c.name, c]));
    for (const [method, type] of Object.entries(AUTH_CREDENTIAL_TYPES)) {
      expect(byType[type]).toMatchObject({
        required: true,
        testedBy: CREDENTIAL_TEST_NAME,
        displayOptions: { show: { authentication: [method] } },
      });
    }
    expect(byType[SIGNING_CREDENTIAL_TYPE].displayOptions?.show?.signature).toEqual([
      'standard-webhooks',
      'github',
      'stripe',
      'hex',
    ]);
    expect(byType[SIGNING_CREDENTIAL_TYPE].testedBy).toBe(CREDENTIAL_TEST_NAME);
    expect(Object.keys(node.methods.credentialTest)).toEqual([CREDENTIAL_TEST_NAME]);
  });
});

describe('credential test', () => {
  it('accepts usable credentials of each type', () => {
    const long = 'x'.repeat(MIN_SECRET_LENGTH);
    expect(credentialProblem('hooklineTokenApi', { token: long })).toBeNull();
    expect(credentialProblem('hooklineBearerApi', { token: long })).toBeNull();
    expect(credentialProblem('hooklineBasicAuthApi', { user: 'u', password: long })).toBeNull();
    expect(credentialProblem('hooklineSigningSecretApi', { secret: long })).toBeNull();
  });

  it('reports empty and short secrets and unknown types', () => {
    expect(credentialProblem('hooklineTokenApi', { token: '' })).toBe("'token' is empty");
    expect(credentialProblem('hooklineBasicAuthApi', { user: '', password: 'x'.repeat(20) })).toBe("'user' is empty");
    expect(credentialProblem('hooklineSigningSecretApi', { secret: 'short' })).toMatch(/shorter than 16/);
    expect(credentialProblem('httpBasicAuth', {})).toMatch(/Unknown/);
  });

  it("answers in n8n's credential test result shape", async () => {
    const credential = { id: '1', name: 'token', type: 'hooklineTokenApi', data: { token: 'short' } };
    await expect(testHooklineCredential.call({} as never, credential)).resolves.toMatchObject({ status: 'Error' });
    await expect(
      testHooklineCredential.call({} as never, { ...credential, data: { token: 'wh_1234567890abcdef' } }),
    ).resolves.toEqual({ status: 'OK', message: 'The credential is usable' });
  });
});

it('keeps node files free of runtime imports other than node:crypto, relative files and the pure engine modules', () => {
  for (const file of [
    'WebhookTrigger.node.ts',
    'credential-test.ts',
    'description.ts',
    'load-credentials.ts',
    'respond.ts',
  ]) {
    expect(existsSync(`${nodeDir}${file}`), file).toBe(true);
    const source = readFileSync(`${nodeDir}${file}`, 'utf8');
    for (const [, typeOnly, from] of source.matchAll(/^import (type )?[^;]*? from '([^']+)';/gms)) {
      // engine/node-contract/n8n-runtime.ts is the one runtime door to n8n-workflow; the n8n bundle aliases it to the peer.
      const allowed =
        from === 'node:crypto' ||
        from.startsWith('./') ||
        from === '../../engine/trigger-checks/index.js' ||
        from === '../../engine/node-contract/helpers.js' ||
        from === '../../engine/node-contract/n8n-runtime.js' ||
        (typeOnly && from === 'n8n-workflow');
      expect(allowed, `${file} imports ${from}`).toBe(true);
    }
    expect(source, file).not.toMatch(/\b(setTimeout|setInterval|process|globalThis)\b/);
  }
});
