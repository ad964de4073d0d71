/** API keys and organization-scoped delivery reads in the store, on a real store per test (SQLite or PostgreSQL). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../../engine/api/api-keys.js';
import type { Store } from '../../../engine/store/types.js';
import { makeNewDelivery, makeSubscription } from '../../helpers/records.js';
import { createTempStore, type TempStore } from '../../helpers/store.js';

let temp: TempStore;
let store: Store;

beforeEach(async () => {
  temp = await createTempStore();
  store = temp.store;
});

afterEach(async () => {
  await temp.close();
});

describe('API keys in the store', () => {
  it('keeps the organization, lists unrevoked keys oldest first, and never the key', async () => {
    const admin = await createApiKey(store, { name: 'ci' });
    const scoped = await createApiKey(store, { name: 'acme dashboard', organization: 'org-123' });
    const listed = await store.listApiKeys();
    expect(listed.map((k) => [k.name, k.organization, k.lastUsedAt])).toEqual([
      ['ci', null, null],
      ['acme dashboard', 'org-123', null],
    ]);
    expect(JSON.stringify(listed)).not.toContain(scoped.key);
    expect(listed[1]).toMatchObject({ id: scoped.record.id, prefix: scoped.key.slice(0, 8) });
    expect(admin.record.organization).toBeNull();
  });

  it('records the last use and forgets a revoked key at once', async () => {
    const { record } = await createApiKey(store, { name: 'ci' });
    await store.touchApiKey(record.id, '2026-11-28T12:00:00.000Z');
    expect((await store.listApiKeys())[0].lastUsedAt).toBe('2026-11-28T12:00:00.000Z');
    expect(await store.findApiKey(record.keyHash)).toMatchObject({ lastUsedAt: '2026-11-28T12:00:00.000Z' });
    await revokeApiKey(store, record.id);
    expect(await store.findApiKey(record.keyHash)).toBeNull();
    expect(await store.listApiKeys()).toEqual([]);
    await expect(revokeApiKey(store, record.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("refuses 'default' as a key's organization: it is the workspace of webhooks without one", async () => {
    await expect(createApiKey(store, { name: 'x', organization: 'default' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: { field: 'organization' },
    });
  });
});

describe('deliveries by organization', () => {
  it("lists only the deliveries of one workspace's webhooks", async () => {
    await store.saveSubscription(makeSubscription({ id: 'wh_acme', workspace: 'org-123' }));
    await store.saveSubscription(makeSubscription({ id: 'wh_other', workspace: 'org-456' }));
    await store.commit({
      deliveries: [
        makeNewDelivery('del_acme', { subscriptionId: 'wh_acme' }),
        makeNewDelivery('del_other', { subscriptionId: 'wh_other' }),
      ],
    });
    const ids = async (workspace?: string) =>
      (await store.deliveryLog.listDeliveries({ workspace })).map((d) => d.id).sort();
    expect(await ids('org-123')).toEqual(['del_acme']);
    expect(await ids('org-456')).toEqual(['del_other']);
    expect(await ids('org-none')).toEqual([]);
    expect(await ids()).toEqual(['del_acme', 'del_other']);
  });
});
