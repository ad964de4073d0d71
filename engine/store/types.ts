/**
 * The storage contract. The embedded SQLite store implements it now; the PostgreSQL store for
 * several engine processes implements the same interface. Every method is async so both fit.
 *
 * Writes go through `commit(batch)`: one atomic unit holding new executions (with the events that
 * belong to them), execution updates, free events and the deliveries they fan out to. The group
 * committer merges many callers' batches into one transaction (durable before anyone is answered).
 */
import type { EventEnvelope } from '../events/envelope.js';
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  DeliveryTransition,
  Subscription,
  SubscriptionHealth,
  SubscriptionQuery,
} from './records.js';

export type { DeliveryStatus } from './records.js';

/** `waiting`: parked by a Wait node until its resume time (see `ExecutionWait`). */
export type ExecutionStatus = 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'stopped';
export type ExecutionKind = 'workflow' | 'agent' | 'manual';

export interface ExecutionError {
  message: string;
  node?: string;
  code?: string;
}

export interface ExecutionRecord {
  id: string;
  workflowId: string;
  kind: ExecutionKind;
  /** Name of the trigger node that started it. */
  triggerNode: string | null;
  status: ExecutionStatus;
  input: unknown;
  output: unknown;
  error: ExecutionError | null;
  idempotencyKey: string | null;
  metadata: Record<string, unknown> | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** When a stop was asked (`requestStop`); the process that runs it then stops it. */
  stopRequestedAt?: string | null;
}

export interface ExecutionUpdate {
  id: string;
  status: ExecutionStatus;
  output?: unknown;
  error?: ExecutionError | null;
  startedAt?: string;
  finishedAt?: string;
  /**
   * Parks the execution until `resumeAtMs` with the state its run resumes from (an object), or, with
   * null, removes its parked state (it resumed and finished, or was stopped while waiting). Written
   * in the same transaction as the status. Left out: the parked state is not touched.
   */
  wait?: ExecutionWait | null;
}

/** Where a parked execution resumes: when, and the runner's state (JSON, see workflow/runner.ts). */
export interface ExecutionWait {
  resumeAtMs: number;
  state: unknown;
}

/** A parked execution claimed for resuming (`claimDueWaits`): the record and its parked state. */
export interface DueWait {
  /** The execution, now `running` and owned by the claiming process. */
  execution: ExecutionRecord;
  resumeAtMs: number;
  state: unknown;
}

/**
 * Parked executions (n8n's Wait node): durable, resumed once whichever process claims them. The
 * claim hands a due execution to one caller and marks it running; its parked state stays until the
 * resumed run ends (`ExecutionUpdate.wait: null`), so a resumer that dies mid-run leaves it to be
 * claimed again (its owner stopped heartbeating) instead of to the orphan recovery, which would rerun
 * it from the trigger.
 */
export interface WaitStore {
  /**
   * Claims up to `limit` parked executions due at `nowMs` and not asked to stop, earliest first: those
   * nobody claimed, and those whose claimer stopped heartbeating `staleMs` ago (on SQLite: any other
   * owner, as with orphans). Each is handed to one caller only.
   */
  claimDueWaits(nowMs: number, staleMs: number, limit: number): Promise<DueWait[]>;
  /** When the earliest unclaimed parked execution is due, or null when none waits. */
  nextWaitAtMs(): Promise<number | null>;
}

export interface NewExecution {
  record: ExecutionRecord;
  /** Written only if the execution itself is new (not an idempotent repeat). */
  events?: EventEnvelope[];
  /** An idempotent repeat within this window (seconds) returns the first execution. */
  idempotencyWindowSec?: number;
}

/**
 * An event published under an `Idempotency-Key` (POST /api/v1/events): within the window, a repeat
 * of the key is answered with the first event instead of writing a second one. The executions'
 * keys (`NewExecution`) and these share one rule: the first write in the window stands.
 */
export interface KeyedEvent {
  event: EventEnvelope;
  idempotencyKey: string;
  /** Hash of the request the key came with: a repeat whose hash differs is another request. */
  requestHash: string;
  /** @defaultValue 86400 */
  idempotencyWindowSec?: number;
}

