/**
 * Rows to records and back, for both stores: their tables have the same columns (JSON as text,
 * scheduler times as integer milliseconds), and each driver gives integers and booleans back as
 * numbers or booleans, which these mappers accept alike. The few statements both stores run as
 * written (`?` placeholders; PostgreSQL numbers them) live here too.
 */
import { fromJsonColumn, toJsonColumn } from './json-columns.js';
import type { AttemptRecord, DeliveryRecord, Subscription } from './records.js';
import type { SecretBox } from './secret-box.js';
import type {
  ApiKeyRecord,
  AttemptStats,
  DeliveryCounts,
  DeliveryLogRow,
  ConversationTotals,
  CredentialRecord,
  EventTypeRecord,
  ExecutionRecord,
  ExecutionUpdate,
  StoredEvent,
  WorkflowRecord,
} from './types.js';

export type Row = Record<string, unknown>;

const json = toJsonColumn;
const parse = <T>(text: unknown): T => fromJsonColumn(text, null as T);
const orNull = <T>(value: unknown): T | null => (value === null || value === undefined ? null : (value as T));
const numberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** A rule column edited into invalid JSON comes back as its text: the matcher then refuses it, the load goes on. */
const parseRule = (text: unknown): unknown => {
  try {
    return fromJsonColumn(text, null);
  } catch {
    return text;
  }
};

export function toDelivery(row: Row): DeliveryRecord {
  return {
    seq: Number(row.seq),
    id: String(row.id),
    subscriptionId: String(row.subscription_id),
    eventId: String(row.event_id),
    eventType: String(row.event_type),
    payload: String(row.payload),
    status: row.status as DeliveryRecord['status'],
    attemptCount: Number(row.attempt_count),
    nextAttemptAtMs: Number(row.next_attempt_at),
    leaseOwner: orNull(row.lease_owner),
    leaseExpiresAtMs: numberOrNull(row.lease_expires_at),
    lastStatusCode: numberOrNull(row.last_status_code),
    lastError: orNull(row.last_error),
    createdAtMs: Number(row.created_at),
    updatedAtMs: Number(row.updated_at),
    completedAtMs: numberOrNull(row.completed_at),
    expiresAtMs: Number(row.expires_at),
    erased: Boolean(row.erased),
  };
}

export function toAttempt(row: Row): AttemptRecord {
  return {
    id: String(row.id),
    deliveryId: String(row.delivery_id),
    attemptNo: Number(row.attempt_no),
    startedAtMs: Number(row.started_at),
    statusCode: numberOrNull(row.status_code),
    responseTimeMs: Number(row.response_time_ms ?? 0),
    responseExcerpt: orNull(row.response_excerpt),
    errorCode: orNull(row.error_code),
    error: orNull(row.error),
    requestHeaders: parse(row.request_headers ?? null),
    responseHeaders: parse(row.response_headers ?? null),
  };
}

/** A log page row: the delivery with its latest attempt's figures (`last_*` columns). */
export function toLogRow(row: Row): DeliveryLogRow {
  return {
    delivery: toDelivery(row),
    lastResponseTimeMs: numberOrNull(row.last_response_time_ms),
    lastRequestHeaders: parse(row.last_request_headers ?? null),
    lastResponseHeaders: parse(row.last_response_headers ?? null),
  };
}

/** An attempt's columns by parameter name (headers as JSON text). */
export function attemptParams(attempt: AttemptRecord): Row {
  return {
    ...attempt,
    requestHeaders: json(attempt.requestHeaders),
    responseHeaders: json(attempt.responseHeaders),
  };
}

export function toEvent(row: Row): StoredEvent {
  const event: StoredEvent = {
    seq: Number(row.seq),
    id: String(row.id),
    type: String(row.type),
    timestamp: String(row.timestamp),
    data: parse(row.data),
    erasedAt: orNull(row.erased_at),
  };
  if (row.metadata) event.metadata = parse(row.metadata);
  return event;
}

export function toExecution(row: Row): ExecutionRecord {
  return {
    id: String(row.id),
    workflowId: String(row.workflow_id),
    kind: row.kind as ExecutionRecord['kind'],
    triggerNode: orNull(row.trigger_node),
    status: row.status as ExecutionRecord['status'],
    input: parse(row.input),
    output: parse(row.output),
    error: parse(row.error),
    idempotencyKey: orNull(row.idempotency_key),
    metadata: parse(row.metadata),
    createdAt: String(row.created_at),
    startedAt: orNull(row.started_at),
    finishedAt: orNull(row.finished_at),
    stopRequestedAt: orNull(row.stop_requested_at),
  };
}

