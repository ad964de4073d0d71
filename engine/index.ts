/**
 * The standalone engine: `createEngine(config)` wires the store, the node host, the workflow
 * files and the HTTP server; `start()` and `stop()` bring them up and down in order.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { IDataObject, INodeType } from 'n8n-workflow';
import type { HooklineConfig } from './config.js';
import { TUNING } from './tuning.js';
import { newExecution } from './workflow/execution-record.js';
import { createEvent } from './events/envelope.js';
import { getEventSpec } from './events/catalog.js';
import { eventOrganization, withOrganization } from './events/organization.js';
import { Errors } from './errors.js';
import { createDeliverySystem, type DeliverySystem } from './delivery/index.js';
import type { Dispatcher } from './pool/types.js';
import { createDispatcher } from './pool/dispatcher.js';
import { createFailedAuthLimiter } from './ingress/failed-auth.js';
import { registerJsonBody } from './ingress/json-body.js';
import { createServer } from './ingress/server.js';
import { createTriggerTable } from './ingress/trigger-table.js';
import { registerTriggerRoutes } from './ingress/triggers.js';
import { registerReceiveRoute } from './api/receive.js';
import { createApiKeyCheck } from './api/api-keys.js';
import { registerApi } from './api/index.js';
import type { PublishedEvent, PublishIdempotency } from './api/context.js';
import { createEventTypeRegistry } from './api/event-type-registry.js';
import { createLiveFeed } from './api/live-feed.js';
import { registerMetricsRoute } from './api/metrics-route.js';
import { createMetrics, type Metrics } from './metrics/index.js';
import { createLogger, type Logger } from './logger.js';
import { createGroupCommitter, type GroupCommitter } from './store/group-commit.js';
import { createStore } from './store/create-store.js';
import { createHistoryCleaner, type HistoryCleaner } from './store/history-cleaner.js';
import type { Store } from './store/types.js';
import { readCredentialsFile } from './workflow/credentials-file.js';
import { createExecutor, type ExecutionOutcome, type Executor } from './workflow/executor.js';
import { acceptedEvents } from './workflow/lifecycle-events.js';
import { workflowOrganization } from './workflow/organization.js';
import { createWorkflowFolder, type WorkflowFolder } from './workflow/live-folder.js';
import { createNodeTypeRegistry } from './workflow/node-types.js';
import { createStopper, type StopResult } from './workflow/stopping.js';
import { createScheduler, type Scheduler } from './workflow/schedules.js';
import { createWaitResumer } from './workflow/wait-resumer.js';
import { createCredentialCache, type CredentialCache } from './workflow/credential-cache.js';
import type { LoadedWorkflow, NodeTypeRegistry } from './workflow/types.js';
import type { WorkflowProblem } from './workflow/validate.js';
import { packageNodeTypes } from './workflow/package-nodes.js';
import { createCoreNodeServices } from './workflow/core-nodes/services.js';

export interface EngineOptions {
  config: HooklineConfig;
  /** Environment for `$env:` credential references. @defaultValue process.env */
  env?: Record<string, string | undefined>;
  log?: Logger;
  /** Extra node types by type name (tests, embedders). */
  nodeTypes?: Record<string, INodeType>;
  /** Sends deliveries; defaults to the piscina pool. */
  dispatcher?: Dispatcher;
}

