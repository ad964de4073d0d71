/**
 * The read side of the PostgreSQL outbox: delivery history, log rows, counts, response-time
 * figures and manual requeue, each one query computed by the server (as in the embedded store).
 */
import type pg from 'pg';
import { deliveryPageSql } from '../delivery-search.js';
import { toAttempt, toLogRow, toAttemptStats, toDelivery, toDeliveryCounts, type Row } from '../rows.js';
import type { AttemptStats, DeliveryCounts, DeliveryLog, DeliveryQuery } from '../types.js';
import { CHANNELS, inTransaction, notify, numbered } from './pg-db.js';

const DELIVERY_COUNTS = `SELECT subscription_id, count(*) AS total,
    count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
    count(*) FILTER (WHERE status IN ('failed', 'expired')) AS failed,
    count(*) FILTER (WHERE status IN ('pending', 'retrying', 'in_flight')) AS pending,
    max(updated_at) FILTER (WHERE attempt_count > 0) AS last
  FROM deliveries WHERE subscription_id = ANY($1::text[]) GROUP BY subscription_id`;

/** Nearest-rank percentiles (index `floor(p·n)` of the sorted times), as the embedded store reports them. */
const ATTEMPT_STATS = `WITH w AS (
    SELECT COALESCE(a.response_time_ms, 0) AS rt,
      (a.error_code IS NULL AND a.status_code IS NOT NULL AND a.status_code < 300) AS ok
    FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
    WHERE d.subscription_id = $1 AND a.started_at >= $2 AND a.started_at <= $3
  ), ranked AS (
    SELECT rt, ok, ROW_NUMBER() OVER (ORDER BY rt) - 1 AS i, count(*) OVER () AS n FROM w
  )
  SELECT count(*) AS attempts, count(*) FILTER (WHERE ok) AS successful, max(rt) AS max,
    max(rt) FILTER (WHERE i = LEAST(n - 1, floor(0.5 * n))) AS p50,
    max(rt) FILTER (WHERE i = LEAST(n - 1, floor(0.95 * n))) AS p95
  FROM ranked`;

/** Event ids with a delivery to one subscription that succeeded or is still open, found by event (deliveries_by_event). */
const DELIVERED_OR_OPEN = `SELECT DISTINCT event_id FROM deliveries WHERE event_id = ANY($1::text[])
  AND subscription_id = $2 AND status IN ('succeeded', 'pending', 'in_flight', 'retrying')`;

const LAST_ATTEMPT = [
  'COALESCE(a.response_time_ms, 0) AS last_response_time_ms',
  'a.request_headers AS last_request_headers',
  'a.response_headers AS last_response_headers',
]
  .map((column) => column.split(' AS '))
  .map(
    ([value, name]) => `(SELECT ${value} FROM attempts a
  WHERE a.delivery_id = deliveries.id ORDER BY a.attempt_no DESC LIMIT 1) AS ${name}`,
  )
  .join(', ');

/** The shared page query, numbered for PostgreSQL. */
function pageQuery(query: DeliveryQuery, columns: string): { sql: string; params: unknown[] } {
  const { sql, params } = deliveryPageSql(query, columns);
  return { sql: numbered(sql), params };
}

export function createPgDeliveryLog(pool: pg.Pool): DeliveryLog {
  const select = async ({ sql, params }: { sql: string; params: unknown[] }): Promise<Row[]> =>
    (await pool.query(sql, params)).rows as Row[];
  return {
    async getDelivery(id) {
      const [row] = await select({ sql: 'SELECT * FROM deliveries WHERE id = $1', params: [id] });
      return row ? toDelivery(row) : null;
    },
    async listDeliveries(query) {
      return (await select(pageQuery(query, '*'))).map(toDelivery);
    },
    async listAttempts(deliveryId) {
      const rows = await select({
        sql: 'SELECT * FROM attempts WHERE delivery_id = $1 ORDER BY attempt_no',
        params: [deliveryId],
      });
      return rows.map(toAttempt);
    },
    async listLog(query) {
      return (await select(pageQuery(query, `*, ${LAST_ATTEMPT}`))).map(toLogRow);
    },
    async requeue(id, nowMs, expiresAtMs) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query('SELECT * FROM deliveries WHERE id = $1 FOR UPDATE', [id]);
        const row = rows[0] as Row | undefined;
        if (!row || row.status === 'in_flight') return row ? toDelivery(row) : null;
        const updated = await client.query(
          `UPDATE deliveries SET status = $1, next_attempt_at = $2, expires_at = GREATEST(expires_at, $3),
            completed_at = NULL, updated_at = $2 WHERE id = $4 RETURNING *`,
          [row.status === 'pending' ? 'pending' : 'retrying', nowMs, expiresAtMs, id],
        );
        await notify(client, CHANNELS.deliveries, String(row.subscription_id));
        return toDelivery(updated.rows[0] as Row);
      });
    },
    async deliveryStats(subscriptionIds) {
      const stats = new Map<string, DeliveryCounts>();
      const rows = subscriptionIds.length ? await select({ sql: DELIVERY_COUNTS, params: [[...subscriptionIds]] }) : [];
      const byId = new Map(rows.map((row) => [String(row.subscription_id), row]));
      for (const id of subscriptionIds) {
        const row = byId.get(id);
        stats.set(id, toDeliveryCounts(row));
      }
      return stats;
    },
    async attemptStats(subscriptionId, sinceMs, untilMs): Promise<AttemptStats> {
      const [row] = await select({ sql: ATTEMPT_STATS, params: [subscriptionId, sinceMs, untilMs] });
      return toAttemptStats(row);
    },
    async deliveredOrOpenEventIds(subscriptionId, eventIds) {
      if (eventIds.length === 0) return new Set();
      const rows = await select({ sql: DELIVERED_OR_OPEN, params: [[...eventIds], subscriptionId] });
      return new Set(rows.map((row) => String(row.event_id)));
    },
  };
}
