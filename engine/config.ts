/**
 * Every setting of the engine, its default, its command-line flag and its environment variable,
 * in one place. Nothing else reads `process.env` or hard-codes a port, limit, timeout or schedule.
 * The config is validated with ajv at start (a bad value stops the engine with a clear message),
 * then cloned and frozen.
 */
import { compileTextSchema } from './validation.js';
import { Errors } from './errors.js';

type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'array';

interface SettingSpec<T> {
  /** Default value. */
  default: T;
  /** Environment variable that sets it. */
  env: string;
  /** Command-line flag (without `--`) that sets it. */
  flag?: string;
  type: JsonType;
  /** Extra JSON-schema keywords (minimum, enum, …). */
  schema?: Record<string, unknown>;
  /** One line for `--help` and the README. */
  doc: string;
}

const setting = <T>(spec: SettingSpec<T>): SettingSpec<T> => spec;

export const SETTINGS = {
  port: setting({
    default: 8787,
    env: 'PORT',
    flag: 'port',
    type: 'integer',
    schema: { minimum: 0, maximum: 65535 },
    doc: 'HTTP port (0 picks a free one).',
  }),
  host: setting({
    default: '127.0.0.1',
    env: 'HOOKLINE_HOST',
    flag: 'host',
    type: 'string',
    doc: 'Address to listen on; 0.0.0.0 to accept from other machines.',
  }),
  workflowsDir: setting({
    default: 'examples',
    env: 'HOOKLINE_WORKFLOWS',
    flag: 'workflows',
    type: 'string',
    doc: 'Folder of workflow JSON files to load and serve.',
  }),
  watch: setting({
    default: false,
    env: 'HOOKLINE_WATCH',
    flag: 'watch',
    type: 'boolean',
    doc: 'Reload the workflow folder when a file in it changes; an invalid file is refused and its previous version keeps serving.',
  }),
  watchDebounceMs: setting({
    default: 100,
    env: 'HOOKLINE_WATCH_DEBOUNCE_MS',
    type: 'integer',
    schema: { minimum: 0, maximum: 60_000 },
    doc: 'With --watch: how long a file must be quiet before the folder reloads (an editor saves in several writes).',
  }),
  credentialsFile: setting({
    default: '',
    env: 'HOOKLINE_CREDENTIALS',
    flag: 'credentials',
    type: 'string',
    doc: 'Credentials JSON file; empty means <workflows>/credentials.json when it exists.',
  }),
  dbPath: setting({
    default: './data/hookline.db',
    env: 'HOOKLINE_DB',
    flag: 'db',
    type: 'string',
    doc: 'SQLite database file (created with its folder).',
  }),
  databaseUrl: setting({
    default: '',
    env: 'DATABASE_URL',
    flag: 'database-url',
    type: 'string',
    schema: { pattern: '^$|^postgres(ql)?://' },
    doc: 'PostgreSQL connection string (postgres://…): several engine processes share it. Empty means SQLite at dbPath.',
  }),
  pgPoolSize: setting({
    default: 10,
    env: 'HOOKLINE_PG_POOL_SIZE',
    flag: 'pg-pool-size',
    type: 'integer',
    schema: { minimum: 2, maximum: 1000 },
    doc: 'PostgreSQL connections one process opens at most (plus one that listens for wake-ups).',
  }),
  executionLeaseSec: setting({
    default: 30,
    env: 'HOOKLINE_EXECUTION_LEASE_SEC',
    type: 'integer',
    schema: { minimum: 3 },
    doc: 'A process says it is alive every third of this; another takes over the unfinished runs of one silent this long.',
  }),
  executionStopPollMs: setting({
    default: 1_000,
    env: 'HOOKLINE_EXECUTION_STOP_POLL_MS',
    type: 'integer',
    schema: { minimum: 10, maximum: 2_147_483_647 },
    doc: 'With PostgreSQL: how often a process looks for stop requests that another process made for its executions.',
  }),
  waitPollMs: setting({
    default: 1_000,
    env: 'HOOKLINE_WAIT_POLL_MS',
    type: 'integer',
    schema: { minimum: 10, maximum: 2_147_483_647 },
    doc: 'How often a process looks for parked executions (Wait node) that are due; the process that parked one also wakes at its time.',
  }),
  encryptionKey: setting({
    default: '',
    env: 'HOOKLINE_ENCRYPTION_KEY',
    type: 'string',
    doc: 'Key that encrypts stored secrets; empty means a key file made next to the SQLite database. Required with PostgreSQL (every process must share it).',
  }),
  apiKey: setting({
    default: '',
    env: 'HOOKLINE_API_KEY',
    type: 'string',
    doc: 'Admin API key accepted as Authorization: Bearer on /api/v1 (besides keys made with the CLI).',
  }),
  metricsPublic: setting({
    default: false,
    env: 'HOOKLINE_METRICS_PUBLIC',
    type: 'boolean',
    doc: 'Serve GET /metrics (Prometheus) without an API key, e.g. to a scraper on a private network.',
  }),
  dashboardDir: setting({
    default: '',
    env: 'HOOKLINE_DASHBOARD_DIR',
    type: 'string',
    doc: 'Folder of the built dashboard served at /dashboard; empty means the one `npm run build` makes (dist/dashboard).',
  }),
  streamMaxClients: setting({
    default: 50,
    env: 'HOOKLINE_STREAM_MAX_CLIENTS',
    type: 'integer',
    schema: { minimum: 0, maximum: 10_000 },
    doc: "Open /api/v1/stream connections (the dashboard's live view) at most; one more is refused with 503.",
  }),
  metricsWebhookLabels: setting({
    default: false,
    env: 'HOOKLINE_METRICS_WEBHOOK_LABELS',
    type: 'boolean',
    doc: 'Label delivery metrics with the webhook id: one series per webhook, so only with a bounded number of them.',
  }),
  logLevel: setting({
    default: 'info',
    env: 'HOOKLINE_LOG_LEVEL',
    flag: 'log-level',
    type: 'string',
    schema: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    doc: 'pino log level.',
  }),
  bodyLimitBytes: setting({
    default: 1_048_576,
    env: 'HOOKLINE_BODY_LIMIT',
    flag: 'body-limit',
    type: 'integer',
    schema: { minimum: 1024 },
    doc: 'Largest accepted request body (413 above it).',
  }),
  maxJsonDepth: setting({
    default: 64,
    env: 'HOOKLINE_MAX_JSON_DEPTH',
    type: 'integer',
    schema: { minimum: 1, maximum: 1000 },
    doc: 'Deepest nesting of arrays and objects accepted in a JSON body (400 above it).',
  }),
  headersTimeoutMs: setting({
    default: 10_000,
    env: 'HOOKLINE_HEADERS_TIMEOUT_MS',
    type: 'integer',
    schema: { minimum: 1 },
    doc: "A client must send a request's headers within this long of connecting, or the connection is closed.",
  }),
  requestTimeoutMs: setting({
    default: 30_000,
    env: 'HOOKLINE_REQUEST_TIMEOUT_MS',
    type: 'integer',
    schema: { minimum: 1 },
    doc: 'A client must send a whole request (headers and body) within this long, or gets 408 and is disconnected.',
  }),
  connectionTimeoutMs: setting({
    default: 120_000,
    env: 'HOOKLINE_CONNECTION_TIMEOUT_MS',
    type: 'integer',
    schema: { minimum: 1 },
    doc: 'A connection with no traffic either way for this long is closed (keep above respondTimeoutMs).',
  }),
  keepAliveTimeoutMs: setting({
    default: 5_000,
    env: 'HOOKLINE_KEEP_ALIVE_TIMEOUT_MS',
    type: 'integer',
    schema: { minimum: 1 },
    doc: 'An idle keep-alive connection is closed after this long without a new request.',
  }),
  failedAuthLimit: setting({
    default: 20,
    env: 'HOOKLINE_FAILED_AUTH_LIMIT',
    type: 'integer',
    schema: { minimum: 0 },
    doc: 'Failed authentications per client address per window before it gets 429 (0 = unlimited).',
  }),
  failedAuthWindowSec: setting({
    default: 60,
    env: 'HOOKLINE_FAILED_AUTH_WINDOW_SEC',
    type: 'integer',
    schema: { minimum: 1 },
    doc: 'The window of failedAuthLimit; a throttled address waits until its window ends.',
  }),
  shutdownTimeoutMs: setting({
    default: 10_000,
    env: 'HOOKLINE_SHUTDOWN_TIMEOUT_MS',
    type: 'integer',
    schema: { minimum: 0 },
    doc: 'How long a graceful shutdown waits for in-flight work.',
  }),
  respondTimeoutMs: setting({
    default: 30_000,
    env: 'HOOKLINE_RESPOND_TIMEOUT_MS',
    type: 'integer',
    schema: { minimum: 1 },
    doc: "How long a 'when_finished' trigger waits for its run before answering 504.",
  }),
  commitWindowMs: setting({
    default: 0,
    env: 'HOOKLINE_COMMIT_WINDOW_MS',
    type: 'integer',
    schema: { minimum: 0, maximum: 50 },
    doc: 'Group commit: accepted requests wait at most this long to share one transaction. 0: the end of the tick (under load, requests that arrive while a group is written join the next one).',
  }),
  eventHistory: setting({
    default: 'subscribed',
    env: 'HOOKLINE_EVENT_HISTORY',
    type: 'string',
    schema: { enum: ['subscribed', 'all'] },
    doc: "Which of the engine's own lifecycle events get a row: 'subscribed' (those some webhook's event patterns take, the only ones that can be delivered or replayed) or 'all' (an audit trail, GET /events/{id} for every one). PostgreSQL always writes all.",
  }),
  idempotencyWindowSec: setting({
    default: 86_400,
    env: 'HOOKLINE_IDEMPOTENCY_WINDOW_SEC',
    type: 'integer',
    schema: { minimum: 0 },
    doc: 'A repeated Idempotency-Key/webhook-id within this window returns the first execution.',
  }),
  rateLimitPerMinute: setting({
    default: 600,
    env: 'HOOKLINE_RATE_LIMIT_PER_MINUTE',
    type: 'integer',
    schema: { minimum: 0 },
    doc: 'Requests per minute per trigger credential (0 = unlimited).',
  }),
  allowPrivateTargets: setting({
    default: false,
    env: 'HOOKLINE_ALLOW_PRIVATE_TARGETS',
    flag: 'allow-private-targets',
    type: 'boolean',
    doc: 'Allow outgoing webhooks to loopback, private, link-local and other special-purpose addresses.',
  }),
  httpsOnly: setting({
    default: false,
    env: 'HOOKLINE_HTTPS_ONLY',
    flag: 'https-only',
    type: 'boolean',
    doc: 'Refuse plain http:// webhook and sender node URLs, at save and at send.',
  }),
  maxSubscriptionsPerWorkspace: setting({
    default: 50,
    env: 'HOOKLINE_MAX_SUBSCRIPTIONS',
    type: 'integer',
    schema: { minimum: 1 },
    doc: 'Enabled subscriptions allowed per workspace.',
  }),
  maxEventTypes: setting({
    default: 1000,
    env: 'HOOKLINE_MAX_EVENT_TYPES',
    type: 'integer',
    schema: { minimum: 0 },
    doc: 'Event types publishers may register a data schema for (each process holds them all).',
  }),
  deliveryTimeoutMs: setting({
    default: 10_000,
    env: 'HOOKLINE_DELIVERY_TIMEOUT_MS',
    type: 'integer',
    schema: { minimum: 1 },
    doc: 'Default receiver timeout of an outgoing webhook.',
  }),
  codeTimeoutMs: setting({
    default: 10_000,
    env: 'HOOKLINE_CODE_TIMEOUT_MS',
    type: 'integer',
    schema: { minimum: 1 },
    doc: "Time limit of one Code node run (all items, or one item); past it the node's worker is ended.",
  }),
  codeMemoryMb: setting({
    default: 128,
    env: 'HOOKLINE_CODE_MEMORY_MB',
    type: 'integer',
    schema: { minimum: 16 },
    doc: 'Heap limit of a Code node worker thread (resourceLimits); past it the worker is ended and the node fails.',
  }),
  codeWorkers: setting({
    default: 2,
    env: 'HOOKLINE_CODE_WORKERS',
    type: 'integer',
    schema: { minimum: 1 },
    doc: 'Code node worker threads at most (started on first use, so workflows without Code nodes pay nothing).',
  }),
  retryScheduleSec: setting({
    default: [60, 300, 900, 3600, 21_600, 86_400],
    env: 'HOOKLINE_RETRY_SCHEDULE_SEC',
    type: 'array',
    schema: { items: { type: 'number', minimum: 0 }, minItems: 0 },
    doc: 'Delays between attempts (comma list); the seed: 1 min, 5 min, 15 min, 1 h, 6 h, 24 h.',
  }),
  retryJitter: setting({
    default: 0.2,
    env: 'HOOKLINE_RETRY_JITTER',
    type: 'number',
    schema: { minimum: 0, maximum: 1 },
    doc: 'Each retry delay varies by up to ± this fraction.',
  }),
  retentionSec: setting({
    default: 86_400,
    env: 'HOOKLINE_RETENTION_SEC',
    type: 'integer',
    schema: { minimum: 1 },
    doc: 'Undelivered events are kept this long for an unreachable endpoint, then expire.',
  }),
  historyRetentionSec: setting({
    default: 2_592_000,
    env: 'HOOKLINE_HISTORY_RETENTION_SEC',
    flag: 'history-retention-sec',
    type: 'integer',
    schema: { minimum: 0 },
    doc: 'Finished deliveries (with their attempts and payloads), events no open delivery needs and finished executions are deleted this long (30 days) after they finished; 0 keeps them forever.',
  }),
  cleanupIntervalSec: setting({
    default: 3_600,
    env: 'HOOKLINE_CLEANUP_INTERVAL_SEC',
    flag: 'cleanup-interval-sec',
    type: 'integer',
    // A timer holds at most 2^31 - 1 ms.
    schema: { minimum: 1, maximum: 2_147_483 },
    doc: 'How often the history cleaner runs (it also runs at start), in small batches between requests.',
  }),
  rotationOverlapSec: setting({
    default: 86_400,
    env: 'HOOKLINE_ROTATION_OVERLAP_SEC',
    type: 'integer',
    schema: { minimum: 0 },
    doc: 'After a secret rotation the old secret also signs for this long.',
  }),
  leaseMs: setting({
    default: 30_000,
    env: 'HOOKLINE_LEASE_MS',
    type: 'integer',
    schema: { minimum: 100 },
    doc: 'A claimed delivery whose worker died is reclaimed after this long.',
  }),
  pollIntervalMs: setting({
    default: 250,
    env: 'HOOKLINE_POLL_INTERVAL_MS',
    type: 'integer',
    schema: { minimum: 1 },
    doc: 'How often the outbox looks for due retries when idle.',
  }),
  claimBatchSize: setting({
    default: 256,
    env: 'HOOKLINE_CLAIM_BATCH',
    type: 'integer',
    schema: { minimum: 1 },
    doc: 'Deliveries claimed from the outbox per round.',
  }),
  maxTasksPerEndpoint: setting({
    default: 2,
    env: 'HOOKLINE_MAX_TASKS_PER_ENDPOINT',
    type: 'integer',
    schema: { minimum: 1 },
    doc: 'Pool tasks (of up to 64 requests each) one endpoint may have in flight at once, so receivers that hang cannot take every slot from healthy ones.',
  }),
  poolThreads: setting({
    default: 0,
    env: 'HOOKLINE_POOL_THREADS',
    type: 'integer',
    schema: { minimum: 0 },
    doc: 'piscina worker threads for signing and sending (0 = one per core).',
  }),
  maxBacklog: setting({
    default: 0,
    env: 'HOOKLINE_MAX_BACKLOG',
    flag: 'max-backlog',
    type: 'integer',
    schema: { minimum: 0 },
    doc: 'Shed load: answer triggers 503 with Retry-After while more deliveries than this are open (0 = off).',
  }),
  deliveryBusyShare: setting({
    default: 0.15,
    env: 'HOOKLINE_DELIVERY_BUSY_SHARE',
    type: 'number',
    schema: { exclusiveMinimum: 0, maximum: 1 },
    doc: 'Least share of one core delivery may use while requests are arriving (its main-thread steps and its pool threads together); it gets more when the requests leave more of the main thread.',
  }),
  failureThreshold: setting({
    default: 5,
    env: 'HOOKLINE_FAILURE_THRESHOLD',
    type: 'integer',
    schema: { minimum: 1 },
    doc: 'Consecutive failed deliveries that open the circuit breaker.',
  }),
  recoveryProbeSec: setting({
    default: 60,
    env: 'HOOKLINE_RECOVERY_PROBE_SEC',
    type: 'integer',
    schema: { minimum: 1 },
    doc: "A failing ordered endpoint's head is tried again at least this often, whatever its backoff and circuit say; the first 2xx releases its queue.",
  }),
  disableAfterSec: setting({
    default: 432_000,
    env: 'HOOKLINE_DISABLE_AFTER_SEC',
    type: 'integer',
    schema: { minimum: 1 },
    doc: 'An endpoint failing without a success for this long (5 days) is disabled.',
  }),
} as const;