export function toConversationTotals(row: Row): ConversationTotals {
  return {
    messageCount: Number(row.message_count),
    creditsUsed: Number(row.credits_used),
    startedAt: String(row.started_at),
  };
}

export function toWorkflow(row: Row): WorkflowRecord {
  return {
    id: String(row.id),
    name: String(row.name),
    active: Boolean(row.active),
    definition: JSON.parse(String(row.definition)),
    hash: String(row.hash),
    sourcePath: orNull(row.source_path),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

export function toEventType(row: Row): EventTypeRecord {
  return {
    type: String(row.type),
    description: orNull(row.description),
    schema: JSON.parse(String(row.schema)) as Record<string, unknown>,
    version: Number(row.version),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

/** An execution's columns (JSON fields as text), by parameter name. */
export function executionParams(record: ExecutionRecord): Row {
  return {
    ...record,
    input: json(record.input),
    output: json(record.output),
    error: json(record.error),
    metadata: json(record.metadata),
  };
}

/** What an update sets: output and error only when given (`hasOutput`, `hasError`). */
export function updateParams(update: ExecutionUpdate): Row {
  return {
    id: update.id,
    status: update.status,
    hasOutput: update.output !== undefined ? 1 : 0,
    output: json(update.output),
    hasError: update.error !== undefined ? 1 : 0,
    error: json(update.error),
    startedAt: update.startedAt ?? null,
    finishedAt: update.finishedAt ?? null,
  };
}

/** Column → named parameter of a stored subscription row (`subscriptionParams` gives the values). */
export const SUBSCRIPTION_COLUMNS = {
  id: 'id',
  kind: 'kind',
  workspace: 'workspace',
  name: 'name',
  description: 'description',
  url: 'url',
  events: 'events',
  headers_enc: 'headersEnc',
  enabled: 'enabled',
  disabled_reason: 'disabledReason',
  secret_enc: 'secretEnc',
  previous_secret_enc: 'previousSecretEnc',
  previous_secret_expires_at: 'previousSecretExpiresAtMs',
  authentication_enc: 'authenticationEnc',
  profile: 'profile',
  signature_scheme: 'signatureScheme',
  signature_header: 'signatureHeader',
  timestamp_header: 'timestampHeader',
  timestamp_unit: 'timestampUnit',
  legacy_secret_utf8: 'legacySecretUtf8',
  payload_format: 'payloadFormat',
  ordered: 'ordered',
  timeout_ms: 'timeoutMs',
  rate_limit: 'rateLimit',
  retry_policy: 'retryPolicy',
  batch_settings: 'batchSettings',
  conditions: 'conditions',
  filters: 'filters',
  include_fields: 'includeFields',
  metadata: 'metadata',
  consecutive_failures: 'consecutiveFailures',
  failing_since: 'failingSinceMs',
  circuit_open_until: 'circuitOpenUntilMs',
  last_delivery_at: 'lastDeliveryAtMs',
  created_at: 'createdAtMs',
  updated_at: 'updatedAtMs',
} as const;

/** Custom headers, names and values, sealed as one JSON text (null when there are none). */
export const sealHeaders = (box: SecretBox, headers: Readonly<Record<string, string>>): string | null =>
  Object.keys(headers).length === 0 ? null : box.seal(JSON.stringify(headers));

/** A subscription's column values by parameter name: secrets, credentials and headers sealed. */
export function subscriptionParams(s: Subscription, box: SecretBox): Row {
  return {
    ...s,
    events: json(s.events),
    headersEnc: sealHeaders(box, s.headers),
    secretEnc: box.seal(s.secret),
    previousSecretEnc: s.previousSecret ? box.seal(s.previousSecret) : null,
    authenticationEnc: s.authentication.type === 'none' ? null : box.seal(JSON.stringify(s.authentication)),
    retryPolicy: json(s.retryPolicy),
    batchSettings: json(s.batchSettings),
    conditions: json(s.conditions),
    filters: json(s.filters),
    includeFields: json(s.includeFields),
    metadata: json(s.metadata),
  };
}

/**
 * One copy of a text that many subscriptions repeat (scheme, format, workspace, event patterns):
 * each row read brings its own copies, and a process holds every subscription in memory. Bounded,
 * so a store of all-distinct values cannot make it grow without end.
 */
const sharedTexts = new Map<string, string>();
const MAX_SHARED_TEXTS = 10_000;

function shared(text: string): string {
  const known = sharedTexts.get(text);
  if (known !== undefined) return known;
  if (sharedTexts.size < MAX_SHARED_TEXTS) sharedTexts.set(text, text);
  return text;
}

export function toSubscription(row: Row, box: SecretBox): Subscription {
  return {
    id: String(row.id),
    kind: shared(String(row.kind)) as Subscription['kind'],
    workspace: shared(String(row.workspace)),
    name: shared(String(row.name)),
    description: orNull(row.description),
    url: String(row.url),
    events: fromJsonColumn<string[]>(row.events, []).map(shared),
    headers: row.headers_enc ? JSON.parse(box.open(String(row.headers_enc))) : fromJsonColumn(row.headers, {}),
    enabled: Boolean(row.enabled),
    disabledReason: orNull(row.disabled_reason),
    secret: box.open(String(row.secret_enc)),
    previousSecret: row.previous_secret_enc ? box.open(String(row.previous_secret_enc)) : null,
    previousSecretExpiresAtMs: numberOrNull(row.previous_secret_expires_at),
    authentication: row.authentication_enc ? JSON.parse(box.open(String(row.authentication_enc))) : { type: 'none' },
    profile: orNull(row.profile) as Subscription['profile'],
    signatureScheme: shared(String(row.signature_scheme)) as Subscription['signatureScheme'],
    signatureHeader: orNull(row.signature_header),
    timestampHeader: orNull(row.timestamp_header),
    timestampUnit: row.timestamp_unit === 'ms' ? 'ms' : 's',
    legacySecretUtf8: Boolean(row.legacy_secret_utf8),
    payloadFormat: shared(String(row.payload_format)) as Subscription['payloadFormat'],
    ordered: Boolean(row.ordered),
    timeoutMs: Number(row.timeout_ms),
    rateLimit: numberOrNull(row.rate_limit),
    retryPolicy: parse(row.retry_policy),
    batchSettings: parse(row.batch_settings),
    conditions: parseRule(row.conditions),
    filters: parseRule(row.filters),
    includeFields: parseRule(row.include_fields) as string[] | null,
    metadata: parse(row.metadata),
    consecutiveFailures: Number(row.consecutive_failures),
    failingSinceMs: numberOrNull(row.failing_since),
    circuitOpenUntilMs: numberOrNull(row.circuit_open_until),
    lastDeliveryAtMs: numberOrNull(row.last_delivery_at),
    createdAtMs: Number(row.created_at),
    updatedAtMs: Number(row.updated_at),
  };
}

export function toApiKey(row: Row): ApiKeyRecord {
  return {
    id: String(row.id),
    name: String(row.name),
    keyHash: String(row.key_hash),
    prefix: String(row.prefix),
    createdAt: String(row.created_at),
    organization: row.organization == null ? null : String(row.organization),
    lastUsedAt: row.last_used_at == null ? null : String(row.last_used_at),
  };
}

/**
 * Loading a credential, in both stores (`?` placeholders): the file is the credentials' only
 * source, so a row holding its (type, name) under another id (the file gave it a new id) goes
 * first, then the credential is written by id. Params: type, name, id; then id, name, type,
 * sealed data, created, updated.
 */
export const DELETE_RENAMED_CREDENTIAL = 'DELETE FROM credentials WHERE type = ? AND name = ? AND id <> ?';
export const UPSERT_CREDENTIAL = `INSERT INTO credentials (id, name, type, data_enc, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, data_enc = excluded.data_enc,
    updated_at = excluded.updated_at`;

/** A credential row with its sealed data opened. */
export function toCredential(row: Row, box: SecretBox): CredentialRecord {
  return {
    id: String(row.id),
    name: String(row.name),
    type: String(row.type),
    data: JSON.parse(box.open(String(row.data_enc))),
  };
}

/** One subscription's row of the delivery-counts aggregate (none: it has no deliveries). */
export function toDeliveryCounts(row: Row | undefined): DeliveryCounts {
  return {
    total: Number(row?.total ?? 0),
    succeeded: Number(row?.succeeded ?? 0),
    failed: Number(row?.failed ?? 0),
    pending: Number(row?.pending ?? 0),
    lastAttemptAtMs: numberOrNull(row?.last),
  };
}

/** The attempt-stats aggregate row (count, successes, percentiles, maximum). */
export function toAttemptStats(row: Row): AttemptStats {
  return {
    attempts: Number(row.attempts),
    successful: Number(row.successful),
    p50ResponseTimeMs: numberOrNull(row.p50),
    p95ResponseTimeMs: numberOrNull(row.p95),
    maxResponseTimeMs: numberOrNull(row.max),
  };
}