/** A publisher's JSON Schema for the data of one event type (`PUT /api/v1/event-types/{type}`). */
export interface EventTypeRecord {
  type: string;
  description: string | null;
  schema: Record<string, unknown>;
  /** The event types version this registration made: unique over all registrations, never reused. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface WorkflowRecord {
  id: string;
  name: string;
  active: boolean;
  definition: unknown;
  /** Content hash of the definition: a reload with the same hash is not an update. */
  hash: string;
  sourcePath: string | null;
  createdAt: string;
  updatedAt: string;
}

export type WorkflowChange = 'created' | 'updated' | 'unchanged';

export interface CredentialRecord {
  id: string;
  name: string;
  type: string;
  data: Record<string, unknown>;
}

export interface StoredEvent extends EventEnvelope {
  seq: number;
  /** When its content was erased (`eraseEventContent`): `data` is then null and `metadata` gone. */
  erasedAt: string | null;
}

/** A delivery row to create: one event (or one batch member) for one subscription. */
export interface NewDelivery {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  /** The exact JSON sent to the receiver (projection and payload format applied). */
  payload: string;
  nextAttemptAtMs: number;
  expiresAtMs: number;
}

export interface WriteBatch {
  /**
   * A caller is told "done" on this write (a 202 to a webhook sender, an API answer): make it
   * durable against power loss too. Other writes (run progress, attempts) are durable against a
   * killed process (WAL) and reach the disk with the next acknowledged write.
   */
  acknowledged?: boolean;
  executions?: NewExecution[];
  executionUpdates?: ExecutionUpdate[];
  events?: EventEnvelope[];
  /** Events that stand only if their key is new in its window (written with `events`, same transaction). */
  keyedEvents?: KeyedEvent[];
  deliveries?: NewDelivery[];
}

export interface CommitResult {
  /** For each submitted execution id: the id that stands (the first one, for an idempotent repeat). */
  executionIds: Map<string, { id: string; duplicate: boolean }>;
  /** For each submitted keyed event id: the event that stands, and the request hash it was written with. */
  eventIds: Map<string, { id: string; duplicate: boolean; requestHash: string | null }>;
  /** Deliveries written by this commit (given explicitly; for a group commit: by the whole group). */
  deliveries: number;
  /** Events written by this commit: their deliveries are planned later, by the fan-out. */
  events: number;
}

/** Fans an event out to subscriptions: the deliveries it makes. */
export type DeliveryPlanner = (event: EventEnvelope) => NewDelivery[];

/**
 * Called by a store that several processes share, inside the fan-out transaction after it read
 * the events and before it plans them, with the subscriptions' version as of then: the caller
 * reloads its rules when they are older, so no event is planned with rules older than itself.
 */
export type SyncRules = (subscriptionsVersion: number) => Promise<void>;

/** What one fan-out pass did. */
/** A batch written in one transaction (`Store.commitStaged`): its result now, its durability later. */
export interface StagedCommit {
  result: CommitResult;
  /** Resolves once the write would survive a power loss; rejects if the flush failed. */
  durable: Promise<void>;
}

export interface FanOutResult {
  /** Events planned (the cursor moved past them). */
  events: number;
  /** Deliveries written. */
  deliveries: number;
  /** Endpoints that got deliveries. */
  subscriptionIds: string[];
  /** More events wait after the ones planned. */
  more: boolean;
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  keyHash: string;
  /** The first characters of the key, to tell keys apart in listings. */
  prefix: string;
  createdAt: string;
  /** Set for a key that sees and changes only this organization's webhooks and deliveries. */
  organization: string | null;
  /** ISO-8601; written at most once a minute per key (`TUNING.apiKeys.lastUsedEveryMs`). */
  lastUsedAt: string | null;
}

export interface ExecutionQuery {
  workflowId?: string;
  status?: ExecutionStatus;
  limit?: number;
  offset?: number;
}

export interface EventQuery {
  type?: string;
  afterSeq?: number;
  /** ISO-8601 bounds on the event timestamp, inclusive. */
  sinceTimestamp?: string;
  untilTimestamp?: string;
  limit?: number;
}

