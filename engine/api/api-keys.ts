/**
 * API-key authentication for `/api/v1`: `Authorization: Bearer <key>`, where the key is the
 * configured admin key (`HOOKLINE_API_KEY`) or one made with the CLI or the API and stored as a
 * SHA-256 hash. A stored key may be scoped to one organization (see scope.ts); the configured key
 * and unscoped stored keys see everything and alone may manage keys.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Errors } from '../errors.js';
import { NO_ORGANIZATION } from '../events/organization.js';
import { createId } from '../events/ids.js';
import type { FailedAuthLimiter } from '../ingress/failed-auth.js';
import type { ApiKeyRecord, Store } from '../store/types.js';
import { TUNING } from '../tuning.js';

/** Who made a request: the key it came with. */
export interface ApiPrincipal {
  /** The stored key's id, or `admin` for the configured key. */
  keyId: string;
  name: string;
  /** The one organization the key may see and change; null for every organization. */
  organization: string | null;
}

export interface ApiKeyCheck {
  /**
   * Resolves with the key's principal, or throws UNAUTHORIZED (counted against `address` by the
   * failed-auth limiter), or RATE_LIMITED while `address` has failed too often.
   */
  check(authorization: string | undefined, address: string): Promise<ApiPrincipal>;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();
const challenge = { 'www-authenticate': 'Bearer realm="hookline-api"' };
export const ADMIN_PRINCIPAL: ApiPrincipal = Object.freeze({ keyId: 'admin', name: 'admin', organization: null });

export function createApiKeyCheck(store: Store, adminKey: string, failedAuth: FailedAuthLimiter): ApiKeyCheck {
  const adminDigest = adminKey ? sha256(adminKey) : null;
  const noteUse = createLastUsedWriter(store);
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
      if (adminDigest && timingSafeEqual(digest, adminDigest)) return ADMIN_PRINCIPAL;
      // Lookup by hash: the stored value is never the key, and equal hashes mean equal keys.
      const found = await store.findApiKey(digest.toString('hex'));
      if (!found) throw await fail(address, 'Invalid API key');
      await noteUse(found);
      return { keyId: found.id, name: found.name, organization: found.organization };
    },
  };
}

/**
 * Writes a key's `last_used_at` at most once per `TUNING.apiKeys.lastUsedEveryMs` per process:
 * a listing needs the minute, not a write per request. The rare write is awaited, so a listing
 * right after a use shows it; a failed one never fails the request and is tried at the next use.
 */
function createLastUsedWriter(store: Store): (key: ApiKeyRecord) => Promise<void> {
  const writtenAtMs = new Map<string, number>();
  return async (key) => {
    const nowMs = Date.now();
    const lastMs = Math.max(writtenAtMs.get(key.id) ?? 0, key.lastUsedAt ? Date.parse(key.lastUsedAt) : 0);
    if (nowMs - lastMs < TUNING.apiKeys.lastUsedEveryMs) return;
    writtenAtMs.set(key.id, nowMs);
    await store.touchApiKey(key.id, new Date(nowMs).toISOString()).catch(() => writtenAtMs.delete(key.id));
  };
}

export interface NewApiKey {
  name: string;
  /** Scope the key to this organization. @defaultValue null (every organization) */
  organization?: string | null;
}

/** Makes a new key; the plain key is returned once and only its hash is stored. */
export async function createApiKey(store: Store, input: NewApiKey): Promise<{ record: ApiKeyRecord; key: string }> {
  const organization = input.organization ?? null;
  if (organization === NO_ORGANIZATION)
    throw Errors.INVALID_INPUT(`'${NO_ORGANIZATION}' is the workspace of webhooks without an organization`, {
      details: { field: 'organization', expected: 'an organization name', received: organization },
    });
  const key = `hk_${randomBytes(24).toString('base64url')}`;
  const record: ApiKeyRecord = {
    id: createId('key'),
    name: input.name,
    keyHash: sha256(key).toString('hex'),
    prefix: key.slice(0, 8),
    createdAt: new Date().toISOString(),
    organization,
    lastUsedAt: null,
  };
  await store.createApiKey(record);
  return { record, key };
}

/** Revokes a key at once: its next request is refused. @throws NOT_FOUND for an unknown or revoked id. */
export async function revokeApiKey(store: Store, id: string): Promise<void> {
  if (!(await store.revokeApiKey(id, new Date().toISOString()))) throw Errors.NOT_FOUND(`API key '${id}' not found`);
}

/** A key as the API and the CLI show it: never the key, nor its hash. */
export function apiKeyJson(record: ApiKeyRecord): Record<string, unknown> {
  return {
    id: record.id,
    name: record.name,
    prefix: record.prefix,
    organization: record.organization,
    created_at: record.createdAt,
    last_used_at: record.lastUsedAt,
  };
}
