/**
 * Subscriptions in the SQLite store. Secrets, receiver credentials and custom headers (names and
 * values, as one JSON text in `headers_enc`) are sealed with the secret box; everything else is
 * plain columns or JSON. The old plaintext `headers` column is only read to seal rows written
 * before migration 5, which happens once when the store opens.
 */
import type Database from 'better-sqlite3';
import type { Subscription, SubscriptionHealth, SubscriptionQuery } from './records.js';
import type { SecretBox } from './secret-box.js';
import { createWhere } from './sql-where.js';
import { fromJsonColumn, toJsonColumn } from './json-columns.js';

type Row = Record<string, unknown>;
const json = toJsonColumn;
const parse = fromJsonColumn;
/** A rule column edited into invalid JSON comes back as its text: the matcher then refuses it, the load goes on. */
const parseRule = (text: unknown): unknown => {
  try {
    return parse(text, null);
  } catch {
    return text;
  }
};

export interface SqliteSubscriptions {
  save(subscription: Subscription): void;
  get(id: string): Subscription | null;
  list(query: SubscriptionQuery): Subscription[];
  count(query: SubscriptionQuery): number;
  delete(id: string): boolean;
  saveHealth(health: SubscriptionHealth): void;
}

/** Column → named parameter of a stored subscription row. */
const SUBSCRIPTION_COLUMNS = {
  id: 'id',
  kind: 'kind',
  workspace: 'workspace',
  name: 'name',
  description: 'description',
  url: 'url',
  events: 'events',
  headers: 'headers',
  headers_enc: 'headersEnc',
  enabled: 'enabled',
  disabled_reason: 'disabledReason',
  secret_enc: 'secretEnc',
  previous_secret_enc: 'previousSecretEnc',
  previous_secret_expires_at: 'previousSecretExpiresAtMs',
  authentication_enc: 'authenticationEnc',
  signature_scheme: 'signatureScheme',
  signature_header: 'signatureHeader',
  payload_format: 'payloadFormat',
  ordered: 'ordered',
  timeout_ms: 'timeoutMs',
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

/** `INSERT … ON CONFLICT (id) DO UPDATE` of every column but the id and those in `keep`. */
function upsertSql(table: string, columns: Record<string, string>, keep: readonly string[]): string {
  const names = Object.keys(columns);
  const updated = names.filter((name) => name !== 'id' && !keep.includes(name));
  return `INSERT INTO ${table} (${names.join(', ')})
    VALUES (${names.map((name) => `@${columns[name]}`).join(', ')})
    ON CONFLICT (id) DO UPDATE SET ${updated.map((name) => `${name} = excluded.${name}`).join(', ')}`;
}

const sealHeaders = (box: SecretBox, headers: Readonly<Record<string, string>>): string | null =>
  Object.keys(headers).length === 0 ? null : box.seal(JSON.stringify(headers));

/** Seals the plaintext headers of rows written before migration 5, in one transaction; returns how many. */
export function sealPlaintextHeaders(db: Database.Database, box: SecretBox): number {
  const rows = db.prepare('SELECT id, headers FROM subscriptions WHERE headers IS NOT NULL').all() as Row[];
  if (rows.length === 0) return 0;
  const rewrite = db.prepare('UPDATE subscriptions SET headers_enc = ?, headers = NULL WHERE id = ?');
  // secure_delete zeroes the space the plaintext leaves behind, and the checkpoint moves the
  // rewritten pages into the database file, so the old values do not linger in free space.
  const secureDelete = db.pragma('secure_delete', { simple: true }) as number;
  db.pragma('secure_delete = ON');
  try {
    db.transaction(() => {
      for (const row of rows) rewrite.run(sealHeaders(box, parse(row.headers, {})), row.id);
    })();
  } finally {
    db.pragma(`secure_delete = ${secureDelete ? 'ON' : 'OFF'}`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  return rows.length;
}

export function createSqliteSubscriptions(db: Database.Database, box: SecretBox): SqliteSubscriptions {
  sealPlaintextHeaders(db, box);
  const upsert = db.prepare(upsertSql('subscriptions', SUBSCRIPTION_COLUMNS, ['created_at']));
  const health = db.prepare(`UPDATE subscriptions SET consecutive_failures = @consecutiveFailures,
    failing_since = @failingSinceMs, circuit_open_until = @circuitOpenUntilMs, last_delivery_at = @lastDeliveryAtMs,
    enabled = enabled AND @enabled, disabled_reason = CASE WHEN enabled AND @enabled THEN disabled_reason
      ELSE COALESCE(@disabledReason, disabled_reason) END WHERE id = @id`);
  const where = (query: SubscriptionQuery): [string, unknown[]] => {
    const clauses = createWhere();
    if (query.workspace !== undefined) clauses.add('workspace = ?', query.workspace);
    if (query.enabled !== undefined) clauses.add('enabled = ?', query.enabled ? 1 : 0);
    if (query.kind !== undefined) clauses.add('kind = ?', query.kind);
    if (query.project !== undefined) clauses.add("json_extract(metadata, '$.project') = ?", query.project);
    return [clauses.sql, clauses.params];
  };
  const toSubscription = (row: Row): Subscription => ({
    id: String(row.id),
    kind: row.kind as Subscription['kind'],
    workspace: String(row.workspace),
    name: String(row.name),
    description: (row.description as string | null) ?? null,
    url: String(row.url),
    events: parse(row.events, []),
    headers: row.headers_enc ? JSON.parse(box.open(String(row.headers_enc))) : parse(row.headers, {}),
    enabled: Boolean(row.enabled),
    disabledReason: (row.disabled_reason as string | null) ?? null,
    secret: box.open(String(row.secret_enc)),
    previousSecret: row.previous_secret_enc ? box.open(String(row.previous_secret_enc)) : null,
    previousSecretExpiresAtMs: (row.previous_secret_expires_at as number | null) ?? null,
    authentication: row.authentication_enc ? JSON.parse(box.open(String(row.authentication_enc))) : { type: 'none' },
    signatureScheme: row.signature_scheme as Subscription['signatureScheme'],
    signatureHeader: (row.signature_header as string | null) ?? null,
    payloadFormat: row.payload_format as Subscription['payloadFormat'],
    ordered: Boolean(row.ordered),
    timeoutMs: Number(row.timeout_ms),
    retryPolicy: parse(row.retry_policy, null),
    batchSettings: parse(row.batch_settings, null),
    conditions: parseRule(row.conditions),
    filters: parseRule(row.filters),
    includeFields: parseRule(row.include_fields) as string[] | null,
    metadata: parse(row.metadata, null),
    consecutiveFailures: Number(row.consecutive_failures),
    failingSinceMs: (row.failing_since as number | null) ?? null,
    circuitOpenUntilMs: (row.circuit_open_until as number | null) ?? null,
    lastDeliveryAtMs: (row.last_delivery_at as number | null) ?? null,
    createdAtMs: Number(row.created_at),
    updatedAtMs: Number(row.updated_at),
  });
  return {
    save(s) {
      upsert.run({
        ...s,
        events: json(s.events),
        headers: null,
        headersEnc: sealHeaders(box, s.headers),
        enabled: s.enabled ? 1 : 0,
        secretEnc: box.seal(s.secret),
        previousSecretEnc: s.previousSecret ? box.seal(s.previousSecret) : null,
        authenticationEnc: s.authentication.type === 'none' ? null : box.seal(JSON.stringify(s.authentication)),
        ordered: s.ordered ? 1 : 0,
        retryPolicy: json(s.retryPolicy),
        batchSettings: json(s.batchSettings),
        conditions: json(s.conditions),
        filters: json(s.filters),
        includeFields: json(s.includeFields),
        metadata: json(s.metadata),
      });
    },
    get(id) {
      const row = db.prepare('SELECT * FROM subscriptions WHERE id = ?').get(id) as Row | undefined;
      return row ? toSubscription(row) : null;
    },
    list(query) {
      const [clause, params] = where(query);
      const rows = db
        .prepare(`SELECT * FROM subscriptions ${clause} ORDER BY created_at, id LIMIT ? OFFSET ?`)
        .all(...params, query.limit ?? 1_000_000, query.offset ?? 0) as Row[];
      return rows.map(toSubscription);
    },
    count(query) {
      const [clause, params] = where(query);
      return Number(
        db
          .prepare(`SELECT COUNT(*) FROM subscriptions ${clause}`)
          .pluck()
          .get(...params),
      );
    },
    delete(id) {
      return db.transaction(() => {
        db.prepare(
          `UPDATE deliveries INDEXED BY deliveries_open_by_subscription SET status = 'failed',
            last_error = 'subscription deleted', updated_at = ?
            WHERE subscription_id = ? AND status IN ('pending', 'in_flight', 'retrying')`,
        ).run(Date.now(), id);
        return db.prepare('DELETE FROM subscriptions WHERE id = ?').run(id).changes > 0;
      })();
    },
    saveHealth(h) {
      health.run({ ...h, enabled: h.enabled ? 1 : 0 });
    },
  };
}