/** Which deliveries of one subscription to claim. */
export interface ClaimSpec {
  subscriptionId: string;
  ordered: boolean;
  limit: number;
  /** Batching subscriptions: claim only when `maxEvents` are waiting or the oldest waited `maxWaitMs`. */
  batch?: { maxEvents: number; maxWaitMs: number };
  /** This claim's lease, when the call's default is too short for it (a long run of slow sends). */
  leaseMs?: number;
  /**
   * Recovery probe (ordered endpoints, HOOKLINE_RECOVERY_PROBE_SEC): the head may go before its
   * retry is due when its last attempt settled at or before this time.
   */
  probeTriedBeforeMs?: number;
}

/** Which deliveries a history page or search shows (store/delivery-search.ts); every filter is optional. */
export interface DeliveryQuery {
  subscriptionId?: string;
  /** Only deliveries of this workspace's (organization's) subscriptions. */
  workspace?: string;
  statuses?: DeliveryStatus[];
  eventType?: string;
  eventId?: string;
  /** Bounds on the creation time, inclusive. */
  sinceMs?: number;
  untilMs?: number;
  /** A cursor: only rows past this `seq` in the page's order (below it newest first, above it oldest first). */
  cursorSeq?: number;
  limit?: number;
  offset?: number;
  order?: 'asc' | 'desc';
}

export interface DeliveryCounts {
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
  lastAttemptAtMs: number | null;
}

/** What one endpoint's claim took, and whether it has open work left (for an empty claim). */
export interface ClaimResult {
  claimed: DeliveryRecord[];
  /** Pending, retrying or in-flight deliveries remain: keep looking at this endpoint. */
  open: boolean;
}

/** The durable outbox: claims with leases, settlements with their attempt rows. */
export interface OutboxStore {
  claim(spec: ClaimSpec, nowMs: number, owner: string, leaseMs: number): Promise<DeliveryRecord[]>;
  /** Several endpoints' claims in one transaction, in the order given. */
  claimMany(specs: readonly ClaimSpec[], nowMs: number, owner: string, leaseMs: number): Promise<ClaimResult[]>;
  /** Open (pending, retrying, in-flight) deliveries of every endpoint: the backlog, counted at start. */
  countOpen(): Promise<number>;
  /**
   * When the oldest open (pending, retrying, in-flight) delivery was created, or null when none is:
   * each endpoint's head, one probe of the open rows' index per endpoint, never the history.
   */
  oldestOpenAtMs(): Promise<number | null>;
  /**
   * Plans the deliveries of up to `maxEvents` events (stopping early, at a whole event, once
   * `maxDeliveries` are written) written after the fan-out cursor, in event
   * order, writes them and moves the cursor past those events, in one transaction: each event is
   * fanned out exactly once, crash or not.
   */
  fanOut(plan: DeliveryPlanner, maxEvents: number, maxDeliveries?: number, sync?: SyncRules): Promise<FanOutResult>;
  /** Events written but not fanned out yet. */
  pendingFanOut(): Promise<number>;
  /** Puts at most `limit` in-flight deliveries whose lease expired (their worker died) back in line. */
  reclaimExpiredLeases(nowMs: number, limit: number): Promise<number>;
  /**
   * Moves the lease of those of `deliveryIds` that `owner` still holds in flight to `untilMs`
   * (a live worker keeps what it is sending); returns how many it still held.
   */
  renewLeases(deliveryIds: readonly string[], owner: string, untilMs: number): Promise<number>;
  /** Returns claimed deliveries that were not attempted to the line, those `owner` still holds only. */
  release(deliveryIds: readonly string[], owner: string): Promise<void>;
  /**
   * Writes attempts, delivery transitions and endpoint health in one transaction. Returns how many
   * deliveries reached a final state (a transition whose lease was lost changes nothing).
   */
  settle(transitions: DeliveryTransition[], attempts: AttemptRecord[], health: SubscriptionHealth[]): Promise<number>;
  /** An endpoint answered again: its waiting retries become due now. */
  wakeRetrying(subscriptionId: string, nowMs: number): Promise<number>;
  /** Marks deliveries past their retention as expired and returns them. */
  expireDue(nowMs: number, limit: number): Promise<DeliveryRecord[]>;
}

/** The seed's log row: a delivery with the response time of its latest attempt (null before any). */
export interface DeliveryLogRow {
  delivery: DeliveryRecord;
  lastResponseTimeMs: number | null;
  /** The latest attempt's headers (masked as stored); null before any attempt. */
  lastRequestHeaders: Record<string, string> | null;
  lastResponseHeaders: Record<string, string> | null;
}

