/**
 * The outbox half of the SQLite store: delivery rows and their attempts. Deliveries are inserted
 * in the same transaction as the events they come from (see SqliteStore.commit); claims and
 * settlements are single transactions too, so a crash leaves every row in a state the next
 * start can resume from (an expired lease puts an in-flight row back in line).
 */
import type Database from 'better-sqlite3';
import type { AttemptRecord, DeliveryRecord, DeliveryTransition, SubscriptionHealth } from './records.js';
import type { ClaimSpec, OutboxStore } from './types.js';
import type { NewDelivery } from './types.js';

type Row = Record<string, unknown>;

export type SqliteOutbox = OutboxStore & { insertDeliveries(deliveries: readonly NewDelivery[]): void };

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
    leaseOwner: (row.lease_owner as string | null) ?? null,
    leaseExpiresAtMs: (row.lease_expires_at as number | null) ?? null,
    lastStatusCode: (row.last_status_code as number | null) ?? null,
    lastError: (row.last_error as string | null) ?? null,
    createdAtMs: Number(row.created_at),
    updatedAtMs: Number(row.updated_at),
    completedAtMs: (row.completed_at as number | null) ?? null,
    expiresAtMs: Number(row.expires_at),
  };
}

export function createSqliteOutbox(
  db: Database.Database,
  saveHealth: (health: SubscriptionHealth) => void,
): SqliteOutbox {
  const stmt = {
    insert:
      db.prepare(`INSERT INTO deliveries (id, subscription_id, event_id, event_type, payload, status, next_attempt_at, created_at, updated_at, expires_at)
      VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`),
    head: db.prepare(
      "SELECT * FROM deliveries WHERE subscription_id = ? AND status IN ('pending', 'in_flight', 'retrying') ORDER BY seq LIMIT ?",
    ),
    due: db.prepare(
      "SELECT * FROM deliveries WHERE subscription_id = ? AND status IN ('pending', 'retrying') AND next_attempt_at <= ? ORDER BY next_attempt_at, seq LIMIT ?",
    ),
    reclaim: db.prepare(
      "UPDATE deliveries SET status = CASE WHEN attempt_count = 0 THEN 'pending' ELSE 'retrying' END, lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE status = 'in_flight' AND lease_expires_at <= ?",
    ),
    release: db.prepare(
      "UPDATE deliveries SET status = CASE WHEN attempt_count = 0 THEN 'pending' ELSE 'retrying' END, lease_owner = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ? AND status = 'in_flight'",
    ),
    settle:
      db.prepare(`UPDATE deliveries SET status = @status, attempt_count = @attemptCount, next_attempt_at = @nextAttemptAtMs, last_status_code = @lastStatusCode,
      last_error = @lastError, completed_at = @completedAtMs, lease_owner = NULL, lease_expires_at = NULL, updated_at = @now WHERE id = @deliveryId`),
    attempt:
      db.prepare(`INSERT INTO attempts (id, delivery_id, attempt_no, started_at, status_code, response_time_ms, response_excerpt, error_code, error)
      VALUES (@id, @deliveryId, @attemptNo, @startedAtMs, @statusCode, @responseTimeMs, @responseExcerpt, @errorCode, @error)`),
    wake: db.prepare(
      "UPDATE deliveries SET next_attempt_at = ?, updated_at = ? WHERE subscription_id = ? AND status = 'retrying' AND next_attempt_at > ?",
    ),
    expire: db.prepare("SELECT * FROM deliveries WHERE status IN ('pending', 'retrying') AND expires_at <= ? LIMIT ?"),
    markExpired: db.prepare("UPDATE deliveries SET status = 'expired', completed_at = ?, updated_at = ? WHERE id = ?"),
  };

  const leaseStatements = new Map<number, Database.Statement>();
  const leaseStatement = (count: number): Database.Statement => {
    let statement = leaseStatements.get(count);
    if (!statement) {
      statement = db.prepare(
        `UPDATE deliveries SET status = 'in_flight', lease_owner = ?, lease_expires_at = ?, updated_at = ? WHERE id IN (${Array(count).fill('?').join(', ')})`,
      );
      leaseStatements.set(count, statement);
    }
    return statement;
  };

  const claim = db.transaction((spec: ClaimSpec, nowMs: number, owner: string, leaseMs: number): DeliveryRecord[] => {
    const candidates = selectCandidates(spec, nowMs);
    if (
      spec.batch &&
      candidates.length < spec.batch.maxEvents &&
      !(candidates[0] && candidates[0].createdAtMs + spec.batch.maxWaitMs <= nowMs)
    )
      return [];
    if (candidates.length > 0) {
      // One statement for the whole claim, not one per row.
      leaseStatement(candidates.length).run(owner, nowMs + leaseMs, nowMs, ...candidates.map((d) => d.id));
    }
    return candidates.map((d) => ({
      ...d,
      status: 'in_flight' as const,
      leaseOwner: owner,
      leaseExpiresAtMs: nowMs + leaseMs,
    }));
  });

  /** FIFO: an ordered endpoint only ever sends from the head of its line. */
  function selectCandidates(spec: ClaimSpec, nowMs: number): DeliveryRecord[] {
    if (!spec.ordered)
      return (stmt.due.all(spec.subscriptionId, spec.batch ? Number.MAX_SAFE_INTEGER : nowMs, spec.limit) as Row[]).map(
        toDelivery,
      );
    const line = (stmt.head.all(spec.subscriptionId, spec.limit) as Row[]).map(toDelivery);
    const ready: DeliveryRecord[] = [];
    for (const delivery of line) {
      if (delivery.status === 'in_flight' || (!spec.batch && delivery.nextAttemptAtMs > nowMs)) break;
      ready.push(delivery);
    }
    return ready;
  }

  return {
    insertDeliveries(deliveries) {
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
    },
    async claim(spec, nowMs, owner, leaseMs) {
      return claim(spec, nowMs, owner, leaseMs);
    },
    async reclaimExpiredLeases(nowMs) {
      return stmt.reclaim.run(nowMs, nowMs).changes;
    },
    async release(deliveryIds) {
      const now = Date.now();
      db.transaction(() => deliveryIds.forEach((id) => stmt.release.run(now, id)))();
    },
    async settle(transitions: DeliveryTransition[], attempts: AttemptRecord[], health: SubscriptionHealth[]) {
      const now = Date.now();
      db.transaction(() => {
        for (const attempt of attempts) stmt.attempt.run(attempt);
        for (const transition of transitions) stmt.settle.run({ ...transition, now });
        for (const h of health) saveHealth(h);
      })();
    },
    async wakeRetrying(subscriptionId, nowMs) {
      return stmt.wake.run(nowMs, nowMs, subscriptionId, nowMs).changes;
    },
    async expireDue(nowMs, limit) {
      return db.transaction(() => {
        const rows = (stmt.expire.all(nowMs, limit) as Row[]).map(toDelivery);
        for (const row of rows) stmt.markExpired.run(nowMs, nowMs, row.id);
        return rows.map((row) => ({ ...row, status: 'expired' as const }));
      })();
    },
    async subscriptionsWithOpenDeliveries() {
      return db
        .prepare("SELECT DISTINCT subscription_id FROM deliveries WHERE status IN ('pending', 'in_flight', 'retrying')")
        .pluck()
        .all() as string[];
    },
  };
}
