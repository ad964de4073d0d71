/** The credentials the engine loads from its credentials file, on either store (HOOKLINE_TEST_STORE). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTempStore, type TempStore } from '../../helpers/store.js';

let temp: TempStore;
beforeEach(async () => {
  temp = await createTempStore();
});
afterEach(() => temp.close());

const partner = { id: 'httpHeaderAuth:Partner', name: 'Partner', type: 'httpHeaderAuth', data: { value: 'one' } };

describe('credentials', () => {
  it('finds a loaded credential by id or by name, sealed at rest, and takes a reload’s new data', async () => {
    await temp.store.upsertCredential(partner);
    expect(await temp.store.findCredential('httpHeaderAuth', partner.id)).toEqual(partner);
    expect(await temp.store.findCredential('httpHeaderAuth', 'Partner')).toEqual(partner);
    expect(await temp.store.findCredential('httpBasicAuth', 'Partner')).toBeNull();
    const [row] = await temp.sql('SELECT data_enc FROM credentials WHERE id = ?', [partner.id]);
    expect(String(row.data_enc)).not.toContain('one');

    await temp.store.upsertCredential({ ...partner, data: { value: 'two' } });
    expect(await temp.store.findCredential('httpHeaderAuth', 'Partner')).toEqual({
      ...partner,
      data: { value: 'two' },
    });
  });

  it('follows a credential the file gives a new id (its type and name stay), instead of failing to start', async () => {
    await temp.store.upsertCredential(partner);
    const renamed = { ...partner, id: 'cred_7', data: { value: 'two' } };
    await temp.store.upsertCredential(renamed);
    expect(await temp.store.findCredential('httpHeaderAuth', 'Partner')).toEqual(renamed);
    expect(await temp.store.findCredential('httpHeaderAuth', partner.id)).toBeNull();
    expect(await temp.sql('SELECT id FROM credentials')).toEqual([{ id: 'cred_7' }]);
  });
});