type SettingsTable = typeof SETTINGS;
type Widen<T> = T extends number
  ? number
  : T extends string
    ? string
    : T extends boolean
      ? boolean
      : T extends readonly (infer U)[]
        ? readonly Widen<U>[]
        : T;
export type HooklineConfig = { readonly [K in keyof SettingsTable]: Widen<SettingsTable[K]['default']> };
export type ConfigKey = keyof HooklineConfig;

/** The defaults, derived from the table above. */
export const DEFAULTS: HooklineConfig = Object.freeze(
  Object.fromEntries(Object.entries(SETTINGS).map(([key, spec]) => [key, spec.default])),
) as unknown as HooklineConfig;

const validateConfig = compileTextSchema({
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(
    Object.entries(SETTINGS).map(([key, spec]) => [
      key,
      { type: spec.type, default: spec.default, ...(spec.schema ?? {}) },
    ]),
  ),
});

export interface ConfigSources {
  /** Values from the command line, keyed by flag name (`port`, `log-level`). */
  flags?: Record<string, string | boolean | undefined>;
  /** The environment; defaults to none (callers pass `process.env` explicitly). */
  env?: Record<string, string | undefined>;
  /** Programmatic values; these win over flags and environment. */
  overrides?: Partial<Record<ConfigKey, unknown>>;
}

