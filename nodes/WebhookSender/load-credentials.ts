/**
 * The secrets a post needs: the signing secret when signed and the receiver's credential when
 * authenticated. Unlike the trigger, a missing credential is an error at once: sending unsigned
 * or unauthenticated instead would leak data to a receiver that rejects it, or accepts forgeries.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { NodeWebhookRequest } from '../../engine/node-contract/helpers.js';
import { configError } from './error.js';
import type { SenderParameters } from './parameters.js';

/** What {@link loadSenderSecrets} found; `authentication` is in the engine's request shape. */
export interface SenderSecrets {
  /** The HMAC secret; undefined when the post is unsigned. */
  signingSecret: string | undefined;
  authentication: NonNullable<NodeWebhookRequest['authentication']>;
}

type CredentialSource = Pick<IExecuteFunctions, 'getCredentials' | 'getNode'>;

/** The credential's non-empty string fields, or an error naming the credential and the setting. */
async function loadFields(source: CredentialSource, type: string, fields: string[], needed: string): Promise<string[]> {
  let data: Record<string, unknown> | undefined;
  try {
    data = (await source.getCredentials(type)) as Record<string, unknown> | undefined;
  } catch (error) {
    throw configError(source.getNode(), `${needed} needs a '${type}' credential`, undefined, (error as Error).message);
  }
  return fields.map((field) => {
    const value = data?.[field];
    if (typeof value !== 'string' || value === '')
      throw configError(source.getNode(), `${needed}: the '${type}' credential has no ${field}`);
    return value;
  });
}

/** Loads only what the configured signature and authentication use. */
export async function loadSenderSecrets(source: CredentialSource, params: SenderParameters): Promise<SenderSecrets> {
  const signingSecret =
    params.signature === 'none'
      ? undefined
      : (await loadFields(source, 'hooklineSigningSecretApi', ['secret'], `Signature '${params.signature}'`))[0];
  if (params.authentication === 'bearer') {
    const [token] = await loadFields(source, 'hooklineBearerApi', ['token'], 'Bearer authentication');
    return { signingSecret, authentication: { type: 'bearer', token } };
  }
  if (params.authentication === 'basic') {
    const [username, password] = await loadFields(
      source,
      'hooklineBasicAuthApi',
      ['user', 'password'],
      'Basic authentication',
    );
    return { signingSecret, authentication: { type: 'basic', username, password } };
  }
  return { signingSecret, authentication: { type: 'none' } };
}
