import { describe, expect, it } from '../helpers/engine-fixture.js';
import { until } from '../helpers/wait.js';

describe('matching: event names, groups, rules and include_fields', () => {
  it('delivers exact names, groups and * and skips the rest', async ({ setup }) => {
    const { receiver, hookline } = await setup();
    await hookline.delivery.subscriptions.create({ url: `${receiver.url}/exact`, events: ['workflow.completed'] });
    await hookline.delivery.subscriptions.create({ url: `${receiver.url}/group`, events: ['agent.*'] });
    await hookline.delivery.subscriptions.create({ url: `${receiver.url}/all`, events: ['*'] });
    await hookline.publishEvent('workflow.completed', { n: 1 });
    await hookline.publishEvent('agent.conversation.completed', { n: 2 });
    await hookline.publishEvent('billing.invoice.paid', { n: 3 });
    const got = await receiver.waitFor(5);
    await until(
      async () =>
        (await hookline.store.deliveryLog.listDeliveries({ statuses: ['pending', 'retrying', 'in_flight'] })).length ===
        0,
      'all deliveries settled',
    );
    expect(await hookline.store.deliveryLog.listDeliveries({ statuses: ['succeeded'] })).toHaveLength(5);
    expect(got.map((r) => `${r.url} ${JSON.parse(r.body).data.n}`).sort()).toEqual([
      '/all 1',
      '/all 2',
      '/all 3',
      '/exact 1',
      '/group 2',
    ]);
  });

  it('applies seed shorthand conditions, seed filters and include_fields', async ({ setup }) => {
    const { receiver, hookline } = await setup();
    await hookline.delivery.subscriptions.create({
      url: `${receiver.url}/unhappy`,
      events: ['agent.conversation.completed'],
      conditions: { satisfaction_score: { lt: 3 }, message_count: { gt: 10 } },
    });
    await hookline.delivery.subscriptions.create({
      url: `${receiver.url}/filtered`,
      events: ['function.executed'],
      filters: {
        'function.executed': {
          function: { id: ['func-123', 'func-456'], name: { startsWith: 'My' } },
          execution: { status: ['success'] },
        },
      },
    });
    await hookline.delivery.subscriptions.create({
      url: `${receiver.url}/trimmed`,
      events: ['workflow.execution.completed'],
      filters: { include_fields: ['workflow_id', 'status', 'output_data.order_id'] },
    });
    await hookline.publishEvent('agent.conversation.completed', { satisfaction_score: 4.5, message_count: 8 });
    await hookline.publishEvent('agent.conversation.completed', {
      satisfaction_score: 2,
      message_count: 12,
      id: 'sad',
    });
    await hookline.publishEvent('function.executed', {
      function: { id: 'func-123', name: 'My Function' },
      execution: { status: 'success' },
      id: 'yes',
    });
    await hookline.publishEvent('function.executed', {
      function: { id: 'func-999', name: 'My Function' },
      execution: { status: 'success' },
      id: 'no',
    });
    await hookline.publishEvent('workflow.execution.completed', {
      workflow_id: 'wf_abc123',
      status: 'success',
      credits_used: 4.5,
      output_data: { order_id: 'o1', secret: 'x' },
    });
    await receiver.waitFor(3);
    await hookline.delivery.worker.stop();
    const byPath = Object.fromEntries(receiver.requests.map((r) => [r.url, JSON.parse(r.body).data]));
    expect(receiver.requests).toHaveLength(3);
    expect(byPath['/unhappy']).toMatchObject({ id: 'sad' });
    expect(byPath['/filtered']).toMatchObject({ id: 'yes' });
    expect(byPath['/trimmed']).toEqual({
      workflow_id: 'wf_abc123',
      status: 'success',
      output_data: { order_id: 'o1' },
    });
  });
});
