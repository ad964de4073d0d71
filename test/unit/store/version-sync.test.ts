/** The reload-when-the-version-moved rule shared by the subscription rules and the event type schemas. */
import { describe, expect, it } from 'vitest';
import { createVersionSync } from '../../../engine/store/version-sync.js';

describe('createVersionSync', () => {
  it('reloads once per new version, one reload at a time, in order', async () => {
    const reloads: number[] = [];
    let active = 0;
    const sync = createVersionSync(async (version) => {
      expect(++active).toBe(1);
      await new Promise((resolve) => setImmediate(resolve));
      reloads.push(version);
      active--;
    });
    await Promise.all([sync.syncTo(1), sync.syncTo(1), sync.syncTo(2), sync.syncTo(2)]);
    await sync.syncTo(2);
    expect(reloads).toEqual([1, 2]);
  });

  it('fails the caller of a failed reload and tries again on the next call', async () => {
    let fail = true;
    const sync = createVersionSync(async () => {
      if (fail) throw new Error('store unavailable');
    });
    await expect(sync.syncTo(1)).rejects.toThrow('store unavailable');
    fail = false;
    await expect(sync.syncTo(1)).resolves.toBeUndefined();
  });
});
