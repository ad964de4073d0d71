/**
 * Custom header values at rest (sealed like the other secrets, rows from before migration 5
 * sealed when the store opens) and the modes of the files the store and key resolver create.
 * The raw rows are read back from either store to prove no plaintext; the migration, the bytes on
 * disk and the file modes are the embedded store's own, checked on real SQLite files only.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blankSubscription } from '../../../engine/delivery/subscriptions.js';
import { createSecretBox, resolveEncryptionKey } from '../../../engine/store/secret-box.js';
import { SQLITE_MIGRATIONS } from '../../../engine/store/sqlite-migrations.js';
import { createSqliteStore } from '../../../engine/store/sqlite-store.js';
import { createTempStore, TEST_STORE } from '../../helpers/store.js';
import { makeTempDir, type TempDir } from '../../helpers/temp.js';

const box = createSecretBox('test-key');
const SECRET_VALUE = 'sk_live_plaintext_header_value_0123456789';

let dir: TempDir;
beforeEach(() => {
  dir = makeTempDir('hookline-secrets-');
});
afterEach(() => {
  dir.remove();
});

const subscription = (id: string, headers: Record<string, string>) => ({
  ...blankSubscription(Date.now(), { deliveryTimeoutMs: 1000 }),
  id,
  url: 'https://example.com/hook',
  events: ['*'],
  secret: 'whsec_dGVzdC1zZWNyZXQtMTIzNDU2Nzg5MA==',
  headers,
});

/** Every byte SQLite keeps on disk for the database: the file and, if present, its WAL. */
const bytesOnDisk = (path: string): string =>
  [path, `${path}-wal`]
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file).toString('latin1'))
    .join('');

/** A database as a Hookline from before migration 5 left it, with one plaintext-header row. */
function writeLegacyDatabase(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version !== 5)) {
    db.exec(migration.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, 'then');
  }
  const insert = db.prepare(`INSERT INTO subscriptions (id, name, url, events, headers, secret_enc, timeout_ms,
    created_at, updated_at) VALUES (?, 'Old', 'https://example.com/old', '["*"]', ?, ?, 1000, 1, 1)`);
  insert.run('wh_old', JSON.stringify({ 'X-Api-Key': SECRET_VALUE, 'X-Team': 'blue' }), box.seal('whsec_old'));
  insert.run('wh_empty', '{}', box.seal('whsec_old'));
  db.close();
}

describe('custom header values at rest', () => {
  it('stores them sealed and reads them back', async () => {
    const temp = await createTempStore();
    try {
      await temp.store.saveSubscription(subscription('wh_new', { 'X-Api-Key': SECRET_VALUE }));
      const [row] = await temp.sql('SELECT headers_enc FROM subscriptions WHERE id = ?', ['wh_new']);
      expect(row.headers_enc).toMatch(/^v1:/);
      expect(row.headers_enc).not.toContain(SECRET_VALUE);
      expect((await temp.store.getSubscription('wh_new'))?.headers).toEqual({ 'X-Api-Key': SECRET_VALUE });
    } finally {
      await temp.close();
    }
  });
});

// The plaintext column, the migration that sealed it and the bytes of the file exist in SQLite only.
describe.skipIf(TEST_STORE !== 'sqlite')('custom header values in the SQLite file', () => {
  it('leaves the plaintext column empty and no plaintext in the file or its WAL', async () => {
    const path = `${dir.path}/hookline.db`;
    const store = createSqliteStore({ path, secretBox: box });
    await store.saveSubscription(subscription('wh_new', { 'X-Api-Key': SECRET_VALUE }));
    expect(store.db.prepare('SELECT headers FROM subscriptions WHERE id = ?').get('wh_new')).toEqual({
      headers: null,
    });
    await store.close();
    expect(bytesOnDisk(path)).not.toContain(SECRET_VALUE);
  });

  it('seals the plaintext headers of rows written before migration 5 when the store opens', async () => {
    const path = `${dir.path}/hookline.db`;
    writeLegacyDatabase(path);
    expect(bytesOnDisk(path)).toContain(SECRET_VALUE);

    const store = createSqliteStore({ path, secretBox: box });
    expect(await store.migrate()).toEqual([5]);
    const rows = store.db.prepare('SELECT id, headers, headers_enc FROM subscriptions ORDER BY id').all();
    expect(rows).toEqual([
      { id: 'wh_empty', headers: null, headers_enc: null },
      { id: 'wh_old', headers: null, headers_enc: expect.stringMatching(/^v1:/) },
    ]);
    expect(JSON.stringify(rows)).not.toContain(SECRET_VALUE);
    expect((await store.getSubscription('wh_old'))?.headers).toEqual({ 'X-Api-Key': SECRET_VALUE, 'X-Team': 'blue' });
    expect((await store.getSubscription('wh_empty'))?.headers).toEqual({});
    await store.close();
    // Not in free pages either: the freed space was zeroed.
    expect(bytesOnDisk(path)).not.toContain(SECRET_VALUE);

    const reopened = createSqliteStore({ path, secretBox: box });
    expect((await reopened.listSubscriptions()).map((s) => s.headers)).toEqual([
      {},
      { 'X-Api-Key': SECRET_VALUE, 'X-Team': 'blue' },
    ]);
    await reopened.close();
  });
});

// File modes are the embedded store's (PostgreSQL keeps no file of ours).
describe.skipIf(TEST_STORE !== 'sqlite')('file modes', () => {
  const modeOf = (path: string) => statSync(path).mode & 0o777;

  it('creates the database, its WAL and SHM with mode 0600 even under umask 0', async () => {
    const path = `${dir.path}/data/hookline.db`;
    const previous = process.umask(0);
    try {
      const store = createSqliteStore({ path, secretBox: box });
      await store.saveSubscription(subscription('wh_a', { 'X-Team': 'a' }));
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        expect(existsSync(file), file).toBe(true);
        expect(modeOf(file).toString(8), file).toBe('600');
      }
      await store.close();
    } finally {
      process.umask(previous);
    }
  });

  it('creates the key file with mode 0600 and reads it back', () => {
    const path = `${dir.path}/data/hookline.db`;
    const previous = process.umask(0);
    let key: string;
    try {
      key = resolveEncryptionKey('', path);
    } finally {
      process.umask(previous);
    }
    expect(modeOf(`${path}.key`).toString(8)).toBe('600');
    expect(resolveEncryptionKey('', path)).toBe(key);
  });

  it('warns, naming the file, when an existing key file is readable by others', () => {
    const lines: string[] = [];
    const log = pino(
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    );
    const path = `${dir.path}/hookline.db`;
    writeFileSync(`${path}.key`, 'existing-key\n');
    chmodSync(`${path}.key`, 0o644);
    expect(resolveEncryptionKey('', path, log)).toBe('existing-key');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, file: `${path}.key`, mode: '644' });
    expect(lines[0]).toContain(`${path}.key`);

    chmodSync(`${path}.key`, 0o600);
    resolveEncryptionKey('', path, log);
    expect(lines).toHaveLength(1);
  });
});
