/**
 * The API's canonical JSON for subscriptions, deliveries, attempts and executions, in the
 * seeds' snake_case. Secrets never appear here; they are revealed only by create and rotate.
 * Custom header values are masked (`••••`) except in the create response, which passes `revealHeaders`.
 */
import { maskHeaders } from '../delivery/subscription-headers.js';
import type { AttemptStats, DeliveryCounts, DeliveryLogRow } from '../store/types.js';
import type { AttemptRecord, DeliveryRecord, Subscription } from '../store/records.js';
import type { ErasureResult, ExecutionRecord, StoredEvent } from '../store/types.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function webhookJson(
  s: Subscription,
  counts?: DeliveryCounts,
  options: { revealHeaders?: boolean } = {},
): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    url: s.url,
    events: s.events,
    headers: options.revealHeaders ? s.headers : maskHeaders(s.headers),
    enabled: s.enabled,
    status: s.enabled ? 'active' : 'disabled',
    disabled_reason: s.disabledReason,
    organization: s.workspace,
    authentication: {
      type: s.authentication.type,
      ...(s.authentication.username ? { username: s.authentication.username } : {}),
    },
    profile: s.profile,
    signature_scheme: s.signatureScheme,
    signature_header: s.signatureHeader,
    timestamp_header: s.timestampHeader,
    timestamp_unit: s.timestampUnit,
    payload_format: s.payloadFormat,
    ordering: s.ordered ? 'ordered' : 'unordered',
    timeout_ms: s.timeoutMs,
    rate_limit: s.rateLimit,
    retry_policy: s.retryPolicy,
    batch_settings: s.batchSettings,
    conditions: s.conditions,
    filters: s.filters,
    // A hand-edited row may hold anything here (its webhook is then disabled): still shown, as null.
    include_fields: Array.isArray(s.includeFields) ? s.includeFields : null,
    metadata: s.metadata,
    secret_rotation:
      s.previousSecretExpiresAtMs && s.previousSecretExpiresAtMs > Date.now()
        ? { previous_secret_expires_at: iso(s.previousSecretExpiresAtMs) }
        : null,
    health: {
      consecutive_failures: s.consecutiveFailures,
      failing_since: iso(s.failingSinceMs),
      circuit_open_until: iso(s.circuitOpenUntilMs),
    },
    created_at: iso(s.createdAtMs),
    updated_at: iso(s.updatedAtMs),
    last_delivery: iso(counts?.lastAttemptAtMs ?? s.lastDeliveryAtMs),
    delivery_stats: {
      total_deliveries: counts?.total ?? 0,
      successful_deliveries: counts?.succeeded ?? 0,
      failed_deliveries: counts?.failed ?? 0,
      pending_deliveries: counts?.pending ?? 0,
    },
  };
}

export function deliveryJson(d: DeliveryRecord, attempts?: AttemptRecord[]): Record<string, unknown> {
  return {
    id: d.id,
    webhook_id: d.subscriptionId,
    event_id: d.eventId,
    event: d.eventType,
    status: d.status,
    attempts: d.attemptCount,
    next_attempt_at: d.status === 'pending' || d.status === 'retrying' ? iso(d.nextAttemptAtMs) : null,
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    payload_size: Buffer.byteLength(d.payload),
    created_at: iso(d.createdAtMs),
    updated_at: iso(d.updatedAtMs),
    completed_at: iso(d.completedAtMs),
    expires_at: iso(d.expiresAtMs),
    erased: d.erased,
    // An erased delivery's payload is empty: there is no content left to show.
    ...(attempts ? { payload: d.erased ? null : JSON.parse(d.payload), attempt_log: attempts.map(attemptJson) } : {}),
  };
}

export function attemptJson(a: AttemptRecord): Record<string, unknown> {
  return {
    id: a.id,
    attempt: a.attemptNo,
    timestamp: iso(a.startedAtMs),
    response_code: a.statusCode,
    response_time_ms: a.responseTimeMs,
    response_body: a.responseExcerpt,
    error_code: a.errorCode,
    error: a.error,
    request_headers: a.requestHeaders ?? null,
    response_headers: a.responseHeaders ?? null,
  };
}

/** The seed's log row (`GET /webhooks/{id}/logs`): one per delivery, its latest state. */
export function logJson(row: DeliveryLogRow): Record<string, unknown> {
  const d = row.delivery;
  const status =
    d.status === 'succeeded' ? 'success' : d.status === 'failed' || d.status === 'expired' ? 'failed' : 'pending';
  return {
    id: d.id,
    timestamp: new Date(d.updatedAtMs).toISOString(),
    event: d.eventType,
    status,
    response_code: d.lastStatusCode,
    response_time_ms: row.lastResponseTimeMs,
    attempts: d.attemptCount,
    payload_size: Buffer.byteLength(d.payload),
    request_headers: row.lastRequestHeaders,
    response_headers: row.lastResponseHeaders,
  };
}

/** `GET /webhooks/{id}/stats`: the store's aggregates over a window, in the API's words. */
export function statsJson(
  webhookId: string,
  window: { sinceMs: number; untilMs: number },
  attempts: AttemptStats,
  counts: DeliveryCounts,
): Record<string, unknown> {
  return {
    webhook_id: webhookId,
    window: { start: iso(window.sinceMs), end: iso(window.untilMs) },
    attempts: attempts.attempts,
    successful_attempts: attempts.successful,
    failed_attempts: attempts.attempts - attempts.successful,
    success_rate: attempts.attempts ? attempts.successful / attempts.attempts : null,
    response_time_ms: {
      p50: attempts.p50ResponseTimeMs,
      p95: attempts.p95ResponseTimeMs,
      max: attempts.maxResponseTimeMs,
    },
    deliveries: {
      total: counts.total,
      successful: counts.succeeded,
      failed: counts.failed,
      pending: counts.pending,
    },
  };
}

export function executionJson(e: ExecutionRecord): Record<string, unknown> {
  return {
    execution_id: e.id,
    workflow_id: e.workflowId,
    kind: e.kind,
    status: e.status,
    input: e.input,
    output: e.output,
    error: e.error,
    idempotency_key: e.idempotencyKey,
    created_at: e.createdAt,
    started_at: e.startedAt,
    finished_at: e.finishedAt,
  };
}

/** `GET /events/{id}`: the stored envelope; once erased, no content (data null, no metadata). */
export function eventJson(e: StoredEvent): Record<string, unknown> {
  return {
    id: e.id,
    type: e.type,
    timestamp: e.timestamp,
    data: e.data,
    metadata: e.metadata ?? null,
    erased: e.erasedAt !== null,
    erased_at: e.erasedAt,
  };
}

/** `DELETE /events/{id}/content`: what the erasure changed. */
export function erasureJson(eventId: string, result: ErasureResult, nowMs: number): Record<string, unknown> {
  return {
    success: true,
    event_id: eventId,
    erased_at: result.event?.erasedAt ?? iso(nowMs),
    deliveries: result.deliveries,
    closed_deliveries: result.closed,
    attempts: result.attempts,
  };
}
