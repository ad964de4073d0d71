import type { LookupAddress } from 'node:dns';
import type { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../engine/pool/dispatcher.js';
import { createGuardedLookup, type ResolveHost } from '../../../engine/pool/guarded-lookup.js';
import { createSendAgent, sendBatch } from '../../../engine/pool/send.js';
import type { SendTask } from '../../../engine/pool/types.js';
import { startReceiver, type Receiver } from '../../fixtures/receiver.js';
import { OPEN_TARGETS, makeRequest } from './requests.js';

const GUARDED = { allowPrivateTargets: false };

/** A resolver over a fixed table, counting its calls: the test's DNS. */
function tableResolver(table: Record<string, LookupAddress[]>): ResolveHost & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    const found = table[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  };
  return Object.assign(resolve, { calls });
}

const loopback: LookupAddress = { address: '127.0.0.1', family: 4 };

let receiver: Receiver;
const agents: Agent[] = [];

beforeEach(async () => {
  receiver = await startReceiver();
});

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.close()));
  await receiver.close();
});

function agentWith(resolve: ResolveHost): Agent {
  const agent = createSendAgent({ resolve });
  agents.push(agent);
  return agent;
}

/** The receiver's URL with its host replaced by `host`. */
const via = (host: string) => receiver.url.replace('127.0.0.1', host) + '/hook';

describe('send-time target guard', () => {
  it('refuses a name that resolves to loopback, before any byte is sent', async () => {
    const resolve = tableResolver({ 'hooks.example': [loopback] });
    const task: SendTask = { mode: 'parallel', requests: [makeRequest(via('hooks.example'))], targets: GUARDED };
    const { results } = await sendBatch(task, agentWith(resolve));
    expect(results[0]).toMatchObject({ statusCode: null, errorCode: 'DELIVERY_TARGET_REFUSED' });
    expect(results[0].error).toContain('127.0.0.1');
    expect(resolve.calls).toEqual(['hooks.example']);
    expect(receiver.connectionCount).toBe(0);
  });

  it('refuses a name when any one of its addresses is special-purpose', async () => {
    const resolve = tableResolver({
      'mixed.example': [
        { address: '93.184.215.14', family: 4 },
        { address: '::ffff:7f00:1', family: 6 },
      ],
    });
    const task: SendTask = { mode: 'sequential', requests: [makeRequest(via('mixed.example'))], targets: GUARDED };
    const { results } = await sendBatch(task, agentWith(resolve));
    expect(results[0].errorCode).toBe('DELIVERY_TARGET_REFUSED');
    expect(receiver.connectionCount).toBe(0);
  });

  it('refuses an IP literal in the URL at send time (sockets never call lookup for one)', async () => {
    const resolve = tableResolver({});
    const task: SendTask = { mode: 'parallel', requests: [makeRequest(`${receiver.url}/hook`)], targets: GUARDED };
    const { results } = await sendBatch(task, agentWith(resolve));
    expect(results[0]).toMatchObject({ errorCode: 'DELIVERY_TARGET_REFUSED', statusCode: null });
    expect(results[0].error).toContain("'127.0.0.1'");
    expect(resolve.calls).toEqual([]);
    expect(receiver.connectionCount).toBe(0);
  });

  it('refuses plain http under httpsOnly, private targets allowed or not', async () => {
    const task: SendTask = {
      mode: 'parallel',
      requests: [makeRequest(`${receiver.url}/hook`)],
      targets: { allowPrivateTargets: true, httpsOnly: true },
    };
    const { results } = await sendBatch(task, agentWith(tableResolver({})));
    expect(results[0].errorCode).toBe('DELIVERY_TARGET_REFUSED');
    expect(results[0].error).toContain('httpsOnly');
    expect(receiver.connectionCount).toBe(0);
  });

  it('asks the resolver again for every new connection, so a rebound name is refused', async () => {
    let answer: LookupAddress[] = [{ address: '93.184.215.14', family: 4 }];
    const calls: string[] = [];
    const lookup = createGuardedLookup(async (hostname) => {
      calls.push(hostname);
      return answer;
    });
    const ask = () =>
      new Promise<{ err: Error | null; addresses: unknown }>((resolve) =>
        lookup('rebind.example', { all: true }, (err, addresses) => resolve({ err, addresses })),
      );
    expect(await ask()).toEqual({ err: null, addresses: answer });
    answer = [loopback];
    const second = await ask();
    expect(second.err).toMatchObject({ code: 'DELIVERY_TARGET_REFUSED' });
    expect(calls).toEqual(['rebind.example', 'rebind.example']);
  });

  it('hands a single-address connect the first checked address and its family', async () => {
    const lookup = createGuardedLookup(async () => [{ address: '2606:4700:4700::1111', family: 6 }]);
    const answer = await new Promise<unknown[]>((resolve) => lookup('one.example', {}, (...args) => resolve(args)));
    expect(answer).toEqual([null, '2606:4700:4700::1111', 6]);
  });

  it('passes resolver failures through as connection errors (retryable)', async () => {
    const task: SendTask = { mode: 'parallel', requests: [makeRequest(via('missing.example'))], targets: GUARDED };
    const { results } = await sendBatch(task, agentWith(tableResolver({})));
    expect(results[0].errorCode).toBe('DELIVERY_CONNECTION');
    expect(results[0].error).toContain('ENOTFOUND');
  });

  it('never follows a redirect: the 3xx is the answer and its Location gets nothing', async () => {
    const other = await startReceiver();
    try {
      receiver.respondWith({ status: 302, headers: { location: `${other.url}/elsewhere` } });
      const task: SendTask = {
        mode: 'parallel',
        requests: [makeRequest(`${receiver.url}/hook`)],
        targets: OPEN_TARGETS,
      };
      const { results } = await sendBatch(task, agentWith(tableResolver({})));
      expect(results[0]).toMatchObject({ statusCode: 302, errorCode: 'DELIVERY_REJECTED' });
      expect(receiver.requests).toHaveLength(1);
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('refuses `localhost` in a piscina worker thread, with the system resolver', async () => {
    const pool = createDispatcher({ threads: 1 });
    try {
      const task: SendTask = { mode: 'parallel', requests: [makeRequest(via('localhost'))], targets: GUARDED };
      const { results } = await pool.send(task);
      expect(results[0].errorCode).toBe('DELIVERY_TARGET_REFUSED');
      expect(receiver.connectionCount).toBe(0);
    } finally {
      await pool.close();
    }
  });
});