export interface Engine {
  readonly config: HooklineConfig;
  readonly log: Logger;
  readonly store: Store;
  readonly registry: NodeTypeRegistry;
  readonly executor: Executor;
  readonly committer: GroupCommitter;
  readonly server: FastifyInstance;
  readonly delivery: DeliverySystem;
  /** Deletes history older than `historyRetentionSec`, at start and every `cleanupIntervalSec`. */
  readonly cleaner: HistoryCleaner;
  /** Prometheus metrics, served at `GET /metrics`. */
  readonly metrics: Metrics;
  /** Decrypted credentials in memory; clear after changing stored credentials. */
  readonly credentialCache: CredentialCache;
  readonly workflows: ReadonlyMap<string, LoadedWorkflow>;
  /** Problems of the workflow files as last loaded (a refused file keeps its previous version, if any). */
  readonly problems: readonly WorkflowProblem[];
  /** The workflow folder: `events` emits `reload` after each load (with `--watch`, on every change). */
  readonly folder: WorkflowFolder;
  /** The schedule triggers of the served workflows (running between `start()` and `stop()`). */
  readonly schedules: Scheduler;
  start(): Promise<{ url: string }>;
  stop(): Promise<void>;
  /**
   * Publishes an event: durable, and fanned out to matching subscriptions in the same write. With
   * `idempotency`, a repeat of the key within `idempotencyWindowSec` answers with the first event
   * (`duplicate: true`) and writes nothing; the same key with another request is a CONFLICT.
   */
  publishEvent(
    type: string,
    data: unknown,
    metadata?: Record<string, unknown>,
    idempotency?: PublishIdempotency,
  ): Promise<PublishedEvent>;
  /** Runs a workflow from its manual trigger (or first trigger) with the given items. */
  runManually(workflowId: string, items: IDataObject[]): Promise<ExecutionOutcome>;
  /** Stops a queued or running execution (see `workflow/stopping.ts`). */
  stopExecution(executionId: string): Promise<StopResult>;
}

/**
 * Which events the committer writes. Most lifecycle events (six rows a run) go to no webhook and
 * nothing reads them, and they were most of a request's write cost. With `eventHistory: subscribed`
 * such an event is written only when some webhook's patterns take its type: only then can it be
 * delivered, or replayed later (a webhook gets and replays the events that happen once it exists).
 * On SQLite this process's matcher knows every webhook the moment it is saved. On PostgreSQL another
 * process's new webhook reaches this one a moment later, so every event is written there.
 */
function lifecycleRowsWanted(
  config: HooklineConfig,
  hasPatternFor: (type: string) => boolean,
): ((type: string) => boolean) | undefined {
  if (config.eventHistory === 'all' || config.databaseUrl) return undefined;
  return (type) => getEventSpec(type)?.source !== 'engine' || hasPatternFor(type);
}

