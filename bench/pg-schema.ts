/**
 * A fresh PostgreSQL schema per benchmark run, dropped after it (the bench's twin of the tests'
 * helper, which bench code may not import). The server is `HOOKLINE_BENCH_DATABASE_URL`, else the
 * tests' `HOOKLINE_TEST_DATABASE_URL`, else the local one (trust auth).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const BENCH_DATABASE_URL =
  process.env.HOOKLINE_BENCH_DATABASE_URL ??
  process.env.HOOKLINE_TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

export interface BenchSchema {
  schema: string;
  /**
   * The URL engines are given: the schema through `options=-c search_path=…`, and the schema's name
   * as `application_name`, so its connections can be told apart in `pg_stat_activity`.
   */
  url: string;
  drop(): Promise<void>;
}

/** Runs `work` on a short-lived connection to the bench server. */
export async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 5_000 });
  await client.connect().catch((error: Error) => {
    throw new Error(`PostgreSQL at ${BENCH_DATABASE_URL} (HOOKLINE_BENCH_DATABASE_URL) unreachable: ${error.message}`);
  });
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createBenchSchema(): Promise<BenchSchema> {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE SCHEMA ${schema}`));
  const separator = BENCH_DATABASE_URL.includes('?') ? '&' : '?';
  const options = encodeURIComponent(`-c search_path=${schema}`);
  return {
    schema,
    url: `${BENCH_DATABASE_URL}${separator}options=${options}&application_name=${schema}`,
    drop: async () => void (await withAdmin((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`))),
  };
}
