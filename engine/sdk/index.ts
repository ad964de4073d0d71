/**
 * The Hookline client SDK: `new Hookline({ baseUrl, apiKey })` for the management API and
 * `verifyWebhook` for receivers of Hookline's deliveries.
 */
export { Hookline, type HooklineOptions } from './client.js';
export { HooklineApiError, isHooklineApiError, type ClientErrorCode } from './errors.js';
export {
  verifyWebhook,
  WebhookVerificationError,
  type VerifyWebhookOptions,
  type HeaderMap,
  type SignatureScheme,
} from './verify.js';
export { WebhooksApi } from './webhooks.js';
export { DeliveriesApi, EventsApi, EventTypesApi, ExecutionsApi, WorkflowsApi } from './resources.js';
export type { FetchLike } from './transport.js';
export type * from './types.js';
export type * from './delivery-types.js';
export { ApiKeysApi, type ApiKey, type ApiKeyInput, type ApiKeyWithSecret } from './api-keys.js';
