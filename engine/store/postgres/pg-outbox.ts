/**
 * The outbox on PostgreSQL, shared by every engine process (the shape of graphile-worker's
 * getJobs and Convoy's queue):
 * - unordered endpoints: due rows are taken with `FOR UPDATE SKIP LOCKED`, so processes claiming
 *   at once take different rows and never wait on each other;
 * - ordered and batching endpoints: a transaction-scoped advisory lock per endpoint (tried, never
 *   waited on) lets one process at a time read and lease the head of the line; the head then stays
 *   `in_flight` under its lease, so every other process sees it and sends nothing behind it: FIFO
 *   across processes;
 * - leases expire when a process dies (`reclaimExpiredLeases`), and every maintenance claim uses
 *   SKIP LOCKED, so any number of processes may run it at once and none is needed in particular.
 * Each claim, fan-out page and settlement is one transaction of a few statements, whatever the
 * number of endpoints or rows (arrays through `unnest`, not a statement per row).
 */
import type pg from 'pg';
import type { DeliveryRecord, DeliveryTransition, SubscriptionHealth } from '../records.js';
import { toDelivery, toEvent, type Row } from '../rows.js';
import { readyToSend } from '../claim-rules.js';
import { groupByEndpoint } from '../fan-out-order.js';
import { toJsonColumn } from '../json-columns.js';
import type { ClaimResult, ClaimSpec, NewDelivery, OutboxStore } from '../types.js';
import { CHANNELS, deliveriesPayload, inTransaction, LOCKS, notify, type Queryable } from './pg-db.js';

const OPEN = "('pending', 'in_flight', 'retrying')";
const OPEN_STATUS = `CASE WHEN attempt_count = 0 THEN 'pending' ELSE 'retrying' END`;
const FINAL = new Set<DeliveryTransition['status']>(['succeeded', 'failed', 'expired']);