/** Attempt figures of one subscription over a time window, aggregated by the store. */
export interface AttemptStats {
  attempts: number;
  successful: number;
  /** Nearest-rank percentiles and maximum of response times; null when there were no attempts. */
  p50ResponseTimeMs: number | null;
  p95ResponseTimeMs: number | null;
  maxResponseTimeMs: number | null;
}

/**
 * The read side of deliveries (history, log, stats, manual retry) that the API asks, apart from
 * the outbox's hot path so each store can serve it with its own queries and indexes.
 */
export interface DeliveryLog {
  getDelivery(id: string): Promise<DeliveryRecord | null>;
  listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]>;
  listAttempts(deliveryId: string): Promise<AttemptRecord[]>;
  /** One page of log rows in a single query (no query per row). */
  listLog(query: DeliveryQuery): Promise<DeliveryLogRow[]>;
  /** Puts a delivery back in line now (manual retry); refuses one that is in flight. */
  requeue(id: string, nowMs: number, expiresAtMs: number): Promise<DeliveryRecord | null>;
  /** Delivery counts per subscription, and the time of its last delivery attempt. */
  deliveryStats(subscriptionIds: readonly string[]): Promise<Map<string, DeliveryCounts>>;
  /** Counts and response-time percentiles of a subscription's attempts in `[sinceMs, untilMs]`. */
  attemptStats(subscriptionId: string, sinceMs: number, untilMs: number): Promise<AttemptStats>;
  /**
   * Of `eventIds`, those with a delivery to this subscription that succeeded or is still open
   * (pending, in flight, retrying): what a replay of failed events leaves out. One indexed query
   * (by event id) however long the subscription's history.
   */
  deliveredOrOpenEventIds(subscriptionId: string, eventIds: readonly string[]): Promise<Set<string>>;
}

/**
 * A wake-up one process sends the others through the store (PostgreSQL `NOTIFY`, delivered when
 * the sending transaction commits). A store with one process (SQLite) sends none; polling is the
 * backstop either way.
 */
export type StoreSignal =
  /** Events were written: fan them out. */
  | { kind: 'events' }
  /** Deliveries became due for these endpoints (null: for any endpoint). */
  | { kind: 'deliveries'; subscriptionIds: string[] | null }
  /** A subscription was created, changed or deleted: reload the rules. */
  | { kind: 'subscriptions' };

/**
 * Counters behind the rate limits: in memory for the one process of an embedded store, in a table
 * on PostgreSQL so that every process enforces the same limit.
 */
export interface LimitCounters {
  /**
   * Token bucket of `perMinute` tokens per key, refilled continuously: takes one token. Returns 0
   * when allowed, else the whole seconds until a token is available (at least 1).
   */
  takeToken(key: string, perMinute: number, nowMs: number): Promise<number>;
  /**
   * Reserves `count` send times `intervalMs` apart for the key (a rate-limited endpoint), after
   * those already reserved and not before `nowMs`; returns the first. Every process of a shared
   * store reserves from the same line, so together they keep the endpoint's rate.
   */
  reserveSlots(key: string, count: number, intervalMs: number, nowMs: number): Promise<number>;
  /** Adds one failure to the key's fixed window of `windowMs` (a new window when the last one ended). */
  addFailure(key: string, windowMs: number, nowMs: number): Promise<void>;
  /** The key's current failure window, or null when it has none or it ended. */
  failureWindow(key: string, windowMs: number, nowMs: number): Promise<{ failures: number; startMs: number } | null>;
}

/** What one `purgeHistory` batch deleted, per table. */
export interface PurgeResult {
  deliveries: number;
  attempts: number;
  events: number;
  executions: number;
  /** The batch used its whole budget: more rows may be due, call again. */
  more: boolean;
}

/** What erasing one event's content changed. */
export interface ErasureResult {
  /** The event as it stands now (null when only its deliveries were still stored). */
  event: StoredEvent | null;
  /** Deliveries of the event whose payload was emptied and that are marked erased. */
  deliveries: number;
  /** Of those, the open ones (pending, retrying, in flight) closed as failed: they can no longer be sent. */
  closed: number;
  /** Attempt rows whose response excerpt was cleared. */
  attempts: number;
}

