/**
 * Internal tuning numbers: sizes and rates that shape how the engine uses its threads, its store
 * and its memory. They are not user settings (those live in config.ts, with their environment
 * variables); each was picked on the 2-core machine the benchmarks run on, and the comment says why.
 */
export const TUNING = {
  outbox: {
    /** An ordered endpoint sends at most this many from its head per task, one after another. */
    orderedRun: 32,
    /** Unordered requests per pool task: enough to amortise the hand-off, small enough to spread. */
    parallelChunk: 64,
    /** Pool tasks in flight per pool thread: sending is mostly waiting on sockets. */
    tasksInFlightPerThread: 4,
    /**
     * How far ahead a rate-limited endpoint's send times are reserved (send-pacing.ts): claims come
     * in runs of about this long, and a claimed row waits at most about this long for its time.
     */
    rateHorizonMs: 1_000,
    /** Rows one claim round may take across all endpoints: one round is a bounded amount of work. */
    claimRoundRows: 1_024,
    /** Events one fan-out step reads and plans at most (each makes a delivery per matching endpoint). */
    fanOutEvents: 128,
    /** Deliveries one fan-out step writes before it ends at the next whole event. */
    fanOutDeliveries: 2_048,
    /** Attempt results settled per transaction: large enough to amortise it, small enough to yield soon. */
    settleBatch: 2_048,
    /** Lease reclaim and expiry run at most this often. */
    maintenanceEveryMs: 1_000,
    /** Rows one reclaim or expiry pass touches before it yields. */
    maintenanceRows: 1_000,
    /**
     * The subscriptions version is compared this often, the backstop for a lost reload signal
     * (one indexed single-row read; the issue asks for other processes' changes within a second).
     */
    rulesCheckEveryMs: 500,
  },
  pacing: {
    /** A request within this long means the engine is busy answering: delivery keeps to its share. */
    busyForMs: 200,
    /** Main-thread time delivery may spend in one go before it must wait for its share to refill. */
    burstMs: 10,
    /** While busy, claim, settle and fan-out steps shrink to this fraction: shorter steps, less lag. */
    busyStepScale: 0.25,
    /**
     * While busy, delivery may use what requests leave of the main thread less this much (never less
     * than `deliveryBusyShare`): a trickle of requests barely slows a drain, a flood keeps the floor.
     * Half, because the requests' measured load reads low when delivery starves them of CPU: at 0.25
     * the overload figure swung between 0.37x and 0.71x. A drain of 30,000 under 20 requests/s:
     * 1,800–2,000/s (at the floor alone, with the pool's time charged: 575–674/s).
     */
    requestHeadroom: 0.5,
  },
  pool: {
    /** Send tasks one pool thread works on at once (it overlaps several slow receivers). */
    concurrentTasksPerThread: 8,
    /**
     * Old and young generation caps of a pool thread: V8 collects early instead of growing (backlog
     * RSS). A 16 MB young generation put the quick backlog's peak at 305 MB; 8 MB at 289–292 MB,
     * with the delivery figures unchanged within their noise (4 MB: 265 MB, but about 8 % slower).
     */
    maxOldGenerationSizeMb: 48,
    maxYoungGenerationSizeMb: 8,
    /**
     * Pool threads run at this nice value (Linux, per thread), so the thread that answers requests
     * wins the CPU when both want it. 0 leaves them alone.
     */
    threadNice: 10,
  },
  store: {
    /** How long a SQLite write waits for another connection's lock before failing. */
    busyTimeoutMs: 5_000,
    /**
     * How often the checkpoint thread copies committed WAL pages into the database file
     * (wal-checkpointer.ts), checkpointing again at once while commits keep adding frames. At the
     * ingress figure's write rate (about 10,000 requests/s) the WAL grows by about 10 MB in that
     * time; a checkpoint with nothing to copy costs microseconds.
     */
    checkpointEveryMs: 100,
    /**
     * Checkpoints the thread runs in a row before it waits for its timer again. The WAL starts over
     * (the next commit writes at its beginning) only if, when that commit began, a checkpoint had
     * copied all of it. Under a steady load one checkpoint every `checkpointEveryMs` never has: it
     * copies the frames there were when it began, and commits add more meanwhile. The WAL grew past
     * 1 GB in 11 s of the ingress figure's load, and every commit slowed as it grew (a write of 25
     * executions: 24 µs per row at 100,000 rows, 48 µs at 300,000 rows with a 3 GB WAL, 29 µs with a
     * short one). So the thread checkpoints again while the one before found new frames: each copies
     * what the one before left, until one finds nothing new or nothing moves (a reader holds the rest).
     */
    checkpointRounds: 32,
    /**
     * The `-wal` file is cut back to this size when the WAL starts over (SQLite's
     * `journal_size_limit`): a burst's WAL does not keep its disk space for good. SQLite reuses
     * the file from its beginning, so this bounds what is left, not what a burst may use. A WAL the
     * passive checkpoints leave past this size gets a RESTART checkpoint (wal-checkpoint-worker.ts).
     */
    walSizeLimitBytes: 64 * 1024 * 1024,
  },
  counters: {
    /**
     * Each process deletes the PostgreSQL rate-limit rows that no longer count (full buckets, ended
     * failure windows) at most this often: the tables hold about a minute and a window of keys.
     */
    sweepEveryMs: 60_000,
  },
  rules: {
    /** A subscription whose rule runs over its work budget is reported (event, log) at most this often. */
    budgetReportEveryMs: 60_000,
    /**
     * How long one If/Filter/Switch regex test that the linear-time engine cannot take (look-around,
     * back-references, flags) may run on its worker before the item fails: n8n would hang on `^(a+)+$`.
     */
    regexpTimeoutMs: 1_000,
    /**
     * The time one node run's regex tests may lose to those limits, in all (continue-on-fail tests
     * every item): the main thread waits about this long at most, not the limit times the items.
     */
    regexpBudgetMs: 2_000,
  },
  history: {
    /**
     * Rows one cleanup batch deletes at most, in one transaction (plus those deliveries' attempts):
     * on SQLite the batch holds the main thread, so it stays in the low milliseconds (the store test
     * logs its time); the cleaner yields between batches.
     */
    batchRows: 100,
    /** Free SQLite pages (4 KB each) given back to the file system per step after a cleanup pass. */
    vacuumPages: 256,
  },
  metrics: {
    /**
     * Buckets of the delivery attempt histogram, in seconds: a local receiver answers in a few
     * milliseconds, a distant one in tens or hundreds, and the default receiver timeout is 10 s.
     */
    attemptBucketsSec: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  },
  apiKeys: {
    /**
     * A key's `last_used_at` is written at most this often per process: a listing needs the minute,
     * not a write per request on the API's hot path.
     */
    lastUsedEveryMs: 60_000,
  },
  recovery: {
    /** Executions a restart resumes at most (queued or running when the process died). */
    unfinishedExecutions: 10_000,
  },
  stream: {
    /**
     * A comment line on every open `/api/v1/stream` this often: it keeps the connection from being
     * closed as idle (the server's connection timeout, proxies) and finds dead clients.
     */
    heartbeatMs: 15_000,
    /** A stream token opens one stream within this long of being issued, once. */
    tokenTtlMs: 60_000,
    /** Unused stream tokens held at most; the oldest go first (each is 32 random bytes). */
    maxTokens: 1_000,
  },
  /** While shedding is on, the backlog is recounted from the store this often (counters miss deletes). */
  backlogRecountEveryMs: 5_000,
  /** Seconds a shed trigger request is told to wait (`Retry-After`) while the backlog is over the mark. */
  backlogRetryAfterSec: 5,
} as const;
