/**
 * Fetches the secrets a request is checked against. A credential that cannot be loaded (not
 * selected, deleted, undecryptable) becomes null, which the checks answer with 401 or 500: a
 * broken configuration closes the webhook, it never opens it.
 */
import type { IWebhookFunctions } from 'n8n-workflow';
import type { AuthMethod } from './auth.js';
import type { TriggerCredentials } from './inspect-request.js';
import type { TriggerParameters } from './parameters.js';

/** The credential type each authentication method reads. */
export const AUTH_CREDENTIAL_TYPES: Readonly<Record<Exclude<AuthMethod, 'none'>, string>> = {
  urlToken: 'hooklineTokenApi',
  bearer: 'hooklineBearerApi',
  basic: 'hooklineBasicAuthApi',
};

/** The credential type holding the signing secret. */
export const SIGNING_CREDENTIAL_TYPE = 'hooklineSigningSecretApi';

type CredentialSource = Pick<IWebhookFunctions, 'getCredentials'>;

async function tryCredential(source: CredentialSource, type: string): Promise<Record<string, unknown> | null> {
  try {
    const data: unknown = await source.getCredentials(type);
    return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : null;
  } catch {
    // n8n throws NodeOperationError and the engine CREDENTIAL_NOT_FOUND for the same situation;
    // both mean "no usable credential", which the checks answer by refusing the request.
    return null;
  }
}

/** Loads only what the configured checks need: nothing for `none` and no signing secret when unsigned. */
export async function loadTriggerCredentials(
  source: CredentialSource,
  params: TriggerParameters,
): Promise<TriggerCredentials> {
  // An unknown method has no credential type; authenticate() then refuses it.
  const authType: string | undefined = (AUTH_CREDENTIAL_TYPES as Record<string, string | undefined>)[
    params.authentication
  ];
  const auth = authType === undefined ? null : await tryCredential(source, authType);
  if (params.signature === 'none') return { auth, signingSecret: null };
  const signing = await tryCredential(source, SIGNING_CREDENTIAL_TYPE);
  const secret = signing?.secret;
  return { auth, signingSecret: typeof secret === 'string' && secret !== '' ? secret : null };
}