/**
 * History retention and erasure. Both stores apply the same rules; on PostgreSQL any number of
 * processes may run them at once (each row is locked by one, `SKIP LOCKED`, so none is deleted twice
 * and none is left because another process held it).
 */
export interface HistoryStore {
  /**
   * Deletes in one transaction up to `batchRows` rows finished before `beforeMs`: deliveries in a
   * final state (succeeded, failed, expired) with their attempts, events that the fan-out has passed
   * and that no open delivery references, and executions in a final state (succeeded, failed,
   * stopped). Deliveries count by the time they closed, events by their timestamp, executions by
   * the time they finished (else were created).
   */
  purgeHistory(beforeMs: number, batchRows: number): Promise<PurgeResult>;
  /**
   * Gives free pages back to the file system, at most `maxPages` per call (SQLite with incremental
   * auto-vacuum); returns how many. PostgreSQL's own autovacuum does this: 0.
   */
  reclaimSpace(maxPages: number): Promise<number>;
  /**
   * Erases one event's content wherever it is stored: the event keeps id, type and timestamp, its
   * data becomes null and its metadata goes; its deliveries keep their records with an empty payload,
   * marked erased (open ones are closed as failed, 'content erased'); their attempts lose their
   * response excerpts. Repeating it changes nothing more. Null when neither the event nor any
   * delivery of it is stored.
   */
  eraseEventContent(id: string, nowMs: number): Promise<ErasureResult | null>;
}

/** What `requestStop` found. */
export interface StopRequest {
  /** The execution as it stands after the request (a finished one is unchanged). */
  execution: ExecutionRecord;
  /**
   * This process owns it now (it owned it, or its owner stopped heartbeating and it passed to this
   * one): this process finishes it as stopped. Otherwise its live owner does when it next looks.
   */
  owned: boolean;
}

/** A conversation of an agent, keyed by the caller's conversation id. */
export interface ConversationKey {
  agentId: string;
  conversationId: string;
}

/** A conversation's totals so far. */
export interface ConversationTotals {
  messageCount: number;
  creditsUsed: number;
  /** When its first message was counted (ISO-8601). */
  startedAt: string;
}

/**
 * What runs share across processes: stop requests (the owner of a running execution acts on them)
 * and conversation counters (messages and credits add up whichever process ran the exchange).
 */
export interface RunStateStore {
  /**
   * Marks an unfinished (queued, running or waiting) execution as asked to stop, and passes it to this
   * process when its owner is this one or stopped heartbeating `staleMs` ago. Null for an unknown id.
   */
  requestStop(id: string, nowMs: number, staleMs: number): Promise<StopRequest | null>;
  /** Up to `limit` unfinished executions of this process that were asked to stop. */
  listStopRequests(limit: number): Promise<ExecutionRecord[]>;
  /** Adds messages and credits to a conversation (made on its first message); returns its totals. */
  addConversationMessages(
    key: ConversationKey,
    messages: number,
    credits: number,
    nowMs: number,
  ): Promise<ConversationTotals>;
}

export interface Store extends HistoryStore, EventTypeStore, RunStateStore, WaitStore {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * This process's name in the store: it owns the executions it accepts (see `heartbeat`), and
   * its delivery leases carry it.
   */
  readonly owner: string;
  readonly counters: LimitCounters;
  /** Version of the subscriptions: it moves with every create, change, delete and automatic disable. */
  subscriptionsVersion(): Promise<number>;
  /** Calls `listener` for other processes' signals until the returned function is called. */
  listen(listener: (signal: StoreSignal) => void): Promise<() => Promise<void>>;
  /** Says this process is alive: executions it owns are not orphans while it keeps saying so. */
  heartbeat(nowMs: number): Promise<void>;
  /**
   * Takes over up to `limit` queued or running executions whose owner stopped heartbeating
   * `staleMs` ago (on SQLite, whose one process is this one: every execution another owner left),
   * oldest first. Each is handed to one caller only. A resumed parked execution is not an orphan
   * (`claimDueWaits` takes it back, so it resumes from its parked state, not from the trigger).
   */
  claimOrphanedExecutions(nowMs: number, staleMs: number, limit: number): Promise<ExecutionRecord[]>;
  /** Applies pending migrations; returns the versions applied now. */
  migrate(): Promise<number[]>;
  close(): Promise<void>;
  /** Cheap liveness query for /readyz. */
  ping(): Promise<void>;
  /**
   * Resolves once every write made so far would survive a power loss, for writes answered outside
   * `commit` (the API's): SQLite syncs its WAL (wal-sync.ts); a PostgreSQL commit already is.
   */
  durable(): Promise<void>;

