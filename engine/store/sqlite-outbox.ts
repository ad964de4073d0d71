/**
 * The outbox half of the SQLite store: delivery rows and their attempts. Deliveries are inserted
 * in the same transaction as the events they come from (see SqliteStore.commit); claims and
 * settlements are single transactions too, so a crash leaves every row in a state the next
 * start can resume from (an expired lease puts an in-flight row back in line).
 */
import type Database from 'better-sqlite3';
import type { AttemptRecord, DeliveryRecord, DeliveryTransition, SubscriptionHealth } from './records.js';
import { attemptParams, toDelivery, toEvent, type Row } from './rows.js';
import { readyToSend } from './claim-rules.js';
import { groupByEndpoint } from './fan-out-order.js';
import type { ClaimResult, ClaimSpec, DeliveryPlanner, FanOutResult, OutboxStore } from './types.js';
import type { NewDelivery } from './types.js';

const OPEN = "('pending', 'in_flight', 'retrying')";
const OPEN_STATUS = `CASE WHEN attempt_count = 0 THEN 'pending' ELSE 'retrying' END`;

/**
 * Every statement the delivery loop runs, by name. Each is served by an index for its exact shape
 * (a partial index only serves a literal `IN (...)`, never a bound one). Those that select by
 * endpoint name their index (`INDEXED BY`): left to itself, the planner may pick
 * deliveries_by_subscription_time and walk the endpoint's whole history. The EXPLAIN test in
 * test/unit/store/hot-path-plans.test.ts holds them to it.
 */
