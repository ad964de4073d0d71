/**
 * The engine's catalog in SQLite: workflow definitions (synced from the workflow folder),
 * credentials (encrypted with the store's secret box) and API keys (hashes only).
 */
import type Database from 'better-sqlite3';
import type { SecretBox } from './secret-box.js';
import { DELETE_RENAMED_CREDENTIAL, UPSERT_CREDENTIAL, toApiKey, toCredential, toWorkflow, type Row } from './rows.js';
import type { CatalogStore, WorkflowChange, WorkflowRecord } from './types.js';

export type SqliteCatalog = CatalogStore;

export function createSqliteCatalog(db: Database.Database, box: SecretBox): SqliteCatalog {
  return {
    async upsertWorkflow(record) {
      return upsertWorkflow(db, record);
    },
    async getWorkflow(id) {
      const row = db.prepare('SELECT * FROM workflows WHERE id = ?').get(id) as Row | undefined;
      return row ? toWorkflow(row) : null;
    },
    async listWorkflows() {
      return (db.prepare('SELECT * FROM workflows ORDER BY name').all() as Row[]).map(toWorkflow);
    },
    async setWorkflowActive(id, active) {
      return (
        db
          .prepare('UPDATE workflows SET active = ?, updated_at = ? WHERE id = ? AND active != ?')
          .run(active ? 1 : 0, new Date().toISOString(), id, active ? 1 : 0).changes > 0
      );
    },
    async deleteWorkflow(id) {
      return db.prepare('DELETE FROM workflows WHERE id = ?').run(id).changes > 0;
    },
    async upsertCredential(record) {
      const now = new Date().toISOString();
      const sealed = box.seal(JSON.stringify(record.data));
      db.transaction(() => {
        db.prepare(DELETE_RENAMED_CREDENTIAL).run(record.type, record.name, record.id);
        db.prepare(UPSERT_CREDENTIAL).run(record.id, record.name, record.type, sealed, now, now);
      })();
    },
    async findCredential(type, idOrName) {
      const row = (db.prepare('SELECT * FROM credentials WHERE type = ? AND id = ?').get(type, idOrName) ??
        db.prepare('SELECT * FROM credentials WHERE type = ? AND name = ?').get(type, idOrName)) as Row | undefined;
      return row ? toCredential(row, box) : null;
    },
    async findApiKey(keyHash) {
      const row = db.prepare('SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL').get(keyHash) as
        Row | undefined;
      return row ? toApiKey(row) : null;
    },
    async createApiKey(record) {
      db.prepare(
        'INSERT INTO api_keys (id, name, key_hash, prefix, created_at, organization) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(record.id, record.name, record.keyHash, record.prefix, record.createdAt, record.organization);
    },
    async listApiKeys() {
      const rows = db.prepare('SELECT * FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at, id').all();
      return (rows as Row[]).map(toApiKey);
    },
    async revokeApiKey(id, revokedAt) {
      return (
        db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(revokedAt, id)
          .changes > 0
      );
    },
    async touchApiKey(id, usedAt) {
      db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(usedAt, id);
    },
  };
}

function upsertWorkflow(
  db: Database.Database,
  record: Omit<WorkflowRecord, 'createdAt' | 'updatedAt'>,
): WorkflowChange {
  const existing = db.prepare('SELECT hash, active FROM workflows WHERE id = ?').get(record.id) as
    { hash: string; active: number } | undefined;
  const now = new Date().toISOString();
  if (!existing) {
    db.prepare(
      'INSERT INTO workflows (id, name, active, definition, hash, source_path, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      record.id,
      record.name,
      record.active ? 1 : 0,
      JSON.stringify(record.definition),
      record.hash,
      record.sourcePath,
      now,
      now,
    );
    return 'created';
  }
  if (existing.hash === record.hash && Boolean(existing.active) === record.active) return 'unchanged';
  db.prepare(
    'UPDATE workflows SET name = ?, active = ?, definition = ?, hash = ?, source_path = ?, updated_at = ? WHERE id = ?',
  ).run(
    record.name,
    record.active ? 1 : 0,
    JSON.stringify(record.definition),
    record.hash,
    record.sourcePath,
    now,
    record.id,
  );
  return 'updated';
}
