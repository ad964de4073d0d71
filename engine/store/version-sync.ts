/**
 * How a process keeps something it derived from the store (the subscription rules, the event type
 * schemas) in step with changes other processes make: each change moves a version in the store in
 * the same transaction, and the process reloads when the version it reads is not the one it
 * loaded. Reloads run one at a time, in order: a caller that saw a newer version waits for the
 * reload it started, and a reload already under way is never overtaken by an older one.
 */
export interface VersionSync {
  /** Reloads unless `version` is the one loaded; resolves when this process holds it (or a later one). */
  syncTo(version: number): Promise<void>;
}

/** `reload` reads what the version stands for; it must read after the caller read the version. */
export function createVersionSync(reload: (version: number) => Promise<void>): VersionSync {
  let loaded = -1;
  let running: Promise<void> = Promise.resolve();
  return {
    syncTo(version) {
      const next = running.then(async () => {
        if (version === loaded) return;
        await reload(version);
        loaded = version;
      });
      // A failed reload fails its callers only: the next call tries again instead of finding the chain broken.
      running = next.catch(() => undefined);
      return next;
    },
  };
}
