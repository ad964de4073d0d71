/**
 * The trigger checks that read only the address, headers and query (source, then credentials),
 * run before a request's body is read: a caller without valid credentials costs us no parsing.
 * The checks themselves are `engine/trigger-checks`, shared with the trigger node, which is told
 * (`helpers.hooklineTrigger`) that these already passed and runs only the rest.
 */
import type { FastifyRequest } from 'fastify';
import { Errors, type HooklineError } from '../errors.js';
import { authKey, CALLER_CHECKS, runTriggerChecks, type WebhookRejection } from '../trigger-checks/index.js';
import type { CredentialResolver } from '../workflow/node-context.js';
import type { TriggerBinding } from './trigger-table.js';

/**
 * Runs the caller checks for `binding`.
 *
 * @returns a key naming the caller for rate limiting: the credential, or the address when the trigger is open.
 * @throws {@link HooklineError} with the check's code, details and headers (`WWW-Authenticate`) when one fails.
 */
export async function checkCaller(
  binding: TriggerBinding,
  request: FastifyRequest,
  resolve: CredentialResolver,
): Promise<string> {
  const params = binding.checkParams;
  const { rejection, authCredential } = await runTriggerChecks(CALLER_CHECKS, {
    request: { headers: request.headers, query: request.query as Record<string, unknown>, ip: request.ip },
    params,
    fetchCredential: async (type) => {
      const reference = binding.node.credentials?.[type];
      return reference ? resolve(type, reference) : null;
    },
  });
  if (rejection) throw toHooklineError(rejection);
  const caller = params.authentication === 'none' ? request.ip : authKey(params.authentication, authCredential);
  return `${binding.workflow.id}:${binding.node.name}:${caller}`;
}

/** The checks are bundled into the n8n package as plain data; here each code gets its registry error. */
function toHooklineError({ code, message, details, headers }: WebhookRejection): HooklineError {
  const options = { details, headers };
  switch (code) {
    case 'UNAUTHORIZED':
      return Errors.UNAUTHORIZED(message, options);
    case 'FORBIDDEN':
      return Errors.FORBIDDEN(message, options);
    case 'INVALID_SIGNATURE':
      return Errors.INVALID_SIGNATURE(message, options);
    case 'INVALID_INPUT':
      return Errors.INVALID_INPUT(message, options);
    case 'INVALID_CONFIG':
      return Errors.INVALID_CONFIG(message, options);
  }
}