  /**
   * Writes a batch in one transaction. Events are written, not fanned out: the delivery loop plans
   * their deliveries afterwards with `outbox.fanOut`. Explicit `deliveries` are written as given.
   */
  commit(batch: WriteBatch): Promise<CommitResult>;
  /**
   * Writes a batch in one transaction now and returns its result with a promise that resolves once
   * it is durable. A store whose writes are synchronous underneath (SQLite) offers it so the group
   * committer can write the next group while this one's WAL flush runs off the event loop; one
   * without it is written with `commit`, one group after the other.
   */
  commitStaged?(batch: WriteBatch): StagedCommit;

  upsertWorkflow(record: Omit<WorkflowRecord, 'createdAt' | 'updatedAt'>): Promise<WorkflowChange>;
  getWorkflow(id: string): Promise<WorkflowRecord | null>;
  listWorkflows(): Promise<WorkflowRecord[]>;
  setWorkflowActive(id: string, active: boolean): Promise<boolean>;
  deleteWorkflow(id: string): Promise<boolean>;

  upsertCredential(record: CredentialRecord): Promise<void>;
  /** Finds a credential of `type` by id, then by name. */
  findCredential(type: string, idOrName: string): Promise<CredentialRecord | null>;

  getExecution(id: string): Promise<ExecutionRecord | null>;
  listExecutions(query?: ExecutionQuery): Promise<ExecutionRecord[]>;

  /** An unrevoked API key by the SHA-256 hex of its secret. */
  findApiKey(keyHash: string): Promise<ApiKeyRecord | null>;
  createApiKey(record: ApiKeyRecord): Promise<void>;
  /** The unrevoked API keys, oldest first. */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Revokes an unrevoked key; false when there is none by that id. */
  revokeApiKey(id: string, revokedAt: string): Promise<boolean>;
  /** Records when a key was last used. */
  touchApiKey(id: string, usedAt: string): Promise<void>;

  saveSubscription(subscription: Subscription): Promise<void>;
  getSubscription(id: string): Promise<Subscription | null>;
  listSubscriptions(query?: SubscriptionQuery): Promise<Subscription[]>;
  countSubscriptions(query?: SubscriptionQuery): Promise<number>;
  /** Deletes it; its open deliveries fail with 'subscription deleted'. */
  deleteSubscription(id: string): Promise<boolean>;
  readonly outbox: OutboxStore;
  readonly deliveryLog: DeliveryLog;

  listEvents(query?: EventQuery): Promise<StoredEvent[]>;
  getEvent(id: string): Promise<StoredEvent | null>;
}

/** Publishers' event type schemas, which each store implements in one file. */
export interface EventTypeStore {
  /** Moves with every registration and removal, in the same transaction (as `subscriptionsVersion`). */
  eventTypesVersion(): Promise<number>;
  /** Creates or replaces a type's schema; the record carries the new version. */
  putEventType(input: {
    type: string;
    description: string | null;
    schema: Record<string, unknown>;
  }): Promise<EventTypeRecord>;
  listEventTypes(): Promise<EventTypeRecord[]>;
  deleteEventType(type: string): Promise<boolean>;
}

/** The catalog part of the store (workflows, credentials, API keys), which each store implements in one file. */
export type CatalogStore = Pick<
  Store,
  | 'upsertWorkflow'
  | 'getWorkflow'
  | 'listWorkflows'
  | 'setWorkflowActive'
  | 'deleteWorkflow'
  | 'upsertCredential'
  | 'findCredential'
  | 'findApiKey'
  | 'createApiKey'
  | 'listApiKeys'
  | 'revokeApiKey'
  | 'touchApiKey'
>;
