/**
 * Rate-limit counters in PostgreSQL, shared by every engine process on the database, with the
 * semantics of memory-counters.ts. Each count is one statement: an upsert that reads and writes its
 * row under the row's lock, so concurrent processes neither lose a failure nor both take the last
 * token, and a key's first use by two processes at once is one row (ON CONFLICT).
 *
 * The tables are UNLOGGED (a crash may reset a limit; nothing accepted is lost) and unindexed
 * beyond their keys. They stay small: each process deletes the rows that no longer count (a full
 * bucket, an ended window) at most once per `TUNING.counters.sweepEveryMs`, before a count.
 */
import type pg from 'pg';
import { TUNING } from '../../tuning.js';
import type { LimitCounters } from '../types.js';

/** A bucket refills from empty in one minute whatever its rate: an older row is a full bucket, as no row is. */
const BUCKET_REFILL_MS = 60_000;

/*
 * RETURNING shows only the row as written, yet the caller must learn whether a token was taken,
 * and a refusal must not drain the bucket. So a refusal stores its refilled count r as -1 - r
 * (r < 1, so at most -1), a take stores r - 1 (at least 0): the sign says which happened and the
 * count decodes exactly. `updated_at` never moves back, so a process whose clock lags adds no refill.
 * `$2 / 60000` is the refill per ms, computed as memory-counters does (same rounding, same answers).
 */
const STORED_COUNT = 'CASE WHEN b.tokens < 0 THEN -1 - b.tokens ELSE b.tokens END';
const TAKE_TOKEN = `
  INSERT INTO rate_buckets AS b (key, tokens, updated_at)
  VALUES ($1, CASE WHEN $2::float8 >= 1 THEN $2::float8 - 1 ELSE -1 - $2::float8 END, $3::bigint)
  ON CONFLICT (key) DO UPDATE SET
    tokens = (
      SELECT CASE WHEN r >= 1 THEN r - 1 ELSE -1 - r END
      FROM (
        SELECT LEAST($2::float8, ${STORED_COUNT} + GREATEST(0, $3::bigint - b.updated_at) * ($2::float8 / 60000)) AS r
      ) AS refilled
    ),
    updated_at = GREATEST(b.updated_at, $3::bigint)
  RETURNING tokens`;

/** A window that ended is replaced by a new one starting now; both columns are computed from the old row. */
const ADD_FAILURE = `
  INSERT INTO auth_failures AS f (key, failures, window_start)
  VALUES ($1, 1, $2::bigint)
  ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN $2::bigint - f.window_start >= $3::bigint THEN 1 ELSE f.failures + 1 END,
    window_start = CASE WHEN $2::bigint - f.window_start >= $3::bigint THEN $2::bigint ELSE f.window_start END`;

const FAILURE_WINDOW = `
  SELECT failures, window_start FROM auth_failures
  WHERE key = $1 AND $2::bigint - window_start < $3::bigint`;

/** The line of send times: the reservation starts at the later of the stored next time and now. */
const RESERVE_SLOTS = `
  INSERT INTO send_slots AS s (key, next_at) VALUES ($1, $2::float8 + $3::float8)
  ON CONFLICT (key) DO UPDATE SET next_at = GREATEST(s.next_at, $2::float8) + $3::float8
  RETURNING next_at - $3::float8 AS first_at`;

/** A line whose next time passed a minute ago is the same as none. */
const DELETE_PAST_SLOTS = 'DELETE FROM send_slots WHERE next_at < $1::float8';

const DELETE_FULL_BUCKETS = 'DELETE FROM rate_buckets WHERE updated_at < $1::bigint';
/** Every caller of one store uses one failure window (the failed-auth limiter's), so this call's is theirs. */
const DELETE_ENDED_WINDOWS = 'DELETE FROM auth_failures WHERE window_start <= $1::bigint';

export function createPgCounters(pool: pg.Pool): LimitCounters {
  const sweepBuckets = createSweep();
  const sweepWindows = createSweep();
  const sweepSlots = createSweep();
  return {
    async takeToken(key, perMinute, nowMs) {
      if (perMinute <= 0) return 0;
      await sweepBuckets(nowMs, () => pool.query(DELETE_FULL_BUCKETS, [nowMs - BUCKET_REFILL_MS]));
      const { rows } = await pool.query<{ tokens: number }>(TAKE_TOKEN, [key, perMinute, nowMs]);
      const stored = rows[0].tokens;
      if (stored >= 0) return 0;
      const tokens = -1 - stored;
      return Math.max(1, Math.ceil((1 - tokens) / (perMinute / 60_000) / 1000));
    },
    async reserveSlots(key, count, intervalMs, nowMs) {
      await sweepSlots(nowMs, () => pool.query(DELETE_PAST_SLOTS, [nowMs - BUCKET_REFILL_MS]));
      const { rows } = await pool.query<{ first_at: number }>(RESERVE_SLOTS, [key, nowMs, count * intervalMs]);
      return Number(rows[0].first_at);
    },
    async addFailure(key, windowMs, nowMs) {
      await sweepWindows(nowMs, () => pool.query(DELETE_ENDED_WINDOWS, [nowMs - windowMs]));
      await pool.query(ADD_FAILURE, [key, nowMs, windowMs]);
    },
    async failureWindow(key, windowMs, nowMs) {
      const { rows } = await pool.query<{ failures: number; window_start: number | string }>(FAILURE_WINDOW, [
        key,
        nowMs,
        windowMs,
      ]);
      // Number(): a pool made without pg-db.ts's type parsers returns bigint as text.
      return rows[0] ? { failures: rows[0].failures, startMs: Number(rows[0].window_start) } : null;
    },
  };
}

/**
 * Runs a sweep at most once per `TUNING.counters.sweepEveryMs` of the callers' clock, counted from
 * the first call. The first caller due claims it before awaiting, so concurrent calls sweep once.
 */
function createSweep(): (nowMs: number, sweep: () => Promise<unknown>) => Promise<void> {
  let sweptMs: number | undefined;
  return async (nowMs, sweep) => {
    sweptMs ??= nowMs;
    if (nowMs - sweptMs < TUNING.counters.sweepEveryMs) return;
    sweptMs = nowMs;
    await sweep();
  };
}
