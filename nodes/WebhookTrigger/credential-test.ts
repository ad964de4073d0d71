/**
 * The credential test for Hookline's incoming credentials. There is no remote service to call
 * (the secrets are checked against callers), so the test checks that the secret is usable:
 * present and long enough not to be guessed by an unthrottled caller.
 */
import type { ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

/** Shortest token, password or signing secret accepted: 16 random characters are ~95 bits. */
export const MIN_SECRET_LENGTH = 16;

/** The fields each credential type must fill, and which of them are secrets. */
const REQUIRED_FIELDS: Record<string, ReadonlyArray<{ field: string; secret: boolean }>> = {
  hooklineTokenApi: [{ field: 'token', secret: true }],
  hooklineBearerApi: [{ field: 'token', secret: true }],
  hooklineBasicAuthApi: [
    { field: 'user', secret: false },
    { field: 'password', secret: true },
  ],
  hooklineSigningSecretApi: [{ field: 'secret', secret: true }],
};

/**
 * What is wrong with a credential's data, or null when it is usable.
 *
 * @param type - The credential type name, e.g. `hooklineTokenApi`.
 */
export function credentialProblem(type: string, data: Record<string, unknown> | undefined): string | null {
  const fields = REQUIRED_FIELDS[type];
  if (!fields) return `Unknown Hookline credential type '${type}'`;
  for (const { field, secret } of fields) {
    const value = data?.[field];
    if (typeof value !== 'string' || value.trim() === '') return `'${field}' is empty`;
    if (secret && value.length < MIN_SECRET_LENGTH)
      return `'${field}' is shorter than ${MIN_SECRET_LENGTH} characters; use a long random value`;
  }
  return null;
}

/** n8n's `methods.credentialTest` entry: reports the first problem, or OK. */
export async function testHooklineCredential(
  this: ICredentialTestFunctions,
  credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
  const problem = credentialProblem(credential.type, credential.data as Record<string, unknown> | undefined);
  return problem === null
    ? { status: 'OK', message: 'The credential is usable' }
    : { status: 'Error', message: problem };
}
