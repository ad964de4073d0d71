/**
 * A fresh PostgreSQL schema per test (graphile-worker / pg-boss style): made before, dropped
 * after. The server is `HOOKLINE_TEST_DATABASE_URL` (default: the local one CI starts, trust auth).
 *
 * Never skipped silently: with `HOOKLINE_REQUIRE_POSTGRES=1` (set by `.ci/run`) an unreachable
 * server fails the run; without it, tests that need PostgreSQL are skipped with a printed reason.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.HOOKLINE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  /** Connection string of the server (the schema is chosen with `schema`, not in the URL). */
  url: string;
  schema: string;
  /** A URL that selects the schema through `options=-c search_path=…` (for child processes and `--database-url`). */
  urlWithSchema: string;
  drop(): Promise<void>;
}

export async function createTestSchema(prefix = 't'): Promise<TestSchema> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const separator = TEST_DATABASE_URL.includes('?') ? '&' : '?';
  return {
    url: TEST_DATABASE_URL,
    schema,
    urlWithSchema: `${TEST_DATABASE_URL}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    async drop() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

let reachable: Promise<boolean> | undefined;

/** Whether the test server answers; throws instead when `HOOKLINE_REQUIRE_POSTGRES=1` and it does not. */
export function postgresAvailable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch (error) {
      if (process.env.HOOKLINE_REQUIRE_POSTGRES === '1')
        throw new Error(`PostgreSQL is required (HOOKLINE_REQUIRE_POSTGRES=1) but ${TEST_DATABASE_URL} failed`, {
          cause: error,
        });
      console.warn(`[hookline tests] PostgreSQL at ${TEST_DATABASE_URL} unreachable: PostgreSQL tests skipped`);
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}
