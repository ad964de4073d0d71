import { describe, expect, it } from '../helpers/engine-fixture.js';

describe('subscription limits and input checks', () => {
  it('allows at most the configured enabled subscriptions per workspace', async ({ setup }) => {
    const { receiver, hookline } = await setup({ maxSubscriptionsPerWorkspace: 2 });
    await hookline.delivery.subscriptions.create({ url: receiver.url, events: ['*'] });
    await hookline.delivery.subscriptions.create({ url: receiver.url, events: ['*'], enabled: false });
    await hookline.delivery.subscriptions.create({ url: receiver.url, events: ['*'] });
    await expect(hookline.delivery.subscriptions.create({ url: receiver.url, events: ['*'] })).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      status: 422,
    });
    await expect(
      hookline.delivery.subscriptions.create({ url: receiver.url, events: ['*'], organization: 'other' }),
    ).resolves.toBeTruthy();
  });

  it('refuses private and loopback targets unless allowed', async ({ setup }) => {
    const { hookline } = await setup({ allowPrivateTargets: false });
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://localhost/x',
      'http://10.1.2.3/x',
      'http://[::1]/x',
      'http://169.254.169.254/latest',
    ]) {
      await expect(hookline.delivery.subscriptions.create({ url, events: ['*'] })).rejects.toMatchObject({
        code: 'TARGET_NOT_ALLOWED',
      });
    }
    await expect(
      hookline.delivery.subscriptions.create({ url: 'https://example.com/hook', events: ['*'] }),
    ).resolves.toBeTruthy();
  });

  it('rejects unknown fields and bad rules with the field named', async ({ setup }) => {
    const { hookline } = await setup();
    await expect(
      hookline.delivery.subscriptions.create({ url: 'https://example.com', events: ['*'], colour: 'red' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: "Unknown field 'colour'" });
    await expect(
      hookline.delivery.subscriptions.create({
        url: 'https://example.com',
        events: ['*'],
        conditions: { x: { $foo: 1 } },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { field: 'conditions.x.$foo' } });
  });
});
