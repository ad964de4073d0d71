/**
 * API-key authentication for `/api/v1`: `Authorization: Bearer <key>`, where the key is the
 * configured admin key (`HOOKLINE_API_KEY`) or one made with the CLI and stored as a SHA-256 hash.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Errors } from '../errors.js';
import { createId } from '../events/ids.js';
import type { FailedAuthLimiter } from '../ingress/failed-auth.js';
import type { Store } from '../store/types.js';

export interface ApiKeyCheck {
  /**
   * Resolves with the key's name, or throws UNAUTHORIZED (counted against `address` by the
   * failed-auth limiter), or RATE_LIMITED while `address` has failed too often.
   */
  check(authorization: string | undefined, address: string): Promise<string>;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();
const challenge = { 'www-authenticate': 'Bearer realm="hookline-api"' };

export function createApiKeyCheck(store: Store, adminKey: string, failedAuth: FailedAuthLimiter): ApiKeyCheck {
  const adminDigest = adminKey ? sha256(adminKey) : null;
  const fail = async (address: string, message: string) => {
    await failedAuth.recordFailure(address);
    return Errors.UNAUTHORIZED(message, { headers: challenge });
  };
  return {
    async check(authorization, address) {
      await failedAuth.assertAllowed(address);
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (!match) throw await fail(address, 'Missing API key: send Authorization: Bearer <key>');
      const digest = sha256(match[1]);
      if (adminDigest && timingSafeEqual(digest, adminDigest)) return 'admin';
      // Lookup by hash: the stored value is never the key, and equal hashes mean equal keys.
      const found = await store.findApiKey(digest.toString('hex'));
      if (!found) throw await fail(address, 'Invalid API key');
      return found.name;
    },
  };
}

/** Makes a new key; the plain key is returned once and only its hash is stored. */
export async function createApiKey(store: Store, name: string): Promise<{ id: string; key: string }> {
  const key = `hk_${randomBytes(24).toString('base64url')}`;
  const id = createId('key');
  await store.createApiKey({
    id,
    name,
    keyHash: sha256(key).toString('hex'),
    prefix: key.slice(0, 8),
    createdAt: new Date().toISOString(),
  });
  return { id, key };
}
