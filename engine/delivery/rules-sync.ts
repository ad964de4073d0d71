/**
 * Keeps this process's matcher in step with the stored subscriptions, which other processes may
 * change (a shared PostgreSQL store). Every change moves the store's subscriptions version; a
 * process reloads when it sees a version other than the one it loaded:
 * - at once, when another process's NOTIFY arrives (`check`);
 * - before each fan-out page (`syncTo`, called by the store inside the fan-out transaction), so no
 *   event is planned with rules older than itself;
 * - every `checkEveryMs` as the backstop for a lost signal.
 * This process's own changes are applied to the matcher at once (subscriptions.ts), and
 * `ownChange` then reloads as a check does. It cannot just adopt the version its change made: a
 * reload already under way may have read the list before that change committed, and its
 * `matcher.load` then drops the change the matcher had just been given, while the version it
 * records is the one before the change. Only a reload that starts after the change (the chain
 * below runs one at a time) is sure to hold it.
 */
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';
import { createVersionSync } from '../store/version-sync.js';
import type { LoadFailure, Matcher } from './matcher.js';

export interface RulesSync {
  /** Loads the rules and the version they stand for. */
  start(): Promise<void>;
  /** Reloads when the store's version is not the one loaded (`version` read by the caller, or now). */
  syncTo(version: number): Promise<void>;
  check(): Promise<void>;
  /** This process just wrote one change and applied it to the matcher itself: reloads after it. */
  ownChange(): Promise<void>;
  stop(): void;
}

export interface RulesSyncOptions {
  store: Store;
  matcher: Matcher;
  /** A stored subscription whose rules do not compile (it matches nothing meanwhile). */
  onLoadFailure(failure: LoadFailure): Promise<void>;
  /** After a reload: the subscriptions now known (the worker looks at each). */
  onReload(): void;
  checkEveryMs: number;
  log: Logger;
}

export function createRulesSync(options: RulesSyncOptions): RulesSync {
  const { store, matcher } = options;
  let timer: NodeJS.Timeout | null = null;
  // One reload at a time: a signal during a reload is answered by a check after it. The version is
  // read before the list: a change in between makes the next check reload again.
  const { syncTo } = createVersionSync(async () => {
    const subscriptions = await store.listSubscriptions();
    for (const failure of matcher.load(subscriptions)) await options.onLoadFailure(failure);
    options.onReload();
  });
  const check = async (): Promise<void> => syncTo(await store.subscriptionsVersion());

  return {
    async start() {
      await syncTo(await store.subscriptionsVersion());
      timer = setInterval(() => {
        check().catch((error: unknown) => options.log.error({ err: error }, 'subscriptions check failed'));
      }, options.checkEveryMs);
      timer.unref();
    },
    syncTo,
    check,
    ownChange: check,
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