/**
 * Builds the frozen config: defaults, then environment, then flags, then overrides.
 * @throws HooklineError INVALID_CONFIG naming the setting, its source and what was expected.
 */
export function loadConfig(sources: ConfigSources = {}): HooklineConfig {
  const raw: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const [key, spec] of Object.entries(SETTINGS) as [ConfigKey, SettingSpec<unknown>][]) {
    const fromEnv = sources.env?.[spec.env];
    if (fromEnv !== undefined && fromEnv !== '')
      setFrom(raw, origin, key, parseText(fromEnv, spec.type), `environment variable ${spec.env}`);
    const fromFlag = spec.flag ? sources.flags?.[spec.flag] : undefined;
    if (fromFlag !== undefined)
      setFrom(
        raw,
        origin,
        key,
        typeof fromFlag === 'string' ? parseText(fromFlag, spec.type) : fromFlag,
        `flag --${spec.flag}`,
      );
    const fromOverride = sources.overrides?.[key];
    if (fromOverride !== undefined) setFrom(raw, origin, key, structuredClone(fromOverride), `option ${key}`);
  }
  for (const key of Object.keys(sources.overrides ?? {})) {
    if (!(key in SETTINGS))
      throw Errors.INVALID_CONFIG(`Invalid configuration: unknown setting '${key}'`, {
        details: { field: key },
      });
  }
  if (!validateConfig(raw)) {
    const error = validateConfig.errors?.[0];
    const key = (error?.instancePath ?? '').split('/')[1] ?? '';
    const source = origin[key] ?? `setting ${key}`;
    throw Errors.INVALID_CONFIG(
      `Invalid configuration: ${source} ${error?.message ?? 'is invalid'} (got ${JSON.stringify(raw[key])})`,
      {
        details: { field: key, source, expected: error?.message, received: JSON.stringify(raw[key]) },
      },
    );
  }
  return deepFreeze(raw) as unknown as HooklineConfig;
}

