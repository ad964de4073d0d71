/**
 * The SDK's types are written by hand for their docs; this keeps them in step with the API's
 * schemas. Each key list is checked against its type by the compiler (a missing or unknown key
 * does not compile) and against the schema at run time, so neither side can drift alone.
 */
import { describe, expect, it } from 'vitest';
import * as schemas from '../../../engine/api/schemas.js';
import type {
  Delivery,
  DeliveryAttempt,
  DeliveryDetail,
  DeliveryLog,
  DeliveryPage,
  EventErasure,
  PublishEventInput,
  PublishResult,
  ReplayOptions,
  ReplayResult,
  StoredEvent,
  TimeRange,
  WebhookStats,
} from '../../../engine/sdk/delivery-types.js';
import { deliveryQuery } from '../../../engine/sdk/query.js';
import type {
  ListWebhooksOptions,
  TestResult,
  TestWebhookOptions,
  Webhook,
  WebhookInput,
  WebhookPage,
  WebhookWithSecret,
} from '../../../engine/sdk/types.js';

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type Exact<All, Listed> = [Exclude<All, Listed>] extends [never] ? unknown : never;

/** Every key of `T`, and only those: anything else does not compile. */
const keysOf =
  <T>() =>
  <const K extends readonly (keyof T & string)[]>(keys: K & Exact<keyof T, K[number]>): string[] =>
    [...keys].sort();

/** The keys `T` requires, and only those. */
const requiredOf =
  <T>() =>
  <const K extends readonly (RequiredKeys<T> & string)[]>(keys: K & Exact<RequiredKeys<T>, K[number]>): string[] =>
    [...keys].sort();

interface ObjectSchema {
  properties?: Record<string, unknown>;
  required?: readonly string[];
}

const propertiesOf = (schema: ObjectSchema): string[] => Object.keys(schema.properties ?? {}).sort();
const requiredIn = (schema: ObjectSchema): string[] => [...(schema.required ?? [])].sort();

describe('SDK input types match the request schemas', () => {
  it('WebhookInput has the fields of the webhook body', () => {
    const keys = keysOf<WebhookInput>()([
      'name',
      'description',
      'url',
      'targetUrl',
      'events',
      'headers',
      'enabled',
      'isActive',
      'secret',
      'organization',
      'workspace',
      'project',
      'authentication',
      'retry_policy',
      'timeout',
      'timeout_ms',
      'rate_limit',
      'rateLimit',
      'profile',
      'signature_scheme',
      'signature_header',
      'timestamp_header',
      'timestamp_unit',
      'payload_format',
      'ordering',
      'ordered',
      'batch_settings',
      'conditions',
      'filters',
      'include_fields',
      'metadata',
    ]);
    expect(propertiesOf(schemas.webhookInputSchema)).toEqual(keys);
    expect(requiredIn(schemas.webhookInputSchema)).toEqual(requiredOf<WebhookInput>()([]));
  });

  it('the bodies of test, replay and publish', () => {
    expect(propertiesOf(schemas.testWebhookBody)).toEqual(keysOf<TestWebhookOptions>()(['event', 'data', 'test_data']));
    expect(requiredIn(schemas.testWebhookBody)).toEqual(requiredOf<TestWebhookOptions>()([]));
    expect(propertiesOf(schemas.replayBody)).toEqual(keysOf<ReplayOptions>()(['since', 'until', 'only_failed']));
    expect(requiredIn(schemas.replayBody)).toEqual(requiredOf<ReplayOptions>()([]));
    expect(propertiesOf(schemas.publishEventBody)).toEqual(keysOf<PublishEventInput>()(['type', 'data', 'metadata']));
    expect(requiredIn(schemas.publishEventBody)).toEqual(requiredOf<PublishEventInput>()(['type', 'data']));
  });

  it('the query strings of the lists and stats', () => {
    const webhookList = keysOf<ListWebhooksOptions>()([
      'limit',
      'offset',
      'organization',
      'project',
      'status',
      'cursor',
    ]);
    expect(propertiesOf(schemas.listWebhooksQuery)).toEqual(webhookList);
    const everything = deliveryQuery({
      timeRange: { start: 'a', end: 'b' },
      status: ['failed', 'undelivered'],
      eventType: 'workflow.failed',
      eventId: 'evt_1',
      webhookId: 'wh_1',
      cursor: 'ZDE',
      limit: 1,
      offset: 0,
    });
    expect(everything.status).toBe('failed,undelivered');
    expect(propertiesOf(schemas.deliverySearchQuery)).toEqual(Object.keys(everything).sort());
    const perWebhook = Object.keys(everything).filter((key) => key !== 'webhook_id');
    expect(propertiesOf(schemas.deliveryRangeQuery)).toEqual(perWebhook.sort());
    expect(propertiesOf(schemas.statsQuery)).toEqual(keysOf<TimeRange>()(['start', 'end']));
  });
});

