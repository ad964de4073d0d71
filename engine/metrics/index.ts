/**
 * The engine's Prometheus metrics (prom-client), served at `GET /metrics`: counters and a histogram
 * the other modules update as things happen, and gauges read at scrape time. Each engine has its
 * own registry, so several engines in one process (tests, embedders) never share a count; the
 * process's own figures come from process-metrics.ts.
 *
 * Labels are bounded: a route template (never the URL), a status, an outcome. The webhook id is a
 * label only when the operator opts in (`HOOKLINE_METRICS_WEBHOOK_LABELS`): one series per webhook
 * grows with their number. No URL and no event id is ever a label.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AttemptRecord, DeliveryRecord, DeliveryTransition } from '../store/records.js';
import type { ExecutionStatus } from '../store/types.js';
import { TUNING } from '../tuning.js';
import { processMetrics } from './process-metrics.js';

/** What the delivery loop reports, once its writes are durable (engine/delivery/outbox-worker.ts). */
export interface DeliveryRecorder {
  /** One endpoint's attempt results: the attempts, and each delivery's new state. */
  settled(subscriptionId: string, transitions: readonly DeliveryTransition[], attempts: readonly AttemptRecord[]): void;
  /** Deliveries that ran out of their retention window waiting. */
  expired(deliveries: readonly DeliveryRecord[]): void;
}

/** What the executor reports when a run's result is durable. */
export interface ExecutionRecorder {
  executionFinished(status: ExecutionStatus): void;
}

/** The figures read at scrape time, from the parts that own them. */
export interface MetricsReads {
  /** Open deliveries plus events waiting for their fan-out. */
  outboxPending(): Promise<number>;
  /** When the oldest open delivery was created, or null when none is open. */
  oldestPendingAtMs(): Promise<number | null>;
  /** Ids of the endpoints whose circuit breaker is open at `nowMs`. */
  openCircuits(nowMs: number): string[];
  /** The pool's utilization, 0..1. */
  poolUtilization(): number;
  /** Rule evaluations stopped by the work budget since start. */
  ruleBudgetExceeded(): number;
}

export interface MetricsOptions {
  reads: MetricsReads;
  /** Adds a `webhook` label (the subscription id) to the per-delivery metrics. @defaultValue false */
  webhookLabels?: boolean;
}

export interface Metrics extends DeliveryRecorder, ExecutionRecorder {
  /** Counts one answered HTTP request by its route template (`unmatched` when none matched). */
  requestAnswered(route: string, status: number): void;
  /** The Prometheus text of this engine's metrics and the process's. */
  render(): Promise<string>;
  readonly contentType: string;
}

const FINAL = new Set<DeliveryTransition['status']>(['succeeded', 'failed', 'expired']);

export function createMetrics(options: MetricsOptions): Metrics {
  const { reads } = options;
  const registry = new Registry();
  const registers = [registry];
  const perWebhook = options.webhookLabels === true;
  /** The delivery labels, with the webhook's id only when the operator asked for it. */
  const labelled = <T extends Record<string, string>>(subscriptionId: string, labels: T) =>
    perWebhook ? { ...labels, webhook: subscriptionId } : labels;
  const webhook = perWebhook ? (['webhook'] as const) : [];

  const httpRequests = new Counter({
    name: 'hookline_http_requests_total',
    help: 'HTTP requests answered, by route template and status code.',
    labelNames: ['route', 'status'] as const,
    registers,
  });
  const executions = new Counter({
    name: 'hookline_executions_total',
    help: 'Workflow and agent executions finished, by final status.',
    labelNames: ['status'] as const,
    registers,
  });
  const deliveries = new Counter({
    name: 'hookline_deliveries_total',
    help: 'Deliveries that reached a final state: succeeded, failed (retries exhausted or refused) or expired.',
    labelNames: ['status', ...webhook],
    registers,
  });
  const attemptDuration = new Histogram({
    name: 'hookline_delivery_attempt_duration_seconds',
    help: 'Time from sending a delivery attempt to its answer (or error), by outcome.',
    labelNames: ['outcome', ...webhook],
    buckets: [...TUNING.metrics.attemptBucketsSec],
    registers,
  });
  registerGauges(registers, reads, perWebhook);

  const merged = Registry.merge([registry, processMetrics()]);
  // Every request counts: each (route, status) pair's series is looked up once, not hashed per request.
  const requestSeries = new Map<string, { inc(): void }>();
  return {
    requestAnswered(route, status) {
      const key = `${status} ${route}`;
      let series = requestSeries.get(key);
      if (!series) requestSeries.set(key, (series = httpRequests.labels({ route, status: String(status) })));
      series.inc();
    },
    executionFinished(status) {
      executions.inc({ status });
    },
    settled(subscriptionId, transitions, attempts) {
      for (const t of transitions)
        if (FINAL.has(t.status)) deliveries.inc(labelled(subscriptionId, { status: t.status }));
      for (const a of attempts) {
        // The attempt's error is null exactly when the receiver answered 2xx (settle.ts).
        const outcome = a.error === null ? 'success' : 'failure';
        attemptDuration.observe(labelled(subscriptionId, { outcome }), a.responseTimeMs / 1000);
      }
    },
    expired(rows) {
      for (const row of rows) deliveries.inc(labelled(row.subscriptionId, { status: 'expired' }));
    },
    render: () => merged.metrics(),
    contentType: merged.contentType,
  };
}

/** The gauges (and the budget counter) that read their value when scraped. */
function registerGauges(registers: Registry[], reads: MetricsReads, perWebhook: boolean): void {
  new Gauge({
    name: 'hookline_outbox_pending',
    help: 'Deliveries open (pending, retrying, in flight) plus events waiting for their fan-out.',
    registers,
    async collect() {
      this.set(await reads.outboxPending());
    },
  });
  new Gauge({
    name: 'hookline_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest open delivery (0 when none is open).',
    registers,
    async collect() {
      const oldestMs = await reads.oldestPendingAtMs();
      this.set(oldestMs === null ? 0 : Math.max(0, Date.now() - oldestMs) / 1000);
    },
  });
  new Gauge({
    name: 'hookline_endpoint_circuit_open',
    help: perWebhook
      ? 'Endpoints whose circuit breaker is open (1 per webhook).'
      : 'Endpoints whose circuit breaker is open.',
    labelNames: perWebhook ? ['webhook'] : [],
    registers,
    collect() {
      const open = reads.openCircuits(Date.now());
      this.reset();
      if (!perWebhook) return void this.set(open.length);
      for (const id of open) this.set({ webhook: id }, 1);
    },
  });
  new Gauge({
    name: 'hookline_pool_utilization',
    help: 'Utilization of the piscina pool that signs and sends deliveries, 0..1 (0 when sending inline).',
    registers,
    collect() {
      this.set(reads.poolUtilization());
    },
  });
  let counted = 0;
  new Counter({
    name: 'hookline_rule_budget_exceeded_total',
    help: 'Rule evaluations stopped by the work budget (each counted as no match).',
    registers,
    collect() {
      // The matcher keeps the count; the counter moves by what it added since the last scrape.
      const total = reads.ruleBudgetExceeded();
      if (total > counted) this.inc(total - counted);
      counted = total;
    },
  });
}
