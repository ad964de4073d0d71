/**
 * No hot-path statement grows with history: every statement the outbox and ingress run per request
 * or per claim round is served by an index for its exact shape. SQLite's own planner is asked
 * (EXPLAIN QUERY PLAN) on a real, migrated database file; a full scan or a temporary B-tree sort of
 * a table that grows with traffic fails the test.
 */
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
