/** `client.apiKeys`: list, create and revoke API keys (seed 004's "Settings > API Keys"). Unscoped keys only. */
import { segment } from './query.js';
import type { Transport } from './transport.js';

/** An API key as the API shows it: never the key itself, nor its hash. */
export interface ApiKey {
  /** `key_…` */
  id: string;
  name: string;
  /** The first characters of the key, to tell keys apart. */
  prefix: string;
  /** The one organization the key may see and change; null for every organization. */
  organization: string | null;
  created_at: string;
  /** Updated at most once a minute; null until the key is first used. */
  last_used_at: string | null;
}

/** A new API key: `key` is shown this once. */
export interface ApiKeyWithSecret extends ApiKey {
  key: string;
}

/** Fields of `apiKeys.create`. */
export interface ApiKeyInput {
  /** What the key is for, e.g. `ci` or `dashboard`. */
  name: string;
  /**
   * Scope the key to one organization: it then sees and changes only that organization's webhooks,
   * deliveries and events, and may not manage keys.
   */
  organization?: string;
}

export class ApiKeysApi {
  constructor(private readonly send: Transport) {}

  /** The keys that are not revoked, oldest first. */
  async list(): Promise<ApiKey[]> {
    const { api_keys: keys } = await this.send<{ api_keys: ApiKey[] }>('GET', '/api-keys');
    return keys;
  }

  /** Creates a key; the answer is the only time its secret is shown. */
  create(input: ApiKeyInput): Promise<ApiKeyWithSecret> {
    return this.send('POST', '/api-keys', { body: input });
  }

  /** Revokes a key: its next request is refused. @throws HooklineApiError `NOT_FOUND` for an unknown or revoked id. */
  revoke(id: string): Promise<{ success: boolean; id: string }> {
    return this.send('DELETE', `/api-keys/${segment(id)}`);
  }
}
