/**
 * Publishers' event type schemas in SQLite. Each change moves `event_types_version` in the same
 * transaction, and the new version is the registration's own: a cache keyed by type and version
 * never mistakes an old schema for a new one, even after a removal and a new registration.
 */
import type Database from 'better-sqlite3';
import { toEventType, type Row } from './rows.js';
import type { EventTypeStore } from './types.js';

export function createSqliteEventTypes(db: Database.Database): EventTypeStore {
  const stmt = {
    version: db.prepare('SELECT version FROM event_types_version WHERE id = 1').pluck(),
    bump: db.prepare('UPDATE event_types_version SET version = version + 1 WHERE id = 1 RETURNING version').pluck(),
    upsert: db.prepare(`INSERT INTO event_types (type, description, schema, version, created_at, updated_at)
      VALUES (@type, @description, @schema, @version, @now, @now)
      ON CONFLICT (type) DO UPDATE SET description = excluded.description, schema = excluded.schema,
        version = excluded.version, updated_at = excluded.updated_at
      RETURNING *`),
    list: db.prepare('SELECT * FROM event_types ORDER BY type'),
    delete: db.prepare('DELETE FROM event_types WHERE type = ?'),
  };
  const put = db.transaction((input: { type: string; description: string | null; schema: string }): Row => {
    const version = Number(stmt.bump.get());
    return stmt.upsert.get({ ...input, version, now: new Date().toISOString() }) as Row;
  });
  const remove = db.transaction((type: string): boolean => {
    if (stmt.delete.run(type).changes === 0) return false;
    stmt.bump.run();
    return true;
  });
  return {
    async eventTypesVersion() {
      return Number(stmt.version.get());
    },
    async putEventType(input) {
      return toEventType(put({ ...input, schema: JSON.stringify(input.schema) }));
    },
    async listEventTypes() {
      return (stmt.list.all() as Row[]).map(toEventType);
    },
    async deleteEventType(type) {
      return remove(type);
    },
  };
}
