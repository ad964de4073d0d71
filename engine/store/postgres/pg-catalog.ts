/**
 * The engine's catalog in PostgreSQL: workflow definitions, credentials (sealed with the secret
 * box) and API keys (hashes only). Every process syncs the same workflow folder at start; the
 * upserts make that safe to run at once.
 */
import type pg from 'pg';
import type { SecretBox } from '../secret-box.js';
import { DELETE_RENAMED_CREDENTIAL, UPSERT_CREDENTIAL, toApiKey, toCredential, toWorkflow, type Row } from '../rows.js';
import { inTransaction, LOCKS, numbered } from './pg-db.js';
import type { CatalogStore, WorkflowChange } from '../types.js';

export type PgCatalog = CatalogStore;

/**
 * Created, updated, or unchanged (same hash and active flag), decided in one statement: `xmax = 0`
 * tells an inserted row from an updated one, and the WHERE skips a row that would not change.
 */
const UPSERT_WORKFLOW = `INSERT INTO workflows (id, name, active, definition, hash, source_path, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
  ON CONFLICT (id) DO UPDATE SET name = excluded.name, active = excluded.active, definition = excluded.definition,
    hash = excluded.hash, source_path = excluded.source_path, updated_at = excluded.updated_at
  WHERE workflows.hash IS DISTINCT FROM excluded.hash OR workflows.active IS DISTINCT FROM excluded.active
  RETURNING (xmax = 0) AS inserted`;

export function createPgCatalog(pool: pg.Pool, box: SecretBox): PgCatalog {
  const one = async (sql: string, params: unknown[]): Promise<Row | undefined> =>
    (await pool.query(sql, params)).rows[0] as Row | undefined;
  return {
    async upsertWorkflow(record): Promise<WorkflowChange> {
      const row = await one(UPSERT_WORKFLOW, [
        record.id,
        record.name,
        record.active,
        JSON.stringify(record.definition),
        record.hash,
        record.sourcePath,
        new Date().toISOString(),
      ]);
      return !row ? 'unchanged' : row.inserted ? 'created' : 'updated';
    },
    async getWorkflow(id) {
      const row = await one('SELECT * FROM workflows WHERE id = $1', [id]);
      return row ? toWorkflow(row) : null;
    },
    async listWorkflows() {
      return (await pool.query('SELECT * FROM workflows ORDER BY name')).rows.map(toWorkflow);
    },
    async setWorkflowActive(id, active) {
      const { rowCount } = await pool.query(
        'UPDATE workflows SET active = $1, updated_at = $2 WHERE id = $3 AND active <> $1',
        [active, new Date().toISOString(), id],
      );
      return (rowCount ?? 0) > 0;
    },
    async deleteWorkflow(id) {
      return ((await pool.query('DELETE FROM workflows WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },
    async upsertCredential(record) {
      const now = new Date().toISOString();
      // Every process loads the credentials file at start: the lock makes starts at once take turns
      // (ON CONFLICT covers the id only, so two inserts racing on one (type, name) would fail).
      await inTransaction(pool, async (client) => {
        await client.query(`SELECT pg_advisory_xact_lock(${LOCKS.namespace}, ${LOCKS.credentials})`);
        await client.query(numbered(DELETE_RENAMED_CREDENTIAL), [record.type, record.name, record.id]);
        await client.query(numbered(UPSERT_CREDENTIAL), [
          record.id,
          record.name,
          record.type,
          box.seal(JSON.stringify(record.data)),
          now,
          now,
        ]);
      });
    },
    async findCredential(type, idOrName) {
      const row =
        (await one('SELECT * FROM credentials WHERE type = $1 AND id = $2', [type, idOrName])) ??
        (await one('SELECT * FROM credentials WHERE type = $1 AND name = $2', [type, idOrName]));
      return row ? toCredential(row, box) : null;
    },
    async findApiKey(keyHash) {
      const row = await one('SELECT * FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL', [keyHash]);
      return row ? toApiKey(row) : null;
    },
    async createApiKey(record) {
      await pool.query(
        'INSERT INTO api_keys (id, name, key_hash, prefix, created_at, organization) VALUES ($1, $2, $3, $4, $5, $6)',
        [record.id, record.name, record.keyHash, record.prefix, record.createdAt, record.organization],
      );
    },
    async listApiKeys() {
      const { rows } = await pool.query('SELECT * FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at, id');
      return rows.map(toApiKey);
    },
    async revokeApiKey(id, revokedAt) {
      const { rowCount } = await pool.query(
        'UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
        [revokedAt, id],
      );
      return (rowCount ?? 0) > 0;
    },
    async touchApiKey(id, usedAt) {
      await pool.query('UPDATE api_keys SET last_used_at = $1 WHERE id = $2', [usedAt, id]);
    },
  };
}
