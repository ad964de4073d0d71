/**
 * Publishers' event type schemas in PostgreSQL, as in the embedded store (sqlite-event-types.ts):
 * each change moves `event_types_version` in its own transaction, and every process compares that
 * version with the schemas it holds before it validates an event (api/event-type-registry.ts).
 */
import type pg from 'pg';
import { toEventType, type Row } from '../rows.js';
import type { EventTypeStore } from '../types.js';
import { inTransaction } from './pg-db.js';

const SQL = {
  version: 'SELECT version FROM event_types_version WHERE id = 1',
  bump: 'UPDATE event_types_version SET version = version + 1 WHERE id = 1 RETURNING version',
  upsert: `INSERT INTO event_types (type, description, schema, version, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $5)
    ON CONFLICT (type) DO UPDATE SET description = excluded.description, schema = excluded.schema,
      version = excluded.version, updated_at = excluded.updated_at
    RETURNING *`,
  list: 'SELECT * FROM event_types ORDER BY type',
  delete: 'DELETE FROM event_types WHERE type = $1',
} as const;

export function createPgEventTypes(pool: pg.Pool): EventTypeStore {
  return {
    async eventTypesVersion() {
      const { rows } = await pool.query<{ version: string }>(SQL.version);
      return Number(rows[0].version);
    },
    async putEventType(input) {
      const row = await inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ version: string }>(SQL.bump);
        const now = new Date().toISOString();
        const params = [input.type, input.description, JSON.stringify(input.schema), rows[0].version, now];
        return (await client.query(SQL.upsert, params)).rows[0] as Row;
      });
      return toEventType(row);
    },
    async listEventTypes() {
      return (await pool.query(SQL.list)).rows.map(toEventType);
    },
    async deleteEventType(type) {
      return inTransaction(pool, async (client) => {
        const { rowCount } = await client.query(SQL.delete, [type]);
        if (!rowCount) return false;
        await client.query(SQL.bump);
        return true;
      });
    },
  };
}