export const OUTBOX_SQL = {
  insert: `INSERT INTO deliveries (id, subscription_id, event_id, event_type, payload, status, next_attempt_at,
    created_at, updated_at, expires_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
  /** An ordered endpoint's line, head first (deliveries_open_by_subscription). */
  head: `SELECT * FROM deliveries INDEXED BY deliveries_open_by_subscription
    WHERE subscription_id = ? AND status IN ${OPEN} ORDER BY seq LIMIT ?`,
  /** An unordered endpoint's due rows (deliveries_due; seq is the index's implicit last column). */
  due: `SELECT * FROM deliveries INDEXED BY deliveries_due WHERE subscription_id = ? AND status IN ('pending', 'retrying')
    AND next_attempt_at <= ? ORDER BY next_attempt_at, seq LIMIT ?`,
  /** "Has this endpoint anything open?": one index probe, whatever its history. */
  hasOpen: `SELECT EXISTS (SELECT 1 FROM deliveries INDEXED BY deliveries_open_by_subscription
    WHERE subscription_id = ? AND status IN ${OPEN})`,
  countOpen: `SELECT count(*) FROM deliveries INDEXED BY deliveries_open_by_subscription WHERE status IN ${OPEN}`,
  /**
   * The oldest open delivery's creation: each endpoint's head, one probe of the open rows' index per
   * stored subscription (every delivery has one: deleting a subscription fails its open rows).
   */
  oldestOpen: `SELECT min((SELECT created_at FROM deliveries INDEXED BY deliveries_open_by_subscription
    WHERE subscription_id = s.id AND status IN ${OPEN} ORDER BY seq LIMIT 1)) FROM subscriptions s`,
  /** At most `limit` rows per call (deliveries_leased), so one call is a bounded amount of work. */
  reclaim: `UPDATE deliveries SET status = ${OPEN_STATUS}, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
    WHERE seq IN (SELECT seq FROM deliveries INDEXED BY deliveries_leased WHERE status = 'in_flight' AND lease_expires_at <= ? LIMIT ?)`,
  release: `UPDATE deliveries SET status = ${OPEN_STATUS}, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
    WHERE id = ? AND status = 'in_flight' AND lease_owner = ?`,
  renew: `UPDATE deliveries SET lease_expires_at = ? WHERE id = ? AND status = 'in_flight' AND lease_owner = ?`,
  settle: `UPDATE deliveries SET status = @status, attempt_count = @attemptCount, next_attempt_at = @nextAttemptAtMs,
    last_status_code = @lastStatusCode, last_error = @lastError, completed_at = @completedAtMs, lease_owner = NULL,
    lease_expires_at = NULL, updated_at = @now
    WHERE id = @deliveryId AND (@leaseOwner IS NULL OR (status = 'in_flight' AND lease_owner = @leaseOwner))`,
  attempt: `INSERT INTO attempts (id, delivery_id, attempt_no, started_at, status_code, response_time_ms,
    response_excerpt, error_code, error, request_headers, response_headers) VALUES (@id, @deliveryId, @attemptNo,
    @startedAtMs, @statusCode, @responseTimeMs, @responseExcerpt, @errorCode, @error, @requestHeaders, @responseHeaders)`,
  /** The partial index's own IN list, so that the index (not the endpoint's whole history) serves it. */
  wake: `UPDATE deliveries INDEXED BY deliveries_due SET next_attempt_at = ?, updated_at = ? WHERE subscription_id = ?
    AND status IN ('pending', 'retrying') AND next_attempt_at > ? AND status = 'retrying'`,
  expire: `SELECT * FROM deliveries INDEXED BY deliveries_expiry WHERE status IN ('pending', 'retrying')
    AND expires_at <= ? LIMIT ?`,
  markExpired: `UPDATE deliveries SET status = 'expired', completed_at = ?, updated_at = ? WHERE seq = ?`,
  /** The next events to fan out, after the cursor, by rowid. */
  fanOutEvents: `SELECT * FROM events WHERE seq > (SELECT event_seq FROM fanout_cursor WHERE id = 1) ORDER BY seq LIMIT ?`,
  moveCursor: `UPDATE fanout_cursor SET event_seq = ? WHERE id = 1`,
  /** Never below 0: the history cleaner may have deleted the newest events the cursor passed. */
  pendingFanOut: `SELECT MAX(0, (SELECT COALESCE(MAX(seq), 0) FROM events)
    - (SELECT event_seq FROM fanout_cursor WHERE id = 1))`,
} as const;

const FINAL_STATUSES = new Set<DeliveryTransition['status']>(['succeeded', 'failed', 'expired']);

/** Leases `count` claimed rows at once, by rowid. */
export const leaseSql = (count: number): string =>
  `UPDATE deliveries SET status = 'in_flight', lease_owner = ?, lease_expires_at = ?, updated_at = ?
    WHERE seq IN (${Array(count).fill('?').join(', ')})`;

export type SqliteOutbox = OutboxStore & { insertDeliveries(deliveries: readonly NewDelivery[]): void };

/**
 * @param unacknowledged - Called before each of the delivery loop's write transactions: none is
 *   acknowledged to a caller, so none needs the fsync an acknowledged commit pays (sqlite-store.ts).
 */
export function createSqliteOutbox(
  db: Database.Database,
  saveHealth: (health: SubscriptionHealth) => void,
  unacknowledged: () => void = () => {},
): SqliteOutbox {
  const stmt = Object.fromEntries(Object.entries(OUTBOX_SQL).map(([name, sql]) => [name, db.prepare(sql)])) as Record<
    keyof typeof OUTBOX_SQL,
    Database.Statement
  >;
  const hasOpen = stmt.hasOpen.pluck();

  const leaseStatements = new Map<number, Database.Statement>();
  const leaseStatement = (count: number): Database.Statement => {
    let statement = leaseStatements.get(count);
    if (!statement) {
      statement = db.prepare(leaseSql(count));
      leaseStatements.set(count, statement);
    }
    return statement;
  };

  const claimOne = (spec: ClaimSpec, nowMs: number, owner: string, defaultLeaseMs: number): DeliveryRecord[] => {
    const leaseMs = spec.leaseMs ?? defaultLeaseMs;
    const candidates = readyToSend(spec, selectLine(spec, nowMs), nowMs);
    if (candidates.length === 0) return [];
    // One statement for the whole claim, not one per row; by rowid, the cheapest lookup there is.
    leaseStatement(candidates.length).run(owner, nowMs + leaseMs, nowMs, ...candidates.map((d) => d.seq));
    return candidates.map((d) => ({
      ...d,
      status: 'in_flight' as const,
      leaseOwner: owner,
      leaseExpiresAtMs: nowMs + leaseMs,
    }));
  };

  /** Many endpoints' claims in one transaction; an empty one also says whether the endpoint has open work left. */
  const claimMany = db.transaction(
    (specs: readonly ClaimSpec[], nowMs: number, owner: string, leaseMs: number): ClaimResult[] =>
      specs.map((spec) => {
        const claimed = claimOne(spec, nowMs, owner, leaseMs);
        return { claimed, open: claimed.length > 0 || hasOpen.get(spec.subscriptionId) === 1 };
      }),
  );

  /** The rows a claim looks at: an ordered endpoint's line from its head, an unordered one's due rows. */
  function selectLine(spec: ClaimSpec, nowMs: number): DeliveryRecord[] {
    const rows = spec.ordered
      ? stmt.head.all(spec.subscriptionId, spec.limit)
      : stmt.due.all(spec.subscriptionId, nowMs, spec.limit);
    return (rows as Row[]).map(toDelivery);
  }

  const insertDeliveries = (deliveries: readonly NewDelivery[]): void => {
    const now = Date.now();
    for (const d of deliveries)
      stmt.insert.run(
        d.id,
        d.subscriptionId,
        d.eventId,
        d.eventType,
        d.payload,
        d.nextAttemptAtMs,
        now,
        now,
        d.expiresAtMs,
      );
  };

  const fanOut = db.transaction((plan: DeliveryPlanner, maxEvents: number, maxDeliveries: number): FanOutResult => {
    const rows = stmt.fanOutEvents.all(maxEvents + 1) as Row[];
    const planned: NewDelivery[] = [];
    let events = 0;
    // Whole events only: the cursor never stops inside one. A page ends at maxEvents, or as soon as
    // it has written maxDeliveries (an event with many webhooks fills it early).
    while (events < Math.min(maxEvents, rows.length) && planned.length < maxDeliveries) {
      // An event erased before its fan-out has nothing left to send: it goes to no one.
      if (!rows[events].erased_at) planned.push(...plan(toEvent(rows[events])));
      events++;
    }
    insertDeliveries(groupByEndpoint(planned));
    if (events > 0) stmt.moveCursor.run(Number(rows[events - 1].seq));
    const subscriptionIds = [...new Set(planned.map((d) => d.subscriptionId))];
    return { events, deliveries: planned.length, subscriptionIds, more: rows.length > events };
  });

  return {
    insertDeliveries,
    async fanOut(plan, maxEvents, maxDeliveries = Number.MAX_SAFE_INTEGER) {
      unacknowledged();
      // IMMEDIATE: it reads then writes; taking the write lock first avoids a failed upgrade (SQLITE_BUSY).
      return fanOut.immediate(plan, maxEvents, maxDeliveries);
    },
    async pendingFanOut() {
      return stmt.pendingFanOut.pluck().get() as number;
    },
    async claim(spec, nowMs, owner, leaseMs) {
      unacknowledged();
      return claimMany.immediate([spec], nowMs, owner, leaseMs)[0].claimed;
    },
    async claimMany(specs, nowMs, owner, leaseMs) {
      unacknowledged();
      return claimMany.immediate(specs, nowMs, owner, leaseMs);
    },
    async countOpen() {
      return stmt.countOpen.pluck().get() as number;
    },
    async oldestOpenAtMs() {
      return (stmt.oldestOpen.pluck().get() as number | null) ?? null;
    },
    async reclaimExpiredLeases(nowMs, limit) {
      unacknowledged();
      return stmt.reclaim.run(nowMs, nowMs, limit).changes;
    },
    async renewLeases(deliveryIds, owner, untilMs) {
      unacknowledged();
      return db.transaction(() => deliveryIds.reduce((n, id) => n + stmt.renew.run(untilMs, id, owner).changes, 0))();
    },
    async release(deliveryIds, owner) {
      unacknowledged();
      const now = Date.now();
      db.transaction(() => deliveryIds.forEach((id) => stmt.release.run(now, id, owner)))();
    },
    async settle(transitions: DeliveryTransition[], attempts: AttemptRecord[], health: SubscriptionHealth[]) {
      unacknowledged();
      const now = Date.now();
      return db.transaction(() => {
        let closed = 0;
        for (const attempt of attempts) stmt.attempt.run(attemptParams(attempt));
        for (const transition of transitions) {
          const changed = stmt.settle.run({ ...transition, leaseOwner: transition.leaseOwner ?? null, now }).changes;
          if (changed > 0 && FINAL_STATUSES.has(transition.status)) closed++;
        }
        for (const h of health) saveHealth(h);
        return closed;
      })();
    },
    async wakeRetrying(subscriptionId, nowMs) {
      unacknowledged();
      return stmt.wake.run(nowMs, nowMs, subscriptionId, nowMs).changes;
    },
    async expireDue(nowMs, limit) {
      unacknowledged();
      return db.transaction(() => {
        const rows = (stmt.expire.all(nowMs, limit) as Row[]).map(toDelivery);
        for (const row of rows) stmt.markExpired.run(nowMs, nowMs, row.seq);
        return rows.map((row) => ({ ...row, status: 'expired' as const }));
      })();
    },
  };
}