export const PG_OUTBOX_SQL = {
  insert: `INSERT INTO deliveries (id, subscription_id, event_id, event_type, payload, status, next_attempt_at,
      created_at, updated_at, expires_at)
    SELECT id, sub, event_id, event_type, payload, 'pending', next_at, $7, $7, expires_at
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $8::bigint[])
      AS d(id, sub, event_id, event_type, payload, next_at, expires_at)`,
  /**
   * Tries each line's advisory lock. A statement of its own, before the lines are read: a statement
   * reads from the snapshot it started with, so a read in the same statement as the lock could
   * predate the commit of the process that just released it, and lease its rows a second time.
   */
  lockLines: `SELECT pg_try_advisory_xact_lock(${LOCKS.namespace}, hashtext(u.id)) AS ok
    FROM unnest($1::text[]) WITH ORDINALITY AS u(id, i) ORDER BY u.i`,
  /** The head of each ordered endpoint's line, for those whose lock this transaction holds (`ok`). */
  heads: `SELECT s.i, s.ok, d.* FROM unnest($1::text[], $2::int[], $3::bool[]) WITH ORDINALITY AS s(id, lim, ok, i)
    LEFT JOIN LATERAL (SELECT * FROM deliveries WHERE s.ok AND subscription_id = s.id AND status IN ${OPEN}
      ORDER BY seq LIMIT s.lim) d ON true
    ORDER BY s.i, d.seq`,
  /** Due rows of each batching unordered endpoint (under the same per-endpoint lock). */
  dueLocked: `SELECT s.i, s.ok, d.* FROM unnest($1::text[], $2::int[], $3::bool[]) WITH ORDINALITY AS s(id, lim, ok, i)
    LEFT JOIN LATERAL (SELECT * FROM deliveries WHERE s.ok AND subscription_id = s.id
      AND status IN ('pending', 'retrying') AND next_attempt_at <= $4 ORDER BY next_attempt_at, seq LIMIT s.lim) d ON true
    ORDER BY s.i, d.next_attempt_at, d.seq`,
  /** Unordered endpoints: due rows nobody else is claiming, leased in the same statement. */
  claimUnordered: `WITH c AS (
      SELECT d.seq, u.lease FROM unnest($1::text[], $2::int[], $3::bigint[]) AS u(id, lim, lease)
      CROSS JOIN LATERAL (SELECT seq FROM deliveries WHERE subscription_id = u.id AND status IN ('pending', 'retrying')
        AND next_attempt_at <= $4 ORDER BY next_attempt_at, seq LIMIT u.lim FOR UPDATE SKIP LOCKED) d)
    UPDATE deliveries SET status = 'in_flight', lease_owner = $5, lease_expires_at = $4 + c.lease, updated_at = $4
    FROM c WHERE deliveries.seq = c.seq RETURNING deliveries.*`,
  lease: `UPDATE deliveries SET status = 'in_flight', lease_owner = $1, lease_expires_at = l.expires, updated_at = $2
    FROM unnest($3::bigint[], $4::bigint[]) AS l(seq, expires) WHERE deliveries.seq = l.seq`,
  hasOpen: `SELECT u.id, EXISTS (SELECT 1 FROM deliveries WHERE subscription_id = u.id AND status IN ${OPEN}) AS open
    FROM unnest($1::text[]) AS u(id)`,
  countOpen: `SELECT count(*) AS n FROM deliveries WHERE status IN ${OPEN}`,
  /** Each endpoint's head through the open rows' index (deleting a subscription fails its open rows). */
  oldestOpen: `SELECT min(d.created_at) AS oldest FROM subscriptions s CROSS JOIN LATERAL (SELECT created_at
    FROM deliveries WHERE subscription_id = s.id AND status IN ${OPEN} ORDER BY seq LIMIT 1) d`,
  reclaim: `UPDATE deliveries SET status = ${OPEN_STATUS}, lease_owner = NULL, lease_expires_at = NULL, updated_at = $1
    WHERE seq IN (SELECT seq FROM deliveries WHERE status = 'in_flight' AND lease_expires_at <= $1
      LIMIT $2 FOR UPDATE SKIP LOCKED)
    RETURNING subscription_id`,
  release: `UPDATE deliveries SET status = ${OPEN_STATUS}, lease_owner = NULL, lease_expires_at = NULL, updated_at = $1
    WHERE id = ANY($2::text[]) AND status = 'in_flight' AND lease_owner = $3`,
  renew: `UPDATE deliveries SET lease_expires_at = $3 WHERE id = ANY($1::text[]) AND status = 'in_flight'
    AND lease_owner = $2`,
  attempts: `INSERT INTO attempts (id, delivery_id, attempt_no, started_at, status_code, response_time_ms,
      response_excerpt, error_code, error, request_headers, response_headers)
    SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::int[], $6::int[], $7::text[],
      $8::text[], $9::text[], $10::text[], $11::text[])`,
  /** A transition with an owner applies only while that owner still holds the lease. */
  settle: `UPDATE deliveries d SET status = t.status, attempt_count = t.attempt_count, next_attempt_at = t.next_at,
      last_status_code = t.status_code, last_error = t.error, completed_at = t.completed_at, lease_owner = NULL,
      lease_expires_at = NULL, updated_at = $9
    FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::int[], $6::text[], $7::bigint[], $8::text[])
      AS t(id, status, attempt_count, next_at, status_code, error, completed_at, owner)
    WHERE d.id = t.id AND (t.owner IS NULL OR (d.status = 'in_flight' AND d.lease_owner = t.owner))
    RETURNING d.status`,
  wake: `UPDATE deliveries SET next_attempt_at = $1, updated_at = $1 WHERE subscription_id = $2
    AND status = 'retrying' AND next_attempt_at > $1`,
  expire: `UPDATE deliveries SET status = 'expired', completed_at = $1, updated_at = $1
    WHERE seq IN (SELECT seq FROM deliveries WHERE status IN ('pending', 'retrying') AND expires_at <= $1
      LIMIT $2 FOR UPDATE SKIP LOCKED)
    RETURNING *`,
  fanOutLock: `SELECT pg_try_advisory_xact_lock(${LOCKS.namespace}, ${LOCKS.fanOut}) AS ok`,
  fanOutEvents: `SELECT * FROM events WHERE seq > (SELECT event_seq FROM fanout_cursor WHERE id = 1)
    ORDER BY seq LIMIT $1`,
  moveCursor: `UPDATE fanout_cursor SET event_seq = $1 WHERE id = 1`,
  version: `SELECT version FROM subscriptions_version WHERE id = 1`,
  /** Never below 0: the history cleaner may have deleted the newest events the cursor passed. */
  pendingFanOut: `SELECT GREATEST(0, (SELECT COALESCE(MAX(seq), 0) FROM events)
    - (SELECT event_seq FROM fanout_cursor WHERE id = 1)) AS n`,
} as const;

type SaveHealth = (client: Queryable, health: readonly SubscriptionHealth[]) => Promise<void>;

/** Writes delivery rows in one statement (inside the caller's transaction). */
export async function insertDeliveries(client: Queryable, deliveries: readonly NewDelivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  await client.query(PG_OUTBOX_SQL.insert, [
    deliveries.map((d) => d.id),
    deliveries.map((d) => d.subscriptionId),
    deliveries.map((d) => d.eventId),
    deliveries.map((d) => d.eventType),
    deliveries.map((d) => d.payload),
    deliveries.map((d) => d.nextAttemptAtMs),
    Date.now(),
    deliveries.map((d) => d.expiresAtMs),
  ]);
}

