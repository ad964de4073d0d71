/**
 * Versioned schema of the embedded store. Append new versions; never edit an applied one.
 * Times the scheduler compares (deliveries, attempts) are integer milliseconds; times people read
 * (workflows, executions, events) are ISO-8601 text.
 */

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'workflows, credentials, executions, events',
    sql: `
      CREATE TABLE workflows (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        definition TEXT NOT NULL,
        hash TEXT NOT NULL,
        source_path TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE credentials (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        data_enc TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (type, name)
      );
      CREATE TABLE executions (
        id TEXT PRIMARY KEY,
        workflow_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('workflow', 'agent', 'manual')),
        trigger_node TEXT,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'stopped')),
        input TEXT,
        output TEXT,
        error TEXT,
        idempotency_key TEXT,
        metadata TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX executions_by_workflow ON executions (workflow_id, created_at);
      CREATE INDEX executions_unfinished ON executions (status, created_at) WHERE status IN ('queued', 'running');
      CREATE INDEX executions_by_idempotency ON executions (workflow_id, trigger_node, idempotency_key, created_at)
        WHERE idempotency_key IS NOT NULL;
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        timestamp TEXT NOT NULL,
        data TEXT NOT NULL,
        metadata TEXT
      );
      CREATE INDEX events_by_type ON events (type, seq);
      CREATE INDEX events_by_time ON events (timestamp);
    `,
  },
  {
    version: 2,
    name: 'subscriptions, deliveries, attempts, api keys',
    sql: `
      CREATE TABLE subscriptions (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL DEFAULT 'api' CHECK (kind IN ('api', 'node')),
        workspace TEXT NOT NULL DEFAULT 'default',
        name TEXT NOT NULL,
        description TEXT,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        headers TEXT,
        enabled INTEGER NOT NULL DEFAULT 1,
        disabled_reason TEXT,
        secret_enc TEXT NOT NULL,
        previous_secret_enc TEXT,
        previous_secret_expires_at INTEGER,
        authentication_enc TEXT,
        signature_scheme TEXT NOT NULL DEFAULT 'standard-webhooks',
        signature_header TEXT,
        payload_format TEXT NOT NULL DEFAULT 'envelope',
        ordered INTEGER NOT NULL DEFAULT 1,
        timeout_ms INTEGER NOT NULL,
        retry_policy TEXT,
        batch_settings TEXT,
        conditions TEXT,
        filters TEXT,
        include_fields TEXT,
        metadata TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        failing_since INTEGER,
        circuit_open_until INTEGER,
        last_delivery_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX subscriptions_by_workspace ON subscriptions (workspace, enabled);
      -- State machine: pending -> in_flight -> succeeded | retrying -> ... -> failed | expired.
      -- seq orders an endpoint's deliveries (FIFO claims take the lowest open seq per subscription).
      CREATE TABLE deliveries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        subscription_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'in_flight', 'succeeded', 'retrying', 'failed', 'expired')),
        attempt_count INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        lease_owner TEXT,
        lease_expires_at INTEGER,
        last_status_code INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        completed_at INTEGER,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX deliveries_open_by_subscription ON deliveries (subscription_id, seq)
        WHERE status IN ('pending', 'in_flight', 'retrying');
      CREATE INDEX deliveries_due ON deliveries (subscription_id, next_attempt_at) WHERE status IN ('pending', 'retrying');
      CREATE INDEX deliveries_leased ON deliveries (lease_expires_at) WHERE status = 'in_flight';
      CREATE INDEX deliveries_by_subscription_time ON deliveries (subscription_id, created_at);
      CREATE INDEX deliveries_by_event ON deliveries (event_id);
      CREATE TABLE attempts (
        id TEXT PRIMARY KEY,
        delivery_id TEXT NOT NULL,
        attempt_no INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        status_code INTEGER,
        response_time_ms INTEGER,
        response_excerpt TEXT,
        error_code TEXT,
        error TEXT
      );
      CREATE INDEX attempts_by_delivery ON attempts (delivery_id, attempt_no);
      CREATE INDEX attempts_by_time ON attempts (started_at);
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT
      );
    `,
  },
  {
    version: 3,
    name: 'index for the retention expiry scan',
    // Without it, expiring a large backlog scanned every open row each second (1.3 s at 500k).
    sql: `CREATE INDEX deliveries_expiry ON deliveries (expires_at) WHERE status IN ('pending', 'retrying');`,
  },
  {
    version: 4,
    name: 'fan-out cursor: deliveries are planned from the events table after the commit',
    // Ingress writes events only; the delivery loop plans their deliveries later, in paced batches,
    // and moves this cursor in the same transaction. Events written before this migration were
    // planned at write time, so the cursor starts after them.
    sql: `CREATE TABLE fanout_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), event_seq INTEGER NOT NULL);
      INSERT INTO fanout_cursor (id, event_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM events;
      -- (subscription_id, seq) serves every per-webhook read; this one only cost each insert.
      DROP INDEX deliveries_by_subscription_time;`,
  },
  {
    version: 5,
    name: 'custom header values sealed like the other secrets',
    // SQL cannot encrypt: opening the store moves any plaintext `headers` into this column, sealed
    // with the secret box, and clears the old one (sqlite-subscriptions.ts, sealPlaintextHeaders).
    sql: `ALTER TABLE subscriptions ADD COLUMN headers_enc TEXT;`,
  },
  {
    version: 6,
    name: 'execution owners and the subscriptions version (the same shape as the PostgreSQL store)',
    sql: `ALTER TABLE executions ADD COLUMN owner TEXT;
      CREATE TABLE subscriptions_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
      INSERT INTO subscriptions_version (id, version) VALUES (1, 0);`,
  },
  {
    version: 7,
    name: 'history retention and erasure',
    // The cleaner reads closed deliveries and finished executions oldest first, a batch at a time:
    // each partial index holds only those rows (open ones never enter it), so a batch reads what it
    // deletes. A failed delivery of a deleted subscription has no completed_at: its last update stands in.
    sql: `ALTER TABLE deliveries ADD COLUMN erased INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE events ADD COLUMN erased_at TEXT;
      CREATE INDEX deliveries_finished ON deliveries (COALESCE(completed_at, updated_at))
        WHERE status IN ('succeeded', 'failed', 'expired');
      CREATE INDEX executions_finished ON executions (COALESCE(finished_at, created_at))
        WHERE status IN ('succeeded', 'failed', 'stopped');`,
  },
  {
    version: 8,
    name: 'API keys scoped to one organization',
    // NULL: the key sees every organization (an admin key), as every key did before.
    sql: `ALTER TABLE api_keys ADD COLUMN organization TEXT;`,
  },
  {
    // Numbered with room before it when it was written; versions 8–9 are still free.
    version: 10,
    name: 'index for a webhook’s delivery history and log pages',
    // The history and log pages of one webhook read its newest deliveries by seq; without it every
    // page sorted all of the webhook's deliveries. Written once per delivery (both columns never change).
    sql: `CREATE INDEX deliveries_by_subscription_seq ON deliveries (subscription_id, seq);`,
  },
  {
    // Numbered as assigned (8 is another change's); applied by version, so after 10 is fine.
    version: 9,
    name: 'delivery search, attempt headers, per-endpoint rate limit',
    // Search reads newest first (seq DESC) and each filter has an index in that order, so a page
    // reads about a page of index entries however large the table. The undelivered ones are partial
    // (only rows not succeeded: few in a healthy system); their condition is spelled as the search
    // spells it (store/delivery-search.ts), since a partial index serves only its own IN list. Its
    // always-true `length(status) > 0` is implied by no claim statement, so PostgreSQL's planner
    // (which may read any partial index a statement's condition implies) never reads them for a claim.
    sql: `ALTER TABLE subscriptions ADD COLUMN rate_limit INTEGER;
      ALTER TABLE attempts ADD COLUMN request_headers TEXT;
      ALTER TABLE attempts ADD COLUMN response_headers TEXT;
      CREATE INDEX deliveries_undelivered ON deliveries (seq)
        WHERE status IN ('pending', 'in_flight', 'retrying', 'failed', 'expired') AND length(status) > 0;
      CREATE INDEX deliveries_undelivered_by_subscription ON deliveries (subscription_id, seq)
        WHERE status IN ('pending', 'in_flight', 'retrying', 'failed', 'expired') AND length(status) > 0;
      CREATE INDEX deliveries_by_type ON deliveries (event_type, seq);
      CREATE INDEX deliveries_by_subscription_type ON deliveries (subscription_id, event_type, seq);`,
  },
  {
    version: 11,
    name: 'wire profiles, timestamp header and unit, legacy Standard Webhooks secrets',
    // Before this version an unprefixed Standard Webhooks secret was keyed by its UTF-8 bytes; the
    // spec reads it as base64. Rows that exist now keep the old reading (legacy_secret_utf8) until
    // their next rotation, so their receivers go on verifying (PostgreSQL: its version 6).
    sql: `ALTER TABLE subscriptions ADD COLUMN profile TEXT;
      ALTER TABLE subscriptions ADD COLUMN timestamp_header TEXT;
      ALTER TABLE subscriptions ADD COLUMN timestamp_unit TEXT NOT NULL DEFAULT 's';
      ALTER TABLE subscriptions ADD COLUMN legacy_secret_utf8 INTEGER NOT NULL DEFAULT 0;
      UPDATE subscriptions SET legacy_secret_utf8 = 1 WHERE signature_scheme = 'standard-webhooks';`,
  },
  {
    version: 13,
    name: 'published events keyed by Idempotency-Key; registered event type schemas',
    // POST /api/v1/events looks a key up by (key, timestamp) inside its window, like the triggers'
    // executions_by_idempotency; request_hash tells a repeat from another request under the same key.
    // event_types_version moves with every registration, as subscriptions_version does.
    sql: `ALTER TABLE events ADD COLUMN idempotency_key TEXT;
      ALTER TABLE events ADD COLUMN request_hash TEXT;
      CREATE INDEX events_by_idempotency ON events (idempotency_key, timestamp) WHERE idempotency_key IS NOT NULL;
      CREATE TABLE event_types (
        type TEXT PRIMARY KEY,
        description TEXT,
        schema TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE event_types_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
      INSERT INTO event_types_version (id, version) VALUES (1, 0);`,
  },
  {
    version: 12,
    name: 'stop requests and conversation counters',
    // A stop is asked through the store so the process that runs the execution sees it (on
    // PostgreSQL another process may own it); a conversation's message count and credits outlive
    // restarts and add up across processes.
    sql: `ALTER TABLE executions ADD COLUMN stop_requested_at TEXT;
      CREATE INDEX executions_stop_requested ON executions (owner) WHERE stop_requested_at IS NOT NULL
        AND status IN ('queued', 'running');
      CREATE TABLE conversations (
        agent_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        message_count INTEGER NOT NULL,
        credits_used REAL NOT NULL,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (agent_id, conversation_id)
      );`,
  },
  {
    version: 14,
    name: 'parked executions (the Wait node): status waiting and execution_waits',
    // SQLite cannot change a CHECK constraint in place: the executions table is rebuilt with the
    // new status, its rows copied, its indexes made again (the stop-request index now covers waiting
    // executions, which a stop cancels). A parked execution's state lives beside it, one row each,
    // until it resumes and finishes; `owner` is the process that claimed it for resuming
    // (PostgreSQL: its version 9).
    sql: `CREATE TABLE executions_v14 (
        id TEXT PRIMARY KEY,
        workflow_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('workflow', 'agent', 'manual')),
        trigger_node TEXT,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'waiting', 'succeeded', 'failed', 'stopped')),
        input TEXT,
        output TEXT,
        error TEXT,
        idempotency_key TEXT,
        metadata TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        owner TEXT,
        stop_requested_at TEXT
      );
      INSERT INTO executions_v14 (id, workflow_id, kind, trigger_node, status, input, output, error, idempotency_key,
        metadata, created_at, started_at, finished_at, owner, stop_requested_at)
        SELECT id, workflow_id, kind, trigger_node, status, input, output, error, idempotency_key, metadata, created_at,
          started_at, finished_at, owner, stop_requested_at FROM executions;
      DROP TABLE executions;
      ALTER TABLE executions_v14 RENAME TO executions;
      CREATE INDEX executions_by_workflow ON executions (workflow_id, created_at);
      CREATE INDEX executions_unfinished ON executions (status, created_at) WHERE status IN ('queued', 'running');
      CREATE INDEX executions_by_idempotency ON executions (workflow_id, trigger_node, idempotency_key, created_at)
        WHERE idempotency_key IS NOT NULL;
      CREATE INDEX executions_finished ON executions (COALESCE(finished_at, created_at))
        WHERE status IN ('succeeded', 'failed', 'stopped');
      CREATE INDEX executions_stop_requested ON executions (owner) WHERE stop_requested_at IS NOT NULL
        AND status IN ('queued', 'running', 'waiting');
      CREATE TABLE execution_waits (
        execution_id TEXT PRIMARY KEY,
        resume_at_ms INTEGER NOT NULL,
        state TEXT NOT NULL,
        owner TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX execution_waits_due ON execution_waits (resume_at_ms);`,
  },
];
