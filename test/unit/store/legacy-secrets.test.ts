/**
 * Standard Webhooks secrets stored before version 11 (embedded store) / 6 (PostgreSQL): the engine
 * then keyed an unprefixed secret by its UTF-8 bytes, where the spec reads base64. Such rows are
 * flagged by the migration and keep signing exactly as before, until their next rotation.
 */
import Database from 'better-sqlite3';
import { createHmac } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildRequest } from '../../../engine/delivery/request-builder.js';
import { blankSubscription } from '../../../engine/delivery/subscriptions.js';
import { signHeaders } from '../../../engine/message/index.js';
import type { DeliveryRecord, Subscription } from '../../../engine/store/records.js';
import { createSecretBox } from '../../../engine/store/secret-box.js';
import { SQLITE_MIGRATIONS } from '../../../engine/store/sqlite-migrations.js';
import { createSqliteStore } from '../../../engine/store/sqlite-store.js';
import { makeTempDir, type TempDir } from '../../helpers/temp.js';
import { createTestSchema } from '../../helpers/postgres.js';
import { openTestStore, TEST_STORE } from '../../helpers/store.js';
import type { PostgresStore } from '../../../engine/store/postgres/pg-store.js';

const box = createSecretBox('test-key');
const PLAIN = 'plain-text-secret-from-2025';
const NOW_MS = 1_700_000_000_000;

let dir: TempDir;
beforeEach(() => {
  dir = makeTempDir('hookline-legacy-');
});
afterEach(() => {
  dir.remove();
});

/** A database as a Hookline before version 11 left it: a Standard Webhooks and a hex webhook. */
function writeVersion10Database(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version <= 10)) {
    db.exec(migration.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, 'then');
  }
  const insert = db.prepare(`INSERT INTO subscriptions (id, name, url, events, secret_enc, signature_scheme,
    timeout_ms, created_at, updated_at) VALUES (?, 'Old', 'https://example.com/old', '["*"]', ?, ?, 1000, 1, 1)`);
  insert.run('wh_standard', box.seal(PLAIN), 'standard-webhooks');
  insert.run('wh_hex', box.seal(PLAIN), 'hex');
  db.close();
}

const delivery = (subscriptionId: string): DeliveryRecord =>
  ({
    id: 'del_1',
    subscriptionId,
    eventId: 'evt_1',
    eventType: 'a.b',
    payload: '{"a":1}',
    attemptCount: 0,
  }) as DeliveryRecord;

/** The signature headers the engine sends for `subscription`. */
function sent(subscription: Subscription): Record<string, string> {
  const request = buildRequest(subscription, [delivery(subscription.id)], NOW_MS);
  return signHeaders({}, request, request.signing, NOW_MS / 1000);
}

describe.skipIf(TEST_STORE !== 'sqlite')('Standard Webhooks secrets from before the spec reading (SQLite)', () => {
  it('the migration flags existing standard-webhooks rows only, and they sign with the UTF-8 key as before', async () => {
    const path = `${dir.path}/hookline.db`;
    writeVersion10Database(path);
    const store = createSqliteStore({ path, secretBox: box });
    // Version 11 and whatever came after the old database (those numbered below it went in with it).
    expect(await store.migrate()).toEqual(SQLITE_MIGRATIONS.filter((m) => m.version > 10).map((m) => m.version));
    const standard = (await store.getSubscription('wh_standard'))!;
    const hex = (await store.getSubscription('wh_hex'))!;
    await store.close();
    expect([standard.legacySecretUtf8, hex.legacySecretUtf8]).toEqual([true, false]);
    expect([standard.profile, standard.timestampHeader, standard.timestampUnit]).toEqual([null, null, 's']);

    const headers = sent(standard);
    const mac = createHmac('sha256', Buffer.from(PLAIN, 'utf8')).update(`evt_1.${NOW_MS / 1000}.{"a":1}`);
    expect(headers['webhook-signature']).toBe(`v1,${mac.digest('base64')}`);
    expect(sent(hex)['x-webhook-signature']).toBe(createHmac('sha256', PLAIN).update('{"a":1}').digest('hex'));
  });

  it('the spec form of a legacy secret is what svix-family libraries verify', () => {
    const legacy: Subscription = {
      ...blankSubscription(NOW_MS, { deliveryTimeoutMs: 1000 }),
      id: 'wh_legacy',
      secret: PLAIN,
      legacySecretUtf8: true,
    };
    const nowMs = Math.floor(Date.now() / 1000) * 1000;
    const request = buildRequest(legacy, [delivery('wh_legacy')], nowMs);
    const headers = signHeaders({}, request, request.signing, nowMs / 1000);
    const specForm = `whsec_${Buffer.from(PLAIN).toString('base64')}`;
    expect(new StandardWebhook(specForm).verify('{"a":1}', headers)).toEqual({ a: 1 });
  });
});

describe.skipIf(TEST_STORE !== 'postgres')(
  'Standard Webhooks secrets from before the spec reading (PostgreSQL)',
  () => {
    it('migration 6 flags the standard-webhooks rows that exist, and the store reads the new columns', async () => {
      const schema = await createTestSchema('legacy');
      const store = openTestStore({ kind: 'postgres', schema }) as PostgresStore;
      try {
        await store.migrate();
        // Back to the shape before version 6, with two rows written then.
        await store.pool.query(`ALTER TABLE subscriptions DROP COLUMN profile, DROP COLUMN timestamp_header,
        DROP COLUMN timestamp_unit, DROP COLUMN legacy_secret_utf8; DELETE FROM schema_migrations WHERE version = 6`);
        for (const [id, scheme] of [
          ['wh_standard', 'standard-webhooks'],
          ['wh_hex', 'hex'],
        ])
          await store.pool.query(
            `INSERT INTO subscriptions (id, name, url, events, secret_enc, signature_scheme, timeout_ms, created_at,
            updated_at) VALUES ($1, 'Old', 'https://example.com/old', '["*"]', $2, $3, 1000, 1, 1)`,
            [id, box.seal(PLAIN), scheme],
          );
        expect(await store.migrate()).toEqual([6]);
        const standard = (await store.getSubscription('wh_standard'))!;
        expect([standard.legacySecretUtf8, (await store.getSubscription('wh_hex'))!.legacySecretUtf8]).toEqual([
          true,
          false,
        ]);
        const mac = createHmac('sha256', Buffer.from(PLAIN, 'utf8')).update(`evt_1.${NOW_MS / 1000}.{"a":1}`);
        expect(sent(standard)['webhook-signature']).toBe(`v1,${mac.digest('base64')}`);
        await store.saveSubscription({ ...standard, profile: 'admin', timestampUnit: 'ms', legacySecretUtf8: false });
        expect(await store.getSubscription('wh_standard')).toMatchObject({
          profile: 'admin',
          timestampUnit: 'ms',
          legacySecretUtf8: false,
        });
      } finally {
        await store.close();
        await schema.drop();
      }
    });
  },
);