describe('SDK output types match the response schemas', () => {
  const webhookKeys = keysOf<Webhook>()([
    'id',
    'name',
    'description',
    'url',
    'events',
    'headers',
    'enabled',
    'status',
    'disabled_reason',
    'organization',
    'authentication',
    'profile',
    'signature_scheme',
    'signature_header',
    'timestamp_header',
    'timestamp_unit',
    'payload_format',
    'ordering',
    'timeout_ms',
    'rate_limit',
    'retry_policy',
    'batch_settings',
    'conditions',
    'filters',
    'include_fields',
    'metadata',
    'secret_rotation',
    'health',
    'created_at',
    'updated_at',
    'last_delivery',
    'delivery_stats',
  ]);
  const deliveryKeys = keysOf<Delivery>()([
    'id',
    'webhook_id',
    'event_id',
    'event',
    'status',
    'attempts',
    'next_attempt_at',
    'last_status_code',
    'last_error',
    'payload_size',
    'created_at',
    'updated_at',
    'completed_at',
    'expires_at',
    'erased',
  ]);

  it('webhooks, with and without the secret, and their pages', () => {
    expect(propertiesOf(schemas.webhookSchema)).toEqual(webhookKeys);
    const withSecret = keysOf<Omit<WebhookWithSecret, keyof Webhook>>()(['secret', 'public_key']);
    expect(propertiesOf(schemas.webhookWithSecretSchema)).toEqual([...webhookKeys, ...withSecret].sort());
    expect(propertiesOf(schemas.webhookPageSchema)).toEqual(
      keysOf<WebhookPage>()(['webhooks', 'next_cursor', 'total']),
    );
    const test = keysOf<TestResult>()([
      'success',
      'event_id',
      'event',
      'status_code',
      'response_time_ms',
      'response_body',
      'error',
      'error_code',
    ]);
    expect(propertiesOf(schemas.testResultSchema)).toEqual(test);
  });

  it('deliveries, their attempts, pages, log rows, stats and replays', () => {
    expect(propertiesOf(schemas.deliverySchema)).toEqual(deliveryKeys);
    const detail = keysOf<Omit<DeliveryDetail, keyof Delivery>>()(['payload', 'attempt_log']);
    expect(propertiesOf(schemas.deliveryDetailSchema)).toEqual([...deliveryKeys, ...detail].sort());
    const attempt = keysOf<DeliveryAttempt>()([
      'id',
      'attempt',
      'timestamp',
      'response_code',
      'response_time_ms',
      'response_body',
      'error_code',
      'error',
      'request_headers',
      'response_headers',
    ]);
    expect(propertiesOf(schemas.attemptSchema)).toEqual(attempt);
    expect(propertiesOf(schemas.deliveryPageSchema)).toEqual(
      keysOf<DeliveryPage>()(['deliveries', 'limit', 'offset', 'next_cursor']),
    );
    const log = keysOf<DeliveryLog>()([
      'id',
      'timestamp',
      'event',
      'status',
      'response_code',
      'response_time_ms',
      'attempts',
      'payload_size',
      'request_headers',
      'response_headers',
    ]);
    expect(propertiesOf(schemas.logRowSchema)).toEqual(log);
    const stats = keysOf<WebhookStats>()([
      'webhook_id',
      'window',
      'attempts',
      'successful_attempts',
      'failed_attempts',
      'success_rate',
      'response_time_ms',
      'deliveries',
    ]);
    expect(propertiesOf(schemas.statsSchema)).toEqual(stats);
    const { response_time_ms: times, deliveries } = schemas.statsSchema.properties;
    expect(propertiesOf(times)).toEqual(keysOf<WebhookStats['response_time_ms']>()(['p50', 'p95', 'max']));
    expect(propertiesOf(deliveries)).toEqual(
      keysOf<WebhookStats['deliveries']>()(['total', 'successful', 'failed', 'pending']),
    );
    expect(propertiesOf(schemas.replayResultSchema)).toEqual(
      keysOf<ReplayResult>()(['success', 'replayed', 'webhook_id', 'since', 'until', 'only_failed']),
    );
    expect(propertiesOf(schemas.publishResultSchema)).toEqual(
      keysOf<PublishResult>()(['success', 'event_id', 'type', 'deliveries']),
    );
  });

  it('stored events and their erasure', () => {
    expect(propertiesOf(schemas.storedEventSchema)).toEqual(
      keysOf<StoredEvent>()(['id', 'type', 'timestamp', 'data', 'metadata', 'erased', 'erased_at']),
    );
    expect(propertiesOf(schemas.erasureResultSchema)).toEqual(
      keysOf<EventErasure>()(['success', 'event_id', 'erased_at', 'deliveries', 'closed_deliveries', 'attempts']),
    );
  });
});
