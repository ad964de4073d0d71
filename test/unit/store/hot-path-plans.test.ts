/**
 * No hot-path statement grows with history: every statement the outbox and ingress run per request
 * or per claim round is served by an index for its exact shape. SQLite's own planner is asked
 * (EXPLAIN QUERY PLAN) on a real, migrated database file; a full scan or a temporary B-tree sort of
 * a table that grows with traffic fails the test. On PostgreSQL, whose planner weighs table
 * statistics, the outbox's claim statements are planned over some thousands of mostly finished
 * deliveries: each must read its partial index of open rows, never scan the table.
 */
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PG_OUTBOX_SQL } from '../../../engine/store/postgres/pg-outbox.js';
import { leaseSql, OUTBOX_SQL } from '../../../engine/store/sqlite-outbox.js';
import { STORE_SQL } from '../../../engine/store/sqlite-store.js';
import { createTempStore, sqliteDb, TEST_STORE, type TempStore } from '../../helpers/store.js';

const GROWING = ['deliveries', 'events', 'executions', 'attempts'];

/** What the planner says it will do, one line per step. */
function plan(db: Database.Database, sql: string): string[] {
  const explained = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const params = sql.includes('@') ? [namedNulls(sql)] : Array(explained.source.split('?').length - 1).fill(null);
  return (explained.all(...params) as { detail: string }[]).map((row) => row.detail);
}

function namedNulls(sql: string): Record<string, null> {
  return Object.fromEntries([...sql.matchAll(/@(\w+)/g)].map((m) => [m[1], null]));
}

/** A step that reads a growing table from end to end, or sorts it in a temporary B-tree. */
function problems(steps: string[]): string[] {
  return steps.filter(
    (step) => GROWING.some((table) => new RegExp(`^SCAN ${table}\\b`).test(step)) || step.includes('USE TEMP B-TREE'),
  );
}

// SQLite's planner and its EXPLAIN QUERY PLAN wording: the PostgreSQL statements are checked below.
describe.skipIf(TEST_STORE !== 'sqlite')('hot-path statements on SQLite', () => {
  let temp: TempStore;
  let db: Database.Database;

  beforeEach(async () => {
    temp = await createTempStore();
    db = sqliteDb(temp);
  });
  afterEach(async () => {
    await temp.close();
  });

  const statements: [string, string][] = [
    ...Object.entries(OUTBOX_SQL).filter(([name]) => name !== 'countOpen'),
    ['lease', leaseSql(3)],
    ...Object.entries(STORE_SQL),
  ];

  it.each(statements)('%s is served by an index', (_name, sql) => {
    const steps = plan(db, sql);
    expect(problems(steps), steps.join('\n')).toEqual([]);
  });

  /**
   * Statements that select one endpoint's rows must use a partial index of its open rows: an index
   * on all of its rows (deliveries_by_subscription_time) is a search, yet it walks the history.
   */
  const byEndpoint: [keyof typeof OUTBOX_SQL, RegExp][] = [
    ['head', /SEARCH deliveries USING INDEX deliveries_open_by_subscription \(subscription_id=\?\)/],
    ['due', /SEARCH deliveries USING INDEX deliveries_due \(subscription_id=\? AND next_attempt_at<\?\)/],
    ['hasOpen', /SEARCH deliveries USING (COVERING )?INDEX deliveries_open_by_subscription \(subscription_id=\?\)/],
    ['wake', /SEARCH deliveries USING INDEX deliveries_due \(subscription_id=\? AND next_attempt_at>\?\)/],
    ['expire', /SEARCH deliveries USING INDEX deliveries_expiry/],
    ['reclaim', /SEARCH deliveries USING COVERING INDEX deliveries_leased/],
    ['oldestOpen', /SEARCH deliveries USING INDEX deliveries_open_by_subscription \(subscription_id=\?\)/],
  ];
  it.each(byEndpoint)('%s reads only open rows, through their partial index', (name, expected) => {
    expect(plan(db, OUTBOX_SQL[name]).join('\n')).toMatch(expected);
  });

  it('counts the backlog from the open-deliveries index only, not from every delivery ever made', () => {
    // countOpen runs at start (and grows with the backlog, not with history).
    expect(plan(db, OUTBOX_SQL.countOpen).join('\n')).toMatch(/USING (COVERING )?INDEX deliveries_open/);
  });

  it('flags a statement that would walk every delivery', () => {
    const steps = plan(
      db,
      'SELECT * FROM deliveries WHERE subscription_id = ? AND status IN (?, ?, ?) ORDER BY seq DESC LIMIT 1',
    );
    expect(problems(steps).length + (steps.join('\n').includes('deliveries_open') ? 0 : 1)).toBeGreaterThan(0);
  });
});

