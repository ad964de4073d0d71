/**
 * WAL checkpoints on a thread of their own (wal-checkpointer.ts): the store's connection never
 * checkpoints inside a commit, and the thread's passive checkpoints copy the pages into the
 * database file, so the WAL starts over instead of growing. Real files and a real worker thread.
 */
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createEvent } from '../../../engine/events/envelope.js';
import { createSecretBox } from '../../../engine/store/secret-box.js';
import { createSqliteStore, type SqliteStore } from '../../../engine/store/sqlite-store.js';
import { startWalCheckpointer } from '../../../engine/store/wal-checkpointer.js';
import { TUNING } from '../../../engine/tuning.js';
import { makeTempDir, type TempDir } from '../../helpers/temp.js';

let dir: TempDir;
afterEach(() => dir?.remove());

const fileSize = (path: string): number => statSync(path).size;

/** Commits `count` events of about 2 KB each, at most 50 to a transaction, as the delivery loop's writes. */
async function writeEvents(store: SqliteStore, count: number): Promise<void> {
  for (let i = 0; i < count; i += 50) {
    const events = Array.from({ length: Math.min(50, count - i) }, (_, n) =>
      createEvent('order.completed', { n: i + n, pad: 'x'.repeat(2000) }),
    );
    await store.commit({ acknowledged: false, events });
  }
}

describe('WAL checkpoints off the main thread', () => {
  it('copies the WAL into the database file while the store’s own connection never checkpoints', async () => {
    dir = makeTempDir();
    const path = `${dir.path}/hookline.db`;
    const store = createSqliteStore({ path, secretBox: createSecretBox('k') });
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = fileSize(path);
    // 20 batches of 50 events (about 100 KB each), each followed by a checkpoint of the thread's.
    for (let batch = 0; batch < 20; batch++) {
      const copied = store.checkpointer!.nextCheckpoint();
      await writeEvents(store, 50);
      const progress = await copied;
      expect(progress.backfilled).toBeGreaterThan(0);
    }
    // The rows reached the database file itself, not only the WAL (all but the last few batches).
    expect(fileSize(path)).toBeGreaterThan(before + 1000 * 2000 * 0.5);
    // Copied as it went, the WAL started over at its beginning instead of holding all 2 MB.
    expect(fileSize(`${path}-wal`)).toBeLessThan(1000 * 2000 * 0.5);
    expect(store.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(1000);
    await store.close();
  });

  it('starts the WAL over under writes that never stop, instead of letting it grow', async () => {
    dir = makeTempDir();
    const path = `${dir.path}/hookline.db`;
    const store = createSqliteStore({ path, secretBox: createSecretBox('k') });
    // What the thread reports: the WAL's frames at each checkpoint; fewer than before = started over.
    let [restarts, frames, watching] = [0, 0, true];
    const watch = (async () => {
      while (watching) {
        const progress = await store.checkpointer!.nextCheckpoint();
        if (progress.frames < frames) restarts++;
        frames = progress.frames;
      }
    })();
    // A commit of about 50 KB every millisecond or so, as a steady ingress load writes, until the WAL
    // has started over twice (at most 15 s). A checkpoint copies the frames there were when it began,
    // and commits add more meanwhile; only a commit that begins once everything is copied starts the
    // WAL over. Passive rounds chasing commits 1 ms apart never leave that moment on a fast machine
    // (0 restarts in 3 s, a 256 MB WAL), so past walSizeLimitBytes the thread runs a RESTART checkpoint.
    const endAt = performance.now() + 15_000;
    let written = 0;
    while (restarts < 2 && performance.now() < endAt) {
      await writeEvents(store, 25);
      written += 25;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(restarts).toBeGreaterThanOrEqual(2);
    // Held near walSizeLimitBytes: it is cut back to it when it starts over, then grows until the next.
    expect(fileSize(`${path}-wal`)).toBeLessThan(2 * TUNING.store.walSizeLimitBytes);
    // After a burst, the file is cut back when the WAL starts over (TUNING.store.walSizeLimitBytes).
    expect(store.db.pragma('journal_size_limit', { simple: true })).toBe(TUNING.store.walSizeLimitBytes);
    expect(store.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(written);
    watching = false;
    // One more commit, so the watcher's last wait ends.
    await writeEvents(store, 1);
    await watch;
    await store.close();
  }, 30_000);

  it('stops the thread on close, and leaves the connection to checkpoint when told not to start one', async () => {
    dir = makeTempDir();
    const path = `${dir.path}/hookline.db`;
    const store = createSqliteStore({ path, secretBox: createSecretBox('k') });
    await store.close();
    // A second close is a no-op, not a hang.
    await store.checkpointer!.close();

    const plain = createSqliteStore({ path, secretBox: createSecretBox('k'), checkpointThread: false });
    expect(plain.checkpointer).toBeNull();
    expect(plain.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await plain.close();
  });

  it('tells its owner when the thread cannot work, so the connection checkpoints again', async () => {
    dir = makeTempDir();
    let failed: (error: Error) => void = () => undefined;
    const failure = new Promise<Error>((resolve) => (failed = resolve));
    const checkpointer = startWalCheckpointer({
      path: `${dir.path}/missing.db`,
      everyMs: 10,
      busyTimeoutMs: 100,
      onFailure: failed,
    });
    expect((await failure).message).toMatch(/missing\.db|exited|unable to open/i);
    await checkpointer.close();
  });
});
