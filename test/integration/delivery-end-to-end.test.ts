import { Webhook } from 'standardwebhooks';
import { FAST_DELIVERY, describe, expect, it } from '../helpers/engine-fixture.js';

describe('end to end: incoming trigger to signed outgoing webhook', () => {
  it('an incoming trigger runs a workflow whose completion event reaches a subscriber with a valid signature', async ({
    receiver,
    startEngine,
  }) => {
    const { credentials, incomingWorkflows, TOKENS } = await import('../fixtures/incoming.js');
    const engine = await startEngine({
      workflows: { orders: incomingWorkflows.orders },
      credentials,
      config: FAST_DELIVERY,
    });
    const hookline = engine.engine;
    const { secret } = await hookline.delivery.subscriptions.create({
      url: receiver.url,
      events: ['workflow.execution.completed'],
      payload_format: 'webhook',
    });
    const response = await fetch(`${engine.url}/webhooks/workflows/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.bearer}` },
      body: JSON.stringify({ input_data: { name: 'John Doe' } }),
    });
    const { execution_id } = await response.json();
    const [request] = await receiver.waitFor(1);
    const payload = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as Record<
      string,
      unknown
    >;
    expect(payload).toMatchObject({
      event: 'workflow.execution.completed',
      data: {
        workflow_id: 'orders',
        execution_id,
        status: 'success',
        input_data: { name: 'John Doe' },
        output_data: { greeting: 'hello John Doe' },
      },
    });
    expect(Object.keys(payload).sort()).toEqual(['data', 'event', 'timestamp', 'webhook_id']);
  });
});