/** One step of a PostgreSQL plan (EXPLAIN (FORMAT JSON)), with the steps under it. */
interface PgPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PgPlanNode[];
}

const flatten = (node: PgPlanNode): PgPlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

/** Every step PostgreSQL's planner would take for `sql`, bound to `params`. */
async function pgPlan(temp: TempStore, sql: string, params: unknown[] = []): Promise<PgPlanNode[]> {
  const [row] = await temp.sql(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  return flatten((row['QUERY PLAN'] as { Plan: PgPlanNode }[])[0].Plan);
}

const isDeliveriesScan = (node: PgPlanNode) =>
  node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'deliveries';

describe.skipIf(TEST_STORE !== 'postgres')('hot-path statements on PostgreSQL', () => {
  /** Rows of 40 endpoints; 1 in 100 pending, retrying or in flight, the rest history. */
  const SEED = `INSERT INTO deliveries (id, subscription_id, event_id, event_type, payload, status, attempt_count,
      next_attempt_at, lease_owner, lease_expires_at, created_at, updated_at, completed_at, expires_at)
    SELECT 'del_' || g, 'sub_' || (g % 40), 'evt_' || g, 'order.completed', '{}', s.status,
      CASE WHEN s.status = 'pending' THEN 0 ELSE 1 END, g, CASE WHEN s.status = 'in_flight' THEN 'w1' END,
      CASE WHEN s.status = 'in_flight' THEN g + 30000 END, g, g, CASE WHEN s.status = 'succeeded' THEN g END,
      g + 86400000
    FROM generate_series(1, 8000) AS g
    CROSS JOIN LATERAL (SELECT CASE g % 100 WHEN 0 THEN 'pending' WHEN 1 THEN 'retrying'
      WHEN 2 THEN 'in_flight' ELSE 'succeeded' END AS status) AS s`;

  /** Each claim statement, parameters as a claim round binds them, and the partial index it must read. */
  const statements: [keyof typeof PG_OUTBOX_SQL, unknown[], string][] = [
    [
      'heads',
      [
        ['sub_1', 'sub_2'],
        [10, 10],
        [true, true],
      ],
      'deliveries_open_by_subscription',
    ],
    ['dueLocked', [['sub_1'], [10], [true], 5000], 'deliveries_due'],
    ['claimUnordered', [['sub_1', 'sub_2'], [10, 10], [30000, 30000], 5000, 'w1'], 'deliveries_due'],
    ['hasOpen', [['sub_1', 'sub_2']], 'deliveries_open_by_subscription'],
    ['wake', [5000, 'sub_1'], 'deliveries_due'],
    ['reclaim', [5000, 100], 'deliveries_leased'],
    ['expire', [5000, 100], 'deliveries_expiry'],
    ['oldestOpen', [], 'deliveries_open_by_subscription'],
  ];

  it('plans every claim statement on its partial index of open rows, never a scan of deliveries', async () => {
    const temp = await createTempStore();
    try {
      await temp.sql(SEED);
      await temp.sql('ANALYZE deliveries');
      for (const [name, params, index] of statements) {
        const steps = await pgPlan(temp, PG_OUTBOX_SQL[name], params);
        const described = steps.map((n) => [n['Node Type'], n['Relation Name'], n['Index Name']].join(' ')).join('\n');
        expect(steps.filter(isDeliveriesScan), name).toEqual([]);
        expect(described, name).toMatch(new RegExp(`Index (Only )?Scan deliveries ${index}\\b`));
      }
      // The check has teeth: on these statistics, a read of the history is planned as a scan.
      const history = await pgPlan(temp, "SELECT count(*) FROM deliveries WHERE status = 'succeeded'");
      expect(history.some(isDeliveriesScan)).toBe(true);
    } finally {
      await temp.close();
    }
  });
});
