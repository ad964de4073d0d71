/**
 * Decrypted credentials, looked up once and kept in memory: the ingress hot path must not hit
 * the database and decrypt on every request. `clear()` after credentials change.
 */
import type { Store } from '../store/types.js';
import type { CredentialResolver } from './node-context.js';

export interface CredentialCache {
  resolve: CredentialResolver;
  clear(): void;
}

export function createCredentialCache(store: Store): CredentialCache {
  const cache = new Map<string, Promise<Record<string, unknown> | null>>();
  const lookup = async (type: string, reference: { id?: string; name: string }) => {
    const byId = reference.id ? await store.findCredential(type, reference.id) : null;
    return (byId ?? (await store.findCredential(type, reference.name)))?.data ?? null;
  };
  return {
    resolve(type, reference) {
      const key = `${type}\u0000${reference.id ?? ''}\u0000${reference.name}`;
      let found = cache.get(key);
      if (!found) {
        found = lookup(type, reference);
        cache.set(key, found);
        // A failed lookup is not remembered.
        found.catch(() => cache.delete(key));
      }
      return found;
    },
    clear: () => cache.clear(),
  };
}