function setFrom(
  raw: Record<string, unknown>,
  origin: Record<string, string>,
  key: string,
  value: unknown,
  source: string,
): void {
  raw[key] = value;
  origin[key] = source;
}

/** Environment values are text: lists are comma-separated, the rest is coerced by ajv. */
function parseText(text: string, type: JsonType): unknown {
  if (type === 'array') return text.split(',').map((part) => (part.trim() === '' ? part : Number(part.trim())));
  if (type === 'boolean' && /^(yes|on|1|true)$/i.test(text)) return true;
  if (type === 'boolean' && /^(no|off|0|false)$/i.test(text)) return false;
  return text;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Flag name → setting key, for the CLI's parser. */
export function flagNames(): string[] {
  return Object.values(SETTINGS).flatMap((spec: SettingSpec<unknown>) => (spec.flag ? [spec.flag] : []));
}

/** Rows for `hookline --help` and the README's configuration table. */
export function describeSettings(): Array<{ key: string; flag: string; env: string; default: string; doc: string }> {
  return Object.entries(SETTINGS).map(([key, spec]: [string, SettingSpec<unknown>]) => ({
    key,
    flag: spec.flag ? `--${spec.flag}` : '',
    env: spec.env,
    default: JSON.stringify(spec.default),
    doc: spec.doc,
  }));
}
