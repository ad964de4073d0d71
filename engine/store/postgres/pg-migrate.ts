/**
 * Applies the PostgreSQL migrations exactly once, however many processes start together: each
 * takes a session advisory lock first, so the others wait and then find the work done.
 */
import type pg from 'pg';
import { LOCKS } from './pg-db.js';
import { PG_MIGRATIONS } from './pg-migrations.js';

export async function migratePg(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(${LOCKS.namespace}, ${LOCKS.migrations})`);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)',
      );
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((row) => row.version));
      const done: number[] = [];
      for (const migration of PG_MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            new Date().toISOString(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
        done.push(migration.version);
      }
      return done;
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${LOCKS.namespace}, ${LOCKS.migrations})`);
    }
  } finally {
    client.release();
  }
}
