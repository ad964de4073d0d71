/**
 * Fetches the secrets a request is checked against through n8n's `getCredentials`. A credential
 * that cannot be loaded (not selected, deleted, undecryptable) becomes null, which the checks
 * answer with 401 or 500: a broken configuration closes the webhook, it never opens it.
 */
import type { IWebhookFunctions } from 'n8n-workflow';
import type { CredentialFetcher } from '../../engine/trigger-checks/index.js';

type CredentialSource = Pick<IWebhookFunctions, 'getCredentials'>;

/** A fetcher over the context's credentials, for `runTriggerChecks`. */
export function credentialFetcher(source: CredentialSource): CredentialFetcher {
  return async (type) => {
    try {
      const data: unknown = await source.getCredentials(type);
      return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : null;
    } catch {
      // n8n throws NodeOperationError and the engine CREDENTIAL_NOT_FOUND for the same situation;
      // both mean "no usable credential", which the checks answer by refusing the request.
      return null;
    }
  };
}
