/** `client.webhooks`: the calls of seed 000, one per `/api/v1/webhooks` route. */
import type { Transport } from './transport.js';
import { deliveryQuery, isoOf, segment } from './query.js';
import type {
  Delivery,
  DeliveryDetail,
  DeliveryLog,
  DeliveryPage,
  ListDeliveriesOptions,
  ReplayOptions,
  ReplayResult,
  TimeRange,
  WebhookStats,
} from './delivery-types.js';
import type {
  ListWebhooksOptions,
  TestResult,
  TestWebhookOptions,
  Webhook,
  WebhookInput,
  WebhookPage,
  WebhookWithSecret,
} from './types.js';

/** Webhook subscriptions: CRUD, enable/disable, secret rotation, filters, test sends and history. */
export class WebhooksApi {
  constructor(private readonly send: Transport) {}

  /** Creates a webhook; the answer is the only time (besides rotation) its secret is shown. */
  create(input: WebhookInput): Promise<WebhookWithSecret> {
    return this.send('POST', '/webhooks', { body: input });
  }

  /** One page of webhooks, each with its `delivery_stats` and `last_delivery`. */
  list(options: ListWebhooksOptions = {}): Promise<WebhookPage> {
    return this.send('GET', '/webhooks', { query: { ...options } });
  }

  /** Every webhook, page by page (following `next_cursor`). */
  async *iterate(options: Omit<ListWebhooksOptions, 'cursor' | 'offset'> = {}): AsyncGenerator<Webhook> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...options, cursor });
      yield* page.webhooks;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  /** @throws HooklineApiError `NOT_FOUND` for an unknown id. */
  get(id: string): Promise<Webhook> {
    return this.send('GET', `/webhooks/${segment(id)}`);
  }

  /** Changes the given fields and keeps the others (PATCH). */
  update(id: string, changes: WebhookInput): Promise<Webhook> {
    return this.send('PATCH', `/webhooks/${segment(id)}`, { body: changes });
  }

  /** Deletes a webhook; pending deliveries go with it. */
  delete(id: string): Promise<{ success: boolean; id: string }> {
    return this.send('DELETE', `/webhooks/${segment(id)}`);
  }

  /** Turns deliveries back on (also after an automatic disable). */
  enable(id: string): Promise<Webhook> {
    return this.send('POST', `/webhooks/${segment(id)}/enable`);
  }

  /** Stops deliveries; events keep being recorded for a later replay. */
  disable(id: string): Promise<Webhook> {
    return this.send('POST', `/webhooks/${segment(id)}/disable`);
  }

  /**
   * Replaces the signing secret (a new one is generated unless given); the old one keeps
   * signing alongside for the overlap, so receivers can switch without dropping messages.
   */
  rotateSecret(id: string, secret?: string): Promise<WebhookWithSecret> {
    return this.send('POST', `/webhooks/${segment(id)}/rotate-secret`, {
      body: secret === undefined ? {} : { secret },
    });
  }

  /** Replaces the per-event filters (seed 000's `updateFilters`). */
  updateFilters(id: string, filters: Record<string, unknown>): Promise<Webhook> {
    return this.send('PUT', `/webhooks/${segment(id)}/filters`, { body: filters });
  }

  /** Sends one test event now and answers with what the receiver said. */
  test(id: string, options: TestWebhookOptions = {}): Promise<TestResult> {
    return this.send('POST', `/webhooks/${segment(id)}/test`, { body: options });
  }

  /** Deliveries of this webhook, newest first, filtered by status, event type or id and time range. */
  getDeliveries(id: string, options: Omit<ListDeliveriesOptions, 'webhookId'> = {}): Promise<DeliveryPage> {
    const query = deliveryQuery({ ...options, webhookId: undefined });
    return this.send('GET', `/webhooks/${segment(id)}/deliveries`, { query });
  }

  /** One delivery with its payload and every attempt. */
  getDelivery(id: string, deliveryId: string): Promise<DeliveryDetail> {
    return this.send('GET', `/webhooks/${segment(id)}/deliveries/${segment(deliveryId)}`);
  }

  /** Queues a delivery to be sent again now. @throws HooklineApiError `CONFLICT` while it is in flight. */
  retryDelivery(id: string, deliveryId: string): Promise<Delivery> {
    return this.send('POST', `/webhooks/${segment(id)}/deliveries/${segment(deliveryId)}/retry`);
  }

  /**
   * Sends again the matching events since the webhook was created, or of a range of that; with
   * `only_failed`, only those whose delivery did not succeed (Svix's "recover"). Answers once queued;
   * they go out in the order they happened.
   */
  replay(id: string, options: ReplayOptions = {}): Promise<ReplayResult> {
    return this.send('POST', `/webhooks/${segment(id)}/replay`, {
      body: { since: isoOf(options.since), until: isoOf(options.until), only_failed: options.only_failed },
    });
  }

  /** The seed's delivery log rows, newest first. */
  async logs(id: string, options: { limit?: number; offset?: number } = {}): Promise<DeliveryLog[]> {
    const { logs } = await this.send<{ logs: DeliveryLog[] }>('GET', `/webhooks/${segment(id)}/logs`, {
      query: { ...options },
    });
    return logs;
  }

  /** Counts, success rate and p50/p95 response times. @defaultValue window: the last 24 hours */
  stats(id: string, window: TimeRange = {}): Promise<WebhookStats> {
    return this.send('GET', `/webhooks/${segment(id)}/stats`, {
      query: { start: isoOf(window.start), end: isoOf(window.end) },
    });
  }
}
