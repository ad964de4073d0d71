/**
 * Subscriptions in PostgreSQL, sealed like the embedded store's. Every change moves the
 * subscriptions version and sends a NOTIFY in its own transaction, so every process reloads its
 * rules: at once when it hears the signal, at its next fan-out or maintenance pass when it did not.
 */
import type pg from 'pg';
import type { Subscription, SubscriptionHealth, SubscriptionQuery } from '../records.js';
import type { SecretBox } from '../secret-box.js';
import { createWhere } from '../sql-where.js';
import { SUBSCRIPTION_COLUMNS, subscriptionParams, toSubscription, type Row } from '../rows.js';
import { CHANNELS, inTransaction, notify, numbered, type Queryable } from './pg-db.js';

export interface PgSubscriptions {
  save(subscription: Subscription): Promise<void>;
  get(id: string): Promise<Subscription | null>;
  list(query?: SubscriptionQuery): Promise<Subscription[]>;
  count(query?: SubscriptionQuery): Promise<number>;
  delete(id: string): Promise<boolean>;
  version(): Promise<number>;
  /** Writes endpoint health within the caller's transaction (a settle). */
  saveHealth(client: Queryable, health: readonly SubscriptionHealth[]): Promise<void>;
}

const NAMES = Object.keys(SUBSCRIPTION_COLUMNS) as (keyof typeof SUBSCRIPTION_COLUMNS)[];
const UPSERT = `INSERT INTO subscriptions (${NAMES.join(', ')}) VALUES (${NAMES.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (id) DO UPDATE SET ${NAMES.filter((n) => n !== 'id' && n !== 'created_at')
    .map((n) => `${n} = excluded.${n}`)
    .join(', ')}`;

/**
 * Health may only switch a webhook off (one the API disabled stays disabled), as in the embedded
 * store. Returns the ids it switched off: those move the version, like any other change.
 */
const SAVE_HEALTH = `UPDATE subscriptions s SET consecutive_failures = h.failures, failing_since = h.failing_since,
    circuit_open_until = h.circuit_open_until, last_delivery_at = h.last_delivery_at,
    enabled = s.enabled AND h.enabled,
    disabled_reason = CASE WHEN s.enabled AND h.enabled THEN s.disabled_reason
      ELSE COALESCE(h.disabled_reason, s.disabled_reason) END
  FROM unnest($1::text[], $2::int[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bool[], $7::text[])
    AS h(id, failures, failing_since, circuit_open_until, last_delivery_at, enabled, disabled_reason)
  WHERE s.id = h.id
  RETURNING s.id, (NOT h.enabled) AS switched_off`;

const BUMP = 'UPDATE subscriptions_version SET version = version + 1 WHERE id = 1';

export function createPgSubscriptions(pool: pg.Pool, box: SecretBox): PgSubscriptions {
  const changed = async (client: Queryable): Promise<void> => {
    await client.query(BUMP);
    await notify(client, CHANNELS.subscriptions);
  };
  const where = (query: SubscriptionQuery): { sql: string; params: unknown[] } => {
    const clauses = createWhere();
    if (query.workspace !== undefined) clauses.add('workspace = ?', query.workspace);
    if (query.enabled !== undefined) clauses.add('enabled = ?', query.enabled);
    if (query.kind !== undefined) clauses.add('kind = ?', query.kind);
    if (query.project !== undefined) clauses.add("(metadata::jsonb ->> 'project') = ?", query.project);
    return { sql: clauses.sql, params: clauses.params };
  };
  return {
    async save(s) {
      const params = subscriptionParams(s, box);
      await inTransaction(pool, async (client) => {
        await client.query(
          UPSERT,
          NAMES.map((name) => params[SUBSCRIPTION_COLUMNS[name]] ?? null),
        );
        await changed(client);
      });
    },
    async get(id) {
      const { rows } = await pool.query('SELECT * FROM subscriptions WHERE id = $1', [id]);
      return rows[0] ? toSubscription(rows[0] as Row, box) : null;
    },
    async list(query = {}) {
      const { sql, params } = where(query);
      const text = numbered(`SELECT * FROM subscriptions ${sql} ORDER BY created_at, id LIMIT ? OFFSET ?`);
      const { rows } = await pool.query(text, [...params, query.limit ?? 1_000_000, query.offset ?? 0]);
      return rows.map((row) => toSubscription(row as Row, box));
    },
    async count(query = {}) {
      const { sql, params } = where(query);
      const { rows } = await pool.query(numbered(`SELECT count(*) AS n FROM subscriptions ${sql}`), params);
      return Number(rows[0].n);
    },
    async delete(id) {
      return inTransaction(pool, async (client) => {
        await client.query(
          `UPDATE deliveries SET status = 'failed', last_error = 'subscription deleted', updated_at = $1
            WHERE subscription_id = $2 AND status IN ('pending', 'in_flight', 'retrying')`,
          [Date.now(), id],
        );
        const { rowCount } = await client.query('DELETE FROM subscriptions WHERE id = $1', [id]);
        if (!rowCount) return false;
        await changed(client);
        return true;
      });
    },
    async version() {
      const { rows } = await pool.query('SELECT version FROM subscriptions_version WHERE id = 1');
      return Number(rows[0].version);
    },
    async saveHealth(client, health) {
      if (health.length === 0) return;
      const { rows } = await client.query<{ switched_off: boolean }>(SAVE_HEALTH, [
        health.map((h) => h.id),
        health.map((h) => h.consecutiveFailures),
        health.map((h) => h.failingSinceMs),
        health.map((h) => h.circuitOpenUntilMs),
        health.map((h) => h.lastDeliveryAtMs),
        health.map((h) => h.enabled),
        health.map((h) => h.disabledReason),
      ]);
      if (rows.some((row) => row.switched_off)) await changed(client);
    },
  };
}
