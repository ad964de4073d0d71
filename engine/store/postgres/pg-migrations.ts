/**
 * Versioned schema of the PostgreSQL store. Append new versions; never edit an applied one. They
 * are applied under an advisory lock, so processes that start together apply each exactly once.
 *
 * The shape follows the SQLite schema (same columns, same JSON-as-text columns, integer
 * milliseconds for the times the scheduler compares), so both stores share their row mappers.
 */
import type { Migration } from '../sqlite-migrations.js';

export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'workflows, credentials, executions, events, fan-out cursor',
    sql: `
      CREATE TABLE workflows (
        id text PRIMARY KEY,
        name text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        definition text NOT NULL,
        hash text NOT NULL,
        source_path text,
        created_at text NOT NULL,
        updated_at text NOT NULL
      );
      CREATE TABLE credentials (
        id text PRIMARY KEY,
        name text NOT NULL,
        type text NOT NULL,
        data_enc text NOT NULL,
        created_at text NOT NULL,
        updated_at text NOT NULL,
        UNIQUE (type, name)
      );
      CREATE TABLE executions (
        id text PRIMARY KEY,
        workflow_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('workflow', 'agent', 'manual')),
        trigger_node text,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'stopped')),
        input text,
        output text,
        error text,
        idempotency_key text,
        metadata text,
        -- The process that runs it; another takes it over when this one stops heartbeating.
        owner text,
        created_at text NOT NULL,
        started_at text,
        finished_at text
      );
      CREATE INDEX executions_by_workflow ON executions (workflow_id, created_at);
      CREATE INDEX executions_unfinished ON executions (created_at) WHERE status IN ('queued', 'running');
      CREATE INDEX executions_by_idempotency ON executions (workflow_id, trigger_node, idempotency_key, created_at)
        WHERE idempotency_key IS NOT NULL;
      CREATE TABLE engine_processes (owner text PRIMARY KEY, heartbeat_at bigint NOT NULL);
      CREATE TABLE events (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        type text NOT NULL,
        timestamp text NOT NULL,
        data text NOT NULL,
        metadata text
      );
      CREATE INDEX events_by_type ON events (type, seq);
      CREATE INDEX events_by_time ON events (timestamp);
      -- Events are written under an advisory lock, so seq order is commit order and this cursor
      -- never passes an event that commits later (see pg-store.ts).
      CREATE TABLE fanout_cursor (id int PRIMARY KEY CHECK (id = 1), event_seq bigint NOT NULL);
      INSERT INTO fanout_cursor (id, event_seq) VALUES (1, 0);
    `,
  },
  {
    version: 2,
    name: 'subscriptions, deliveries, attempts, api keys, limit counters',
    sql: `
      CREATE TABLE subscriptions (
        id text PRIMARY KEY,
        kind text NOT NULL DEFAULT 'api' CHECK (kind IN ('api', 'node')),
        workspace text NOT NULL DEFAULT 'default',
        name text NOT NULL,
        description text,
        url text NOT NULL,
        events text NOT NULL,
        headers_enc text,
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text,
        secret_enc text NOT NULL,
        previous_secret_enc text,
        previous_secret_expires_at bigint,
        authentication_enc text,
        signature_scheme text NOT NULL DEFAULT 'standard-webhooks',
        signature_header text,
        payload_format text NOT NULL DEFAULT 'envelope',
        ordered boolean NOT NULL DEFAULT true,
        timeout_ms integer NOT NULL,
        retry_policy text,
        batch_settings text,
        conditions text,
        filters text,
        include_fields text,
        metadata text,
        consecutive_failures integer NOT NULL DEFAULT 0,
        failing_since bigint,
        circuit_open_until bigint,
        last_delivery_at bigint,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      );
      CREATE INDEX subscriptions_by_workspace ON subscriptions (workspace, enabled);
      -- Moved in the same transaction as every subscription change; every process compares it
      -- with the rules it holds (NOTIFY says when to look; the fan-out checks it every time).
      CREATE TABLE subscriptions_version (id int PRIMARY KEY CHECK (id = 1), version bigint NOT NULL);
      INSERT INTO subscriptions_version (id, version) VALUES (1, 0);
      CREATE TABLE deliveries (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        subscription_id text NOT NULL,
        event_id text NOT NULL,
        event_type text NOT NULL,
        payload text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'in_flight', 'succeeded', 'retrying', 'failed', 'expired')),
        attempt_count integer NOT NULL DEFAULT 0,
        next_attempt_at bigint NOT NULL,
        lease_owner text,
        lease_expires_at bigint,
        last_status_code integer,
        last_error text,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        completed_at bigint,
        expires_at bigint NOT NULL
      );
      CREATE INDEX deliveries_open_by_subscription ON deliveries (subscription_id, seq)
        WHERE status IN ('pending', 'in_flight', 'retrying');
      CREATE INDEX deliveries_due ON deliveries (subscription_id, next_attempt_at, seq)
        WHERE status IN ('pending', 'retrying');
      CREATE INDEX deliveries_leased ON deliveries (lease_expires_at) WHERE status = 'in_flight';
      CREATE INDEX deliveries_expiry ON deliveries (expires_at) WHERE status IN ('pending', 'retrying');
      CREATE INDEX deliveries_by_subscription_seq ON deliveries (subscription_id, seq);
      CREATE INDEX deliveries_by_event ON deliveries (event_id);
      CREATE TABLE attempts (
        id text PRIMARY KEY,
        delivery_id text NOT NULL,
        attempt_no integer NOT NULL,
        started_at bigint NOT NULL,
        status_code integer,
        response_time_ms integer,
        response_excerpt text,
        error_code text,
        error text
      );
      CREATE INDEX attempts_by_delivery ON attempts (delivery_id, attempt_no);
      CREATE INDEX attempts_by_time ON attempts (started_at);
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        name text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        prefix text NOT NULL,
        created_at text NOT NULL,
        last_used_at text,
        revoked_at text
      );
      -- Rate-limit counters every process shares (pg-counters.ts); unlogged: a crash may reset them.
      CREATE UNLOGGED TABLE rate_buckets (key text PRIMARY KEY, tokens double precision NOT NULL, updated_at bigint NOT NULL);
      CREATE UNLOGGED TABLE auth_failures (key text PRIMARY KEY, failures integer NOT NULL, window_start bigint NOT NULL);
    `,
  },
  {
    version: 3,
    name: 'history retention and erasure',
    // As in the embedded store (its version 7): the cleaner reads each partial index of closed rows
    // oldest first. Adding a column with a constant default rewrites no row.
    sql: `ALTER TABLE deliveries ADD COLUMN erased boolean NOT NULL DEFAULT false;
      ALTER TABLE events ADD COLUMN erased_at text;
      CREATE INDEX deliveries_finished ON deliveries ((COALESCE(completed_at, updated_at)))
        WHERE status IN ('succeeded', 'failed', 'expired');
      CREATE INDEX executions_finished ON executions ((COALESCE(finished_at, created_at)))
        WHERE status IN ('succeeded', 'failed', 'stopped');`,
  },
  {
    version: 5,
    name: 'delivery search, attempt headers, per-endpoint rate limit',
    // As in the embedded store (its version 9). send_slots holds each rate-limited endpoint's next
    // free send time, shared by every process (pg-counters.ts); unlogged: a crash only forgets pacing.
    sql: `ALTER TABLE subscriptions ADD COLUMN rate_limit integer;
      ALTER TABLE attempts ADD COLUMN request_headers text;
      ALTER TABLE attempts ADD COLUMN response_headers text;
      CREATE INDEX deliveries_undelivered ON deliveries (seq)
        WHERE status IN ('pending', 'in_flight', 'retrying', 'failed', 'expired') AND length(status) > 0;
      CREATE INDEX deliveries_undelivered_by_subscription ON deliveries (subscription_id, seq)
        WHERE status IN ('pending', 'in_flight', 'retrying', 'failed', 'expired') AND length(status) > 0;
      CREATE INDEX deliveries_by_type ON deliveries (event_type, seq);
      CREATE INDEX deliveries_by_subscription_type ON deliveries (subscription_id, event_type, seq);
      CREATE UNLOGGED TABLE send_slots (key text PRIMARY KEY, next_at double precision NOT NULL);`,
  },
  {
    version: 6,
    name: 'wire profiles, timestamp header and unit, legacy Standard Webhooks secrets',
    // As in the embedded store (its version 11): rows that exist now keep keying an unprefixed
    // Standard Webhooks secret by its UTF-8 bytes until their next rotation; new rows follow the spec.
    sql: `ALTER TABLE subscriptions ADD COLUMN profile text;
      ALTER TABLE subscriptions ADD COLUMN timestamp_header text;
      ALTER TABLE subscriptions ADD COLUMN timestamp_unit text NOT NULL DEFAULT 's';
      ALTER TABLE subscriptions ADD COLUMN legacy_secret_utf8 boolean NOT NULL DEFAULT false;
      UPDATE subscriptions SET legacy_secret_utf8 = true WHERE signature_scheme = 'standard-webhooks';`,
  },
  {
    version: 4,
    name: 'API keys scoped to one organization',
    // As in the embedded store (its version 8): NULL is a key that sees every organization.
    sql: `ALTER TABLE api_keys ADD COLUMN organization text;`,
  },
  {
    version: 8,
    name: 'published events keyed by Idempotency-Key; registered event type schemas',
    // As in the embedded store (its version 13).
    sql: `ALTER TABLE events ADD COLUMN idempotency_key text;
      ALTER TABLE events ADD COLUMN request_hash text;
      CREATE INDEX events_by_idempotency ON events (idempotency_key, timestamp) WHERE idempotency_key IS NOT NULL;
      CREATE TABLE event_types (
        type text PRIMARY KEY,
        description text,
        schema text NOT NULL,
        version bigint NOT NULL,
        created_at text NOT NULL,
        updated_at text NOT NULL
      );
      CREATE TABLE event_types_version (id int PRIMARY KEY CHECK (id = 1), version bigint NOT NULL);
      INSERT INTO event_types_version (id, version) VALUES (1, 0);`,
  },
  {
    version: 7,
    name: 'stop requests and conversation counters',
    // As in the embedded store (its version 12).
    sql: `ALTER TABLE executions ADD COLUMN stop_requested_at text;
      CREATE INDEX executions_stop_requested ON executions (owner) WHERE stop_requested_at IS NOT NULL
        AND status IN ('queued', 'running');
      CREATE TABLE conversations (
        agent_id text NOT NULL,
        conversation_id text NOT NULL,
        message_count integer NOT NULL,
        credits_used double precision NOT NULL,
        started_at text NOT NULL,
        updated_at text NOT NULL,
        PRIMARY KEY (agent_id, conversation_id)
      );`,
  },
  {
    version: 9,
    name: 'parked executions (the Wait node): status waiting and execution_waits',
    // As in the embedded store (its version 14). The status check is the one PostgreSQL named for
    // the column when version 1 made it.
    sql: `ALTER TABLE executions DROP CONSTRAINT executions_status_check;
      ALTER TABLE executions ADD CONSTRAINT executions_status_check
        CHECK (status IN ('queued', 'running', 'waiting', 'succeeded', 'failed', 'stopped'));
      DROP INDEX executions_stop_requested;
      CREATE INDEX executions_stop_requested ON executions (owner) WHERE stop_requested_at IS NOT NULL
        AND status IN ('queued', 'running', 'waiting');
      CREATE TABLE execution_waits (
        execution_id text PRIMARY KEY,
        resume_at_ms bigint NOT NULL,
        state text NOT NULL,
        owner text,
        created_at text NOT NULL
      );
      CREATE INDEX execution_waits_due ON execution_waits (resume_at_ms);`,
  },
];
