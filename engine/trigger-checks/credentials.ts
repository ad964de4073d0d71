/**
 * Which credential each check reads, and the secrets a request is checked against. The one map
 * from authentication method to credential type: the node declares its credential slots with
 * these names, and the engine resolves the same ones.
 */
import type { AuthMethod } from './auth.js';

/** The credential type each authentication method reads. */
export const AUTH_CREDENTIAL_TYPES: Readonly<Record<Exclude<AuthMethod, 'none'>, string>> = {
  urlToken: 'hooklineTokenApi',
  bearer: 'hooklineBearerApi',
  basic: 'hooklineBasicAuthApi',
};

/** The credential type holding the signing secret. */
export const SIGNING_CREDENTIAL_TYPE = 'hooklineSigningSecretApi';

/**
 * The credential type of an authentication method; undefined for `none` and for an unknown
 * method, which `authenticate()` then refuses.
 */
export function authCredentialType(method: string): string | undefined {
  return (AUTH_CREDENTIAL_TYPES as Record<string, string | undefined>)[method];
}

/**
 * Fetches a host's credential by type. Null means none is configured or it cannot be used, which
 * the checks answer with 401 or 500: a broken configuration closes the webhook, it never opens it.
 */
export type CredentialFetcher = (type: string) => Promise<Record<string, unknown> | null>;

/** The signing secret of a signing credential, or null when it is absent or empty. */
export function signingSecretOf(credential: Record<string, unknown> | null): string | null {
  const secret = credential?.secret;
  return typeof secret === 'string' && secret !== '' ? secret : null;
}
