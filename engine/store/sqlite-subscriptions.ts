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
import { fromJsonColumn } from './json-columns.js';
import {
  SUBSCRIPTION_COLUMNS,
  sealHeaders,
  subscriptionParams,
  toSubscription as toSubscriptionRow,
  type Row,
} from './rows.js';

const parse = fromJsonColumn;

export interface SqliteSubscriptions {
  save(subscription: Subscription): void;
  get(id: string): Subscription | null;
  list(query: SubscriptionQuery): Subscription[];
  count(query: SubscriptionQuery): number;
  delete(id: string): boolean;
  saveHealth(health: SubscriptionHealth): void;
}

/** The shared columns, and the plaintext `headers` of rows from before migration 5 (cleared on save). */
const SQLITE_SUBSCRIPTION_COLUMNS = { ...SUBSCRIPTION_COLUMNS, headers: 'headers' } as const;

/** `INSERT … ON CONFLICT (id) DO UPDATE` of every column but the id and those in `keep`. */
function upsertSql(table: string, columns: Record<string, string>, keep: readonly string[]): string {
  const names = Object.keys(columns);
  const updated = names.filter((name) => name !== 'id' && !keep.includes(name));
  return `INSERT INTO ${table} (${names.join(', ')})
    VALUES (${names.map((name) => `@${columns[name]}`).join(', ')})
    ON CONFLICT (id) DO UPDATE SET ${updated.map((name) => `${name} = excluded.${name}`).join(', ')}`;
}

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
  const upsert = db.prepare(upsertSql('subscriptions', SQLITE_SUBSCRIPTION_COLUMNS, ['created_at']));
  const bumpVersion = db.prepare('UPDATE subscriptions_version SET version = version + 1 WHERE id = 1');
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
  const toSubscription = (row: Row): Subscription => toSubscriptionRow(row, box);
  return {
    save(s) {
      db.transaction(() => {
        bumpVersion.run();
        upsert.run({
          ...subscriptionParams(s, box),
          headers: null,
          enabled: s.enabled ? 1 : 0,
          ordered: s.ordered ? 1 : 0,
          legacySecretUtf8: s.legacySecretUtf8 ? 1 : 0,
        });
      })();
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
        bumpVersion.run();
        return db.prepare('DELETE FROM subscriptions WHERE id = ?').run(id).changes > 0;
      })();
    },
    saveHealth(h) {
      health.run({ ...h, enabled: h.enabled ? 1 : 0 });
    },
  };
}
