/**
 * `eventHistory: subscribed` (the default on SQLite): a lifecycle event gets a row only when some
 * webhook's patterns take its type, since only then can it be delivered or replayed. Runs over real
 * sockets with a real receiver; the other suites run with `all` to read every row of their runs.
 */
import { credentials, incomingWorkflows, TOKENS } from '../fixtures/incoming.js';
import { describe, expect, FAST_DELIVERY, it } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/engine.js';
import { TEST_STORE } from '../helpers/store.js';

async function runOnce(running: TestEngine): Promise<void> {
  const response = await fetch(`${running.url}/webhooks/workflows/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKENS.bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ input_data: { n: 1 } }),
  });
  expect(response.status).toBe(202);
  await running.engine.executor.idle();
  await running.engine.committer.flush();
}

async function storedTypes(running: TestEngine): Promise<string[]> {
  const rows = await running.sql('SELECT type FROM events ORDER BY seq');
  return rows.map((row) => String(row.type));
}

describe.skipIf(TEST_STORE !== 'sqlite')('event history', () => {
  it('writes a lifecycle event only when a webhook takes its type, and still delivers it', async ({
    startEngine,
    receiver,
  }) => {
    const running = await startEngine({
      workflows: incomingWorkflows,
      credentials,
      config: { ...FAST_DELIVERY, eventHistory: 'subscribed' },
    });
    const before = await storedTypes(running);
    await runOnce(running);
    // No webhook: the run's six lifecycle events leave no row, the execution itself is recorded.
    expect(await storedTypes(running)).toEqual(before);
    const [execution] = await running.sql('SELECT status FROM executions');
    expect(execution).toMatchObject({ status: 'succeeded' });

    await running.engine.delivery.subscriptions.create({ url: receiver.url, events: ['workflow.completed'] });
    await runOnce(running);
    const after = (await storedTypes(running)).slice(before.length);
    expect(after).toEqual(['workflow.completed']);
    await receiver.waitFor(1, 30_000);
    expect(JSON.parse(receiver.requests[0].body)).toMatchObject({ type: 'workflow.completed' });

    // A publisher's own events are always written, subscribed or not.
    await running.engine.publishEvent('invoice.paid', { invoice: 1 });
    await running.engine.committer.flush();
    expect((await storedTypes(running)).slice(-1)).toEqual(['invoice.paid']);
  });

  it('writes every event with eventHistory all', async ({ startEngine }) => {
    const running = await startEngine({ workflows: incomingWorkflows, credentials, config: { eventHistory: 'all' } });
    const before = (await storedTypes(running)).length;
    await runOnce(running);
    expect((await storedTypes(running)).slice(before)).toEqual(
      expect.arrayContaining(['workflow.started', 'workflow.completed', 'workflow.execution.completed']),
    );
  });
});
