/** `new Hookline({ baseUrl, apiKey })`: the typed client of the management API. */
import { ApiKeysApi } from './api-keys.js';
import { DeliveriesApi, EventsApi, EventTypesApi, ExecutionsApi, WorkflowsApi } from './resources.js';
import { createTransport, type FetchLike } from './transport.js';
import { WebhooksApi } from './webhooks.js';

/** Where the API is and how to reach it. */
export interface HooklineOptions {
  /** Server root, e.g. `http://127.0.0.1:8787` (a trailing `/api/v1` is fine too). */
  baseUrl: string;
  /** An API key from `hookline api-key create`, or the server's `HOOKLINE_API_KEY`. */
  apiKey: string;
  /**
   * The `fetch` to use.
   * @defaultValue `globalThis.fetch`
   */
  fetch?: FetchLike;
  /**
   * Abandon a call after this long; it then fails with `NETWORK_ERROR`. Test sends and replays
   * wait for the receiver, so keep this above the webhooks' own timeouts.
   * @defaultValue 30000
   */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The Hookline management API client. Every method resolves with the API's JSON and rejects with a
 * {@link HooklineApiError} carrying the API's error code.
 *
 * @example
 * const hookline = new Hookline({ baseUrl: 'http://127.0.0.1:8787', apiKey: process.env.HOOKLINE_API_KEY! });
 * const { id, secret } = await hookline.webhooks.create({ url: 'https://example.com/hook', events: ['order.*'] });
 */
export class Hookline {
  readonly webhooks: WebhooksApi;
  readonly deliveries: DeliveriesApi;
  readonly events: EventsApi;
  readonly eventTypes: EventTypesApi;
  readonly workflows: WorkflowsApi;
  readonly executions: ExecutionsApi;
  readonly apiKeys: ApiKeysApi;

  constructor(options: HooklineOptions) {
    // A missing option is a bug in the caller, not an API answer: a TypeError, as for any bad argument.
    if (!options?.baseUrl) throw new TypeError('Hookline: baseUrl is required');
    if (!options.apiKey) throw new TypeError('Hookline: apiKey is required');
    const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const send = createTransport({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      fetch: fetchImpl,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    this.webhooks = new WebhooksApi(send);
    this.deliveries = new DeliveriesApi(send);
    this.events = new EventsApi(send);
    this.eventTypes = new EventTypesApi(send);
    this.workflows = new WorkflowsApi(send);
    this.executions = new ExecutionsApi(send);
    this.apiKeys = new ApiKeysApi(send);
  }
}