export function createEngine(options: EngineOptions): Engine {
  const { config } = options;
  const env = options.env ?? process.env;
  const log = options.log ?? createLogger(config.logLevel);
  // This process's name in a shared store: its delivery leases and its executions carry it.
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const store = createStore(config, owner, log);
  const registry = createNodeTypeRegistry({ ...packageNodeTypes(), ...options.nodeTypes });
  const dispatcher = options.dispatcher ?? createDispatcher({ threads: config.poolThreads });
  const committer = createGroupCommitter({
    store,
    windowMs: config.commitWindowMs,
    onListenerError: (error) => log.error({ err: error }, 'after-commit hook failed; the write stands'),
    keepEventType: lifecycleRowsWanted(config, (type) => delivery.matcher.hasPatternFor(type)),
  });
  // The gauges read the delivery system when scraped, by then long made.
  const metrics = createMetrics({
    webhookLabels: config.metricsWebhookLabels,
    reads: {
      outboxPending: () => delivery.outboxPending(),
      oldestPendingAtMs: () => store.outbox.oldestOpenAtMs(),
      openCircuits: (nowMs) => delivery.openCircuits(nowMs),
      poolUtilization: () => dispatcher.utilization ?? 0,
      ruleBudgetExceeded: () => delivery.matcher.budgetExceeded,
    },
  });
  // What /api/v1/stream tells the dashboard: fed by the observers the engine already has.
  const feed = createLiveFeed((error) => log.error({ err: error }, 'live stream listener failed'));
  const delivery: DeliverySystem = createDeliverySystem({
    store,
    config,
    dispatcher,
    log,
    owner,
    committer,
    recorder: feed.deliveryRecorder(metrics),
    onDeliveriesWritten: (ids) => feed.publish({ kind: 'deliveries', webhook_ids: ids }),
  });
  committer.onCommitted(delivery.afterCommit);
  committer.onCommitted(feed.committed);
  const cleaner = createHistoryCleaner({
    store,
    retentionSec: config.historyRetentionSec,
    intervalSec: config.cleanupIntervalSec,
    batchRows: TUNING.history.batchRows,
    vacuumPages: TUNING.history.vacuumPages,
    log,
  });
  const credentials = createCredentialCache(store);
  const coreServices = createCoreNodeServices(config, log);
  const executor = createExecutor({
    core: coreServices,
    committer,
    registry,
    log,
    resolveCredential: credentials.resolve,
    sendWebhook: delivery.sendFromNode,
    recorder: feed.executionRecorder(metrics),
    conversations: store,
    onParked: (resumeAtMs) => waits.wake(resumeAtMs),
  });
  const workflows = new Map<string, LoadedWorkflow>();
  const problems: WorkflowProblem[] = [];
  const stopper = createStopper({ store, executor, workflows, staleMs: config.executionLeaseSec * 1000, log });
  // Schedule triggers run while their workflows are served; parked executions (Wait) resume when due.
  const schedules = createScheduler({ registry, committer, executor, log });
  const waits = createWaitResumer({
    store,
    executor,
    committer,
    workflows,
    staleMs: config.executionLeaseSec * 1000,
    pollMs: config.waitPollMs,
    log,
  });
  let state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  const server = createServer({
    log,
    bodyLimitBytes: config.bodyLimitBytes,
    headersTimeoutMs: config.headersTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    connectionTimeoutMs: config.connectionTimeoutMs,
    keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    isReady: async () => state === 'running' && (await store.ping(), true),
  });
  const triggers = createTriggerTable(registry);
  const folder = createWorkflowFolder({
    dir: config.workflowsDir,
    registry,
    store,
    committer,
    workflows,
    problems,
    onServed: (served) => {
      // `served` may be a one-pass iterator: each reader gets its own copy.
      const list = [...served];
      triggers.rebuild(list);
      schedules.sync(list);
    },
    debounceMs: config.watchDebounceMs,
    log,
  });
  let baseUrl = '';
  // Any request (trigger, API, health) tells delivery to keep to its share (delivery/pacer.ts).
  server.addHook('onRequest', (_request, _reply, done) => {
    delivery.noteForeground();
    done();
  });
  registerJsonBody(server, { maxJsonDepth: config.maxJsonDepth });
  const failedAuth = createFailedAuthLimiter({
    limit: config.failedAuthLimit,
    windowSec: config.failedAuthWindowSec,
    counters: store.counters,
    log,
  });
  registerTriggerRoutes(server, {
    table: triggers,
    store,
    committer,
    executor,
    resolveCredential: credentials.resolve,
    rateLimitPerMinute: config.rateLimitPerMinute,
    failedAuth,
    idempotencyWindowSec: config.idempotencyWindowSec,
    respondTimeoutMs: config.respondTimeoutMs,
    baseUrl: () => baseUrl,
    shedSeconds: delivery.shedSeconds,
    maxBacklog: config.maxBacklog,
  });
  const apiKeys = createApiKeyCheck(store, config.apiKey, failedAuth);
  registerReceiveRoute(server, { committer, apiKeys });
  registerMetricsRoute(server, { metrics, apiKeys, isPublic: config.metricsPublic });

  async function setWorkflowActive(id: string, active: boolean): Promise<LoadedWorkflow> {
    const current = workflows.get(id);
    if (!current) throw Errors.NOT_FOUND(`Workflow '${id}' not found`);
    if (current.active === active) return current;
    await store.setWorkflowActive(id, active);
    const next = { ...current, active };
    workflows.set(id, next);
    triggers.rebuild(workflows.values());
    schedules.sync(workflows.values());
    await committer.submit({
      acknowledged: true,
      events: withOrganization(
        [
          createEvent('workflow.updated', {
            workflow: { id, name: next.name, active },
            workflowId: id,
            workflow_id: id,
            active,
          }),
        ],
        workflowOrganization(next.definition),
      ),
    });
    return next;
  }

  async function loadState(): Promise<void> {
    const dir = resolve(config.workflowsDir);
    const credentialsFile = config.credentialsFile || join(dir, 'credentials.json');
    if (config.credentialsFile || existsSync(credentialsFile)) {
      for (const credential of await readCredentialsFile(credentialsFile, env))
        await store.upsertCredential(credential);
    }
    await folder.load();
    if (config.watch) await folder.watch();
  }

  /**
   * Executions a process left queued or running when it died run again here: at-least-once,
   * nothing accepted is lost. On a shared store that is any process that stopped heartbeating;
   * on the embedded one, the previous run of this one.
   */
  async function recoverExecutions(): Promise<void> {
    const nowMs = Date.now();
    await store.heartbeat(nowMs);
    const staleMs = config.executionLeaseSec * 1000;
    const orphans = await store.claimOrphanedExecutions(nowMs, staleMs, TUNING.recovery.unfinishedExecutions);
    for (const execution of orphans) {
      const workflow = workflows.get(execution.workflowId);
      if (!workflow) continue;
      log.warn({ executionId: execution.id, workflowId: workflow.id }, 'resuming an execution its process left');
      void executor.run({ workflow, execution, startOutput: [itemsOf(execution.input)] });
    }
  }
  let heartbeat: NodeJS.Timeout | null = null;
  let stopPolling = (): void => undefined;

  function runManually(workflowId: string, items: IDataObject[]): Promise<ExecutionOutcome> {
    return executor.track(acceptAndRun(workflowId, items));
  }

  async function acceptAndRun(workflowId: string, items: IDataObject[]): Promise<ExecutionOutcome> {
    const workflow = workflows.get(workflowId);
    if (!workflow) throw Errors.NOT_FOUND(`Workflow '${workflowId}' not found`);
    const trigger =
      workflow.definition.nodes.find((node) => node.type.endsWith('manualTrigger')) ??
      workflow.definition.nodes.find(
        (node) =>
          // A type with no outputs (a Sticky Note) starts nothing.
          !isOutputless(registry, node.type) &&
          !Object.values(workflow.definition.connections).some((c) =>
            (c.main ?? []).some((t) => t?.some((x) => x.node === node.name)),
          ),
      );
    const execution = newExecution(workflow.id, trigger?.name ?? null, 'manual', items);
    await committer.submit({
      acknowledged: true,
      executions: [
        {
          record: execution,
          events: withOrganization(
            acceptedEvents({ workflow, execution }),
            workflowOrganization(workflow.definition, execution.triggerNode),
          ),
        },
      ],
    });
    return executor.run({ workflow, execution, startOutput: [itemsOf(items)] });
  }

  async function publishEvent(
    type: string,
    data: unknown,
    metadata?: Record<string, unknown>,
    idempotency?: PublishIdempotency,
  ): Promise<PublishedEvent> {
    const event = createEvent(type, data, metadata);
    if (!idempotency) {
      await committer.submit({ acknowledged: true, events: [event] });
      // The fan-out writes the deliveries right after; the count is what the subscriptions say now.
      return { event, deliveries: delivery.countMatches(event), duplicate: false };
    }
    // Each organization has its own keys: one reusing another's key must neither be answered with
    // the other's event nor refused for it. Keys are printable, so a control character separates.
    const organization = eventOrganization(event);
    const keyed = {
      event,
      ...idempotency,
      idempotencyKey:
        organization === null ? idempotency.idempotencyKey : `${organization}\u001f${idempotency.idempotencyKey}`,
      idempotencyWindowSec: config.idempotencyWindowSec,
    };
    const committed = await committer.submit({ acknowledged: true, keyedEvents: [keyed] });
    const standing = committed.eventIds.get(event.id)!;
    if (!standing.duplicate) return { event, deliveries: delivery.countMatches(event), duplicate: false };
    if (standing.requestHash !== idempotency.requestHash)
      throw Errors.CONFLICT(`Idempotency-Key '${idempotency.idempotencyKey}' was already used with another request`, {
        details: { idempotency_key: idempotency.idempotencyKey, event_id: standing.id },
      });
    const first = (await store.getEvent(standing.id)) ?? { ...event, id: standing.id };
    return { event: first, deliveries: delivery.countMatches(first), duplicate: true };
  }

  return {
    publishEvent,
    config,
    log,
    store,
    registry,
    executor,
    committer,
    server,
    workflows,
    problems,
    folder,
    schedules,
    runManually,
    stopExecution: stopper.stop,
    delivery,
    cleaner,
    metrics,
    credentialCache: credentials,
    async start() {
      if (state !== 'new') throw new Error(`engine cannot start from state ${state}`);
      await store.migrate();
      cleaner.start();
      await delivery.start();
      await loadState();
      await registerApi(server, {
        config,
        store,
        delivery,
        apiKeys,
        feed,
        registry,
        workflows,
        problems,
        setWorkflowActive,
        publishEvent,
        eventTypes: createEventTypeRegistry({ store, log, maxEventTypes: config.maxEventTypes }),
        stopExecution: stopper.stop,
      });
      const address = await server.listen({ port: config.port, host: config.host });
      baseUrl = address;
      state = 'running';
      await recoverExecutions();
      heartbeat = setInterval(
        () => {
          recoverExecutions().catch((error: unknown) => log.error({ err: error }, 'heartbeat failed'));
        },
        (config.executionLeaseSec * 1000) / 3,
      );
      heartbeat.unref();
      stopPolling = stopper.pollEvery(config.executionStopPollMs);
      schedules.start();
      waits.start();
      log.info({ address, store: store.kind }, 'hookline is listening');
      return { url: address };
    },
    async stop() {
      if (state === 'stopping' || state === 'stopped') return;
      state = 'stopping';
      if (heartbeat) clearInterval(heartbeat);
      stopPolling();
      schedules.stop();
      waits.stop();
      await folder.close();
      await cleaner.stop();
      // Stop accepting, then let in-flight work finish (bounded), then close the store.
      await server.close();
      await Promise.race([executor.idle(), new Promise((r) => setTimeout(r, config.shutdownTimeoutMs).unref())]);
      await committer.flush();
      await delivery.stop();
      await committer.flush();
      await coreServices.close();
      await store.close();
      state = 'stopped';
    },
  };
}

function itemsOf(input: unknown): { json: IDataObject }[] {
  const list = Array.isArray(input) ? input : [input ?? {}];
  return list.map((json) => ({ json: json as IDataObject }));
}

export { loadConfig, DEFAULTS, type HooklineConfig } from './config.js';
export { HooklineError, ERROR_CODES, type ErrorCode } from './errors.js';
export { EVENT_CATALOG, type EventType } from './events/catalog.js';
export type { EventEnvelope } from './events/envelope.js';
export {
  Hookline,
  HooklineApiError,
  verifyWebhook,
  WebhookVerificationError,
  type HooklineOptions,
  type VerifyWebhookOptions,
} from './sdk/index.js';
export {
  type Webhook,
  type WebhookInput,
  type WebhookWithSecret,
  type Delivery,
  type DeliveryDetail,
} from './sdk/index.js';

/** A node type with no outputs (n8n's Sticky Note): never a start node. */
function isOutputless(registry: NodeTypeRegistry, type: string): boolean {
  const outputs = registry.get(type)?.description.outputs;
  return Array.isArray(outputs) && outputs.length === 0;
}
