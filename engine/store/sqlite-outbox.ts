/**
 * The outbox half of the SQLite store: delivery rows and their attempts. Deliveries are inserted
 * in the same transaction as the events they come from (see SqliteStore.commit).
 */
import type Database from 'better-sqlite3';
import type { SecretBox } from './secret-box.js';
import type { NewDelivery } from './types.js';

export interface SqliteOutbox {
  insertDeliveries(deliveries: readonly NewDelivery[]): void;
}

export function createSqliteOutbox(db: Database.Database, _box: SecretBox): SqliteOutbox {
  const insert = db.prepare(`INSERT INTO deliveries (id, subscription_id, event_id, event_type, payload, status, next_attempt_at, created_at, updated_at, expires_at)
    VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`);
  return {
    insertDeliveries(deliveries) {
      const now = Date.now();
      for (const d of deliveries) insert.run(d.id, d.subscriptionId, d.eventId, d.eventType, d.payload, d.nextAttemptAtMs, now, now, d.expiresAtMs);
    },
  };
}