export function createPgOutbox(pool: pg.Pool, saveHealth: SaveHealth): OutboxStore {
  async function claimMany(
    specs: readonly ClaimSpec[],
    nowMs: number,
    owner: string,
    defaultLeaseMs: number,
  ): Promise<ClaimResult[]> {
    const claimed: DeliveryRecord[][] = specs.map(() => []);
    const lockedOut = new Set<number>();
    await inTransaction(pool, async (client) => {
      const leases: { seq: number; expires: number; i: number }[] = [];
      const lineSpecs = specs.map((spec, i) => ({ spec, i })).filter(({ spec }) => spec.ordered || spec.batch);
      const freeSpecs = specs.map((spec, i) => ({ spec, i })).filter(({ spec }) => !spec.ordered && !spec.batch);
      for (const [sql, group] of [
        [PG_OUTBOX_SQL.heads, lineSpecs.filter(({ spec }) => spec.ordered)],
        [PG_OUTBOX_SQL.dueLocked, lineSpecs.filter(({ spec }) => !spec.ordered)],
      ] as const) {
        if (group.length === 0) continue;
        const ids = group.map((g) => g.spec.subscriptionId);
        const locked = (await client.query(PG_OUTBOX_SQL.lockLines, [ids])).rows.map((row) => Boolean(row.ok));
        const params = [ids, group.map((g) => g.spec.limit), locked];
        const { rows } = await client.query(sql, sql === PG_OUTBOX_SQL.heads ? params : [...params, nowMs]);
        const lines = groupRows(rows, group.length);
        group.forEach(({ spec, i }, k) => {
          const { ok, line } = lines[k];
          if (!ok) return void lockedOut.add(i);
          const ready = readyToSend(spec, line, nowMs);
          const expires = nowMs + (spec.leaseMs ?? defaultLeaseMs);
          for (const d of ready) leases.push({ seq: d.seq, expires, i });
          claimed[i] = ready.map((d) => ({ ...d, status: 'in_flight', leaseOwner: owner, leaseExpiresAtMs: expires }));
        });
      }
      if (leases.length > 0)
        await client.query(PG_OUTBOX_SQL.lease, [owner, nowMs, leases.map((l) => l.seq), leases.map((l) => l.expires)]);
      if (freeSpecs.length > 0) {
        const { rows } = await client.query(PG_OUTBOX_SQL.claimUnordered, [
          freeSpecs.map((f) => f.spec.subscriptionId),
          freeSpecs.map((f) => f.spec.limit),
          freeSpecs.map((f) => f.spec.leaseMs ?? defaultLeaseMs),
          nowMs,
          owner,
        ]);
        const index = new Map(freeSpecs.map((f) => [f.spec.subscriptionId, f.i]));
        for (const row of rows) claimed[index.get(String(row.subscription_id))!].push(toDelivery(row));
        for (const f of freeSpecs) claimed[f.i].sort((a, b) => a.nextAttemptAtMs - b.nextAttemptAtMs || a.seq - b.seq);
      }
    });
    const unknown = specs
      .map((spec, i) => ({ spec, i }))
      .filter(({ i }) => claimed[i].length === 0 && !lockedOut.has(i));
    const open = new Map<string, boolean>();
    if (unknown.length > 0) {
      const { rows } = await pool.query(PG_OUTBOX_SQL.hasOpen, [unknown.map((u) => u.spec.subscriptionId)]);
      for (const row of rows) open.set(String(row.id), Boolean(row.open));
    }
    // An endpoint another process holds right now still has work: keep looking at it.
    return specs.map((spec, i) => ({
      claimed: claimed[i],
      open: claimed[i].length > 0 || lockedOut.has(i) || open.get(spec.subscriptionId) === true,
    }));
  }

  return {
    claimMany,
    async claim(spec, nowMs, owner, leaseMs) {
      return (await claimMany([spec], nowMs, owner, leaseMs))[0].claimed;
    },
    async countOpen() {
      return Number((await pool.query(PG_OUTBOX_SQL.countOpen)).rows[0].n);
    },
    async oldestOpenAtMs() {
      const { oldest } = (await pool.query(PG_OUTBOX_SQL.oldestOpen)).rows[0];
      return oldest === null ? null : Number(oldest);
    },
    async fanOut(plan, maxEvents, maxDeliveries = Number.MAX_SAFE_INTEGER, sync) {
      return inTransaction(pool, async (client) => {
        const none = { events: 0, deliveries: 0, subscriptionIds: [], more: false };
        // One process fans out at a time (the cursor is one row); the others go on sending.
        if (!(await client.query(PG_OUTBOX_SQL.fanOutLock)).rows[0].ok) return none;
        const rows = (await client.query(PG_OUTBOX_SQL.fanOutEvents, [maxEvents + 1])).rows as Row[];
        if (rows.length === 0) return none;
        // Read after the events: any subscription change committed before them is in this version.
        if (sync) await sync(Number((await client.query(PG_OUTBOX_SQL.version)).rows[0].version));
        const planned: NewDelivery[] = [];
        let events = 0;
        while (events < Math.min(maxEvents, rows.length) && planned.length < maxDeliveries) {
          // An event erased before its fan-out has nothing left to send: it goes to no one.
          if (!rows[events].erased_at) planned.push(...plan(toEvent(rows[events])));
          events++;
        }
        await insertDeliveries(client, groupByEndpoint(planned));
        await client.query(PG_OUTBOX_SQL.moveCursor, [Number(rows[events - 1].seq)]);
        const subscriptionIds = [...new Set(planned.map((d) => d.subscriptionId))];
        if (subscriptionIds.length > 0) await notify(client, CHANNELS.deliveries, deliveriesPayload(subscriptionIds));
        return { events, deliveries: planned.length, subscriptionIds, more: rows.length > events };
      });
    },
    async pendingFanOut() {
      return Number((await pool.query(PG_OUTBOX_SQL.pendingFanOut)).rows[0].n);
    },
    async reclaimExpiredLeases(nowMs, limit) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query(PG_OUTBOX_SQL.reclaim, [nowMs, limit]);
        if (rows.length > 0)
          await notify(client, CHANNELS.deliveries, deliveriesPayload(rows.map((r) => String(r.subscription_id))));
        return rows.length;
      });
    },
    async renewLeases(deliveryIds, owner, untilMs) {
      if (deliveryIds.length === 0) return 0;
      return (await pool.query(PG_OUTBOX_SQL.renew, [[...deliveryIds], owner, untilMs])).rowCount ?? 0;
    },
    async release(deliveryIds, owner) {
      if (deliveryIds.length > 0) await pool.query(PG_OUTBOX_SQL.release, [Date.now(), [...deliveryIds], owner]);
    },
    async settle(transitions, attempts, health) {
      return inTransaction(pool, async (client) => {
        // Attempts are history: a crash may lose the last ones, as the embedded store's NORMAL mode may.
        await client.query('SET LOCAL synchronous_commit = off');
        if (attempts.length > 0)
          await client.query(PG_OUTBOX_SQL.attempts, [
            attempts.map((a) => a.id),
            attempts.map((a) => a.deliveryId),
            attempts.map((a) => a.attemptNo),
            attempts.map((a) => a.startedAtMs),
            attempts.map((a) => a.statusCode),
            attempts.map((a) => a.responseTimeMs),
            attempts.map((a) => a.responseExcerpt),
            attempts.map((a) => a.errorCode),
            attempts.map((a) => a.error),
            attempts.map((a) => toJsonColumn(a.requestHeaders)),
            attempts.map((a) => toJsonColumn(a.responseHeaders)),
          ]);
        let closed = 0;
        if (transitions.length > 0) {
          const t = transitions;
          const { rows } = await client.query(PG_OUTBOX_SQL.settle, [
            t.map((x) => x.deliveryId),
            t.map((x) => x.status),
            t.map((x) => x.attemptCount),
            t.map((x) => x.nextAttemptAtMs),
            t.map((x) => x.lastStatusCode),
            t.map((x) => x.lastError),
            t.map((x) => x.completedAtMs),
            t.map((x) => x.leaseOwner ?? null),
            Date.now(),
          ]);
          closed = rows.filter((row) => FINAL.has(row.status as DeliveryTransition['status'])).length;
        }
        await saveHealth(client, health);
        return closed;
      });
    },
    async wakeRetrying(subscriptionId, nowMs) {
      return inTransaction(pool, async (client) => {
        const { rowCount } = await client.query(PG_OUTBOX_SQL.wake, [nowMs, subscriptionId]);
        if (rowCount) await notify(client, CHANNELS.deliveries, subscriptionId);
        return rowCount ?? 0;
      });
    },
    async expireDue(nowMs, limit) {
      return (await pool.query(PG_OUTBOX_SQL.expire, [nowMs, limit])).rows.map(toDelivery);
    },
  };
}

/** Rows of a per-endpoint query (one `i` per endpoint, 1-based) as each endpoint's lock result and line. */
function groupRows(rows: Row[], count: number): { ok: boolean; line: DeliveryRecord[] }[] {
  const out = Array.from({ length: count }, () => ({ ok: false, line: [] as DeliveryRecord[] }));
  for (const row of rows) {
    const entry = out[Number(row.i) - 1];
    entry.ok = Boolean(row.ok);
    if (row.seq !== null && row.seq !== undefined) entry.line.push(toDelivery(row));
  }
  return out;
}
