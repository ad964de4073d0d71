/**
 * Results of a pure function kept by key, for hot paths whose keys repeat: secrets, delivery URLs,
 * callers' addresses, workflow parameters. A full cache is emptied rather than evicted in order:
 * that bounds memory when keys churn (or a caller invents them) without an LRU's bookkeeping on
 * every call.
 */

/** Returns `cache.get(key)`, computing and storing it on a miss; past `limit` entries the cache starts over. */
export function memo<K, T>(cache: Map<K, T>, key: K, compute: (key: K) => T, limit = 1024): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = compute(key);
    if (cache.size >= limit) cache.clear();
    cache.set(key, value);
  }
  return value;
}
