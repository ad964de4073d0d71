/**
 * The PostgreSQL connection pool and its one transaction helper. 64-bit integers (`bigint`,
 * `count(*)`) come back as JS numbers: every one the store keeps (milliseconds, sequence numbers,
 * counts) stays far below 2^53.
 */
import pg from 'pg';

export type Queryable = Pick<pg.PoolClient, 'query'>;

const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

export interface PgPoolOptions {
  connectionString: string;
  /** Connections this process opens at most. */
  poolSize: number;
  /** Schema the store's tables live in (tests use one each). @defaultValue the server's search_path */
  schema?: string;
}

export function createPgPool(options: PgPoolOptions): pg.Pool {
  return new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize,
    types,
    ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
  });
}

/** A new client outside the pool, with the pool's settings (the LISTEN connection). */
export function createPgClient(options: Omit<PgPoolOptions, 'poolSize'>): pg.Client {
  return new pg.Client({
    connectionString: options.connectionString,
    types,
    ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
  });
}

/** Runs `work` in one transaction on one pooled connection: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Keys of the advisory locks the store takes. Advisory locks and NOTIFY channels belong to the
 * whole database, not to a schema: the first key of the two-key form is the store's schema, so
 * two stores in one database (two deployments, or the tests' schemas) never share a lock.
 */
export const LOCKS = {
  /** SQL for the namespace key, evaluated by the server. */
  namespace: "hashtext('hookline.' || COALESCE(current_schema(), ''))",
  migrations: 1,
  events: 2,
  fanOut: 3,
  credentials: 4,
} as const;

/** SQL written with `?` placeholders (as for SQLite) numbered for PostgreSQL: `$1`, `$2`, … after `offset`. */
export function numbered(sql: string, offset = 0): string {
  let n = offset;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Sends a NOTIFY with the transaction that runs it (delivered at commit, dropped on rollback). */
export async function notify(client: Queryable, channel: string, payload = ''): Promise<void> {
  await client.query(`SELECT pg_notify($1 || '.' || COALESCE(current_schema(), ''), $2)`, [channel, payload]);
}

/** The channels processes wake each other on; each is suffixed with `.<schema>` (see LOCKS). */
export const CHANNELS = {
  events: 'hookline_events',
  deliveries: 'hookline_deliveries',
  subscriptions: 'hookline_subscriptions',
} as const;

/** NOTIFY payloads are at most 8000 bytes: past this many ids, the signal says "any endpoint" ('*'). */
export const MAX_NOTIFY_IDS = 200;

export function deliveriesPayload(subscriptionIds: Iterable<string>): string {
  const ids = [...new Set(subscriptionIds)];
  return ids.length > MAX_NOTIFY_IDS ? '*' : ids.join(',');
}
