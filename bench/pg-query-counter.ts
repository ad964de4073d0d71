/**
 * Counts the PostgreSQL round trips an engine process makes, for the scale-out figure's cost model.
 * The server's own counters cannot give this: `pg_stat_statements` is rarely loaded, and
 * `pg_stat_database` counts every session of the database (other runs, other tests) together.
 *
 * It wraps `pg.Client.prototype.query`, which every pooled and listening connection goes through.
 * Bench processes only: the engine itself is never patched.
 */
import pg from 'pg';

export interface QueryCounts {
  /** Statements sent, `BEGIN` and `COMMIT` included: each is one round trip. */
  roundTrips: number;
  /** `BEGIN … COMMIT` blocks, plus statements sent outside one (each its own transaction). */
  transactions: number;
  /** Round trips by the statement's first words, for telling claims from settlements. */
  byStatement: Record<string, number>;
}

const STATEMENT_KEY_CHARS = 48;

let counts: QueryCounts = { roundTrips: 0, transactions: 0, byStatement: {} };

function statementKey(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, STATEMENT_KEY_CHARS);
}

function record(client: object, inBlock: WeakSet<object>, text: string): void {
  counts.roundTrips++;
  const key = statementKey(text);
  counts.byStatement[key] = (counts.byStatement[key] ?? 0) + 1;
  if (key === 'BEGIN') {
    inBlock.add(client);
    counts.transactions++;
  } else if (key === 'COMMIT' || key === 'ROLLBACK') inBlock.delete(client);
  else if (!inBlock.has(client)) counts.transactions++;
}

/** Starts counting in this process (once); `takeQueryCounts` reads and resets. */
export function countPgQueries(): void {
  const proto = pg.Client.prototype as unknown as { query(...args: unknown[]): unknown; counted?: boolean };
  if (proto.counted) return;
  const original = proto.query;
  const inBlock = new WeakSet<object>();
  proto.query = function (this: object, ...args: unknown[]) {
    const [config] = args;
    const text = typeof config === 'string' ? config : (config as { text?: string } | undefined)?.text;
    if (text !== undefined) record(this, inBlock, text);
    return original.apply(this, args);
  };
  proto.counted = true;
}

export function takeQueryCounts(): QueryCounts {
  const taken = counts;
  counts = { roundTrips: 0, transactions: 0, byStatement: {} };
  return taken;
}

/** Several processes' counts as one. */
export function sumQueryCounts(list: readonly QueryCounts[]): QueryCounts {
  const sum: QueryCounts = { roundTrips: 0, transactions: 0, byStatement: {} };
  for (const counts of list) {
    sum.roundTrips += counts.roundTrips;
    sum.transactions += counts.transactions;
    for (const [key, n] of Object.entries(counts.byStatement)) sum.byStatement[key] = (sum.byStatement[key] ?? 0) + n;
  }
  return sum;
}
