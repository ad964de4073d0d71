/**
 * `GET /metrics` on a real engine, on the run's store, scraped over HTTP and parsed as Prometheus
 * text: the API key (unless public), every metric the issue names with its type, counters that
 * move with real deliveries to a real receiver, gauges read at scrape time, and labels that stay
 * bounded (no webhook id, URL or event id unless the operator opts in).
 */
import { vi } from 'vitest';
import { scoringWorkflow } from '../fixtures/workflows.js';
import { describe, expect, FAST_DELIVERY, it } from '../helpers/engine-fixture.js';
import type { TestEngine } from '../helpers/engine.js';
import { parseExposition, type Exposition } from '../helpers/prometheus.js';
import { createGate, until, untilValue } from '../helpers/wait.js';

const KEY = 'hk_metrics_admin_0123456789';
// Real engines, real sockets, two shared cores: allow for slow starts and slow answers.
vi.setConfig({ testTimeout: 90_000 });
/** How long to wait for deliveries to settle: two shared cores are often loaded by other runs. */
const WAIT_MS = 30_000;

async function scrape(running: TestEngine, key: string | null = KEY): Promise<Exposition> {
  const response = await fetch(`${running.url}/metrics`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

/** Scrapes until `accept` holds: counters move once the delivery loop has written its results. */
const scrapeUntil = (running: TestEngine, accept: (metrics: Exposition) => boolean, what: string) =>
  untilValue(() => scrape(running), accept, what, WAIT_MS);

const HOOKLINE_FAMILIES: [string, string][] = [
  ['hookline_http_requests_total', 'counter'],
  ['hookline_executions_total', 'counter'],
  ['hookline_deliveries_total', 'counter'],
  ['hookline_delivery_attempt_duration_seconds', 'histogram'],
  ['hookline_outbox_pending', 'gauge'],
  ['hookline_outbox_oldest_pending_age_seconds', 'gauge'],
  ['hookline_endpoint_circuit_open', 'gauge'],
  ['hookline_pool_utilization', 'gauge'],
  ['hookline_rule_budget_exceeded_total', 'counter'],
];

describe('GET /metrics', () => {
  it('needs the API key, in the error shape, unless HOOKLINE_METRICS_PUBLIC is set', async ({ startEngine }) => {
    const closed = await startEngine({ config: { apiKey: KEY } });
    for (const authorization of [undefined, 'Bearer wrong', 'Basic a2V5Og==']) {
      const refused = await fetch(`${closed.url}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('Bearer');
      expect(await refused.json()).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
    }
    const allowed = await fetch(`${closed.url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const open = await startEngine({ config: { apiKey: KEY, metricsPublic: true } });
    expect(parseExposition(await (await fetch(`${open.url}/metrics`)).text()).types.size).toBeGreaterThan(10);
  });

  it('serves every named metric with its type, and the process defaults', async ({ startEngine }) => {
    const running = await startEngine({ config: { apiKey: KEY } });
    const metrics = await scrape(running);
    for (const [name, type] of HOOKLINE_FAMILIES) expect([name, metrics.types.get(name)]).toEqual([name, type]);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ])
      expect(metrics.types.has(name), name).toBe(true);
    // Our counters, and only they, end in _total (prom-client names a gauge of its own so).
    for (const [name, type] of metrics.types)
      if (name.startsWith('hookline_')) expect([name, name.endsWith('_total')]).toEqual([name, type === 'counter']);
    const utilization = metrics.value('hookline_pool_utilization')!;
    expect(utilization).toBeGreaterThanOrEqual(0);
    expect(utilization).toBeLessThanOrEqual(1);
    expect(metrics.value('hookline_outbox_pending')).toBe(0);
    expect(metrics.value('hookline_outbox_oldest_pending_age_seconds')).toBe(0);
    expect(metrics.value('hookline_rule_budget_exceeded_total')).toBe(0);
  });

  it('counts deliveries, attempts, executions and requests, with bounded labels', async ({ startEngine, receiver }) => {
    const running = await startEngine({
      workflows: { scoring: scoringWorkflow() },
      config: { ...FAST_DELIVERY, apiKey: KEY },
    });
    const hookline = running.engine;
    receiver.respondWith((request) => ({ status: JSON.parse(request.body).data.fail ? 500 : 200 }));
    const { subscription } = await hookline.delivery.subscriptions.create({
      url: `${receiver.url}/hook`,
      events: ['order.completed'],
      retry_policy: { max_retries: 1 },
    });
    const events = [];
    for (let n = 1; n <= 4; n++)
      events.push((await hookline.publishEvent('order.completed', { n, fail: n === 4 })).event);
    await hookline.runManually('scoring', [{ name: 'a', score: 7 }]);
    await hookline.runManually('scoring', [{ name: 'b', score: 1 }]);
    await fetch(`${running.url}/healthz`);
    await fetch(`${running.url}/healthz`);
    await fetch(`${running.url}/api/v1/webhooks/${subscription.id}`, { headers: { authorization: `Bearer ${KEY}` } });
    await fetch(`${running.url}/no/such/${subscription.id}`);
    await fetch(`${running.url}/metrics`);

    const metrics = await scrapeUntil(
      running,
      (m) => m.value('hookline_deliveries_total', { status: 'failed' }) === 1,
      'the failed delivery counted',
    );
    expect(metrics.value('hookline_deliveries_total', { status: 'succeeded' })).toBe(3);
    const attempts = 'hookline_delivery_attempt_duration_seconds';
    expect(metrics.value(`${attempts}_count`, { outcome: 'success' })).toBe(3);
    expect(metrics.value(`${attempts}_count`, { outcome: 'failure' })).toBe(2);
    expect(metrics.value(`${attempts}_bucket`, { outcome: 'failure', le: '+Inf' })).toBe(2);
    expect(metrics.value(`${attempts}_sum`, { outcome: 'success' })).toBeGreaterThanOrEqual(0);
    expect(metrics.value('hookline_executions_total', { status: 'succeeded' })).toBe(2);
    const requests = (route: string, status: string) =>
      metrics.value('hookline_http_requests_total', { route, status });
    expect(requests('/healthz', '200')).toBe(2);
    expect(requests('/api/v1/webhooks/:id', '200')).toBe(1);
    expect(requests('unmatched', '404')).toBe(1);
    expect(requests('/metrics', '401')).toBe(1);

    // Nothing that grows with traffic or with the webhooks is a label.
    const text = await (await fetch(`${running.url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })).text();
    for (const unbounded of [subscription.id, receiver.url, new URL(receiver.url).port, ...events.map((e) => e.id)])
      expect(text).not.toContain(unbounded);
    const labelNames = new Set(
      metrics.samples.filter((s) => s.name.startsWith('hookline_')).flatMap((s) => Object.keys(s.labels)),
    );
    expect([...labelNames].sort()).toEqual(['le', 'outcome', 'route', 'status']);
  });

  it('reads the outbox backlog and the age of its oldest delivery when scraped', async ({ startEngine, receiver }) => {
    const running = await startEngine({ config: { ...FAST_DELIVERY, apiKey: KEY } });
    const gate = createGate();
    receiver.respondWith({ status: 200, after: gate.opened });
    await running.engine.delivery.subscriptions.create({ url: receiver.url, events: ['order.completed'] });
    const publishedAtMs = Date.now();
    for (let n = 1; n <= 3; n++) await running.engine.publishEvent('order.completed', { n });
    // The ordered endpoint's head is held by the receiver: all three are open.
    const [first] = await receiver.waitFor(1, WAIT_MS);
    const scrapedAtMs = Date.now();
    const held = await scrape(running);
    const doneAtMs = Date.now();
    expect(held.value('hookline_outbox_pending')).toBe(3);
    // The oldest was created after the publishing began and before the receiver got it.
    const ageMs = Math.round(held.value('hookline_outbox_oldest_pending_age_seconds')! * 1000);
    expect(ageMs).toBeGreaterThanOrEqual(scrapedAtMs - first!.receivedAtMs);
    expect(ageMs).toBeLessThanOrEqual(doneAtMs - publishedAtMs);
    gate.open();
    const drained = await scrapeUntil(running, (m) => m.value('hookline_outbox_pending') === 0, 'an empty outbox');
    expect(drained.value('hookline_outbox_oldest_pending_age_seconds')).toBe(0);
  });

  it('labels by webhook only when asked, and counts endpoints with an open circuit', async ({
    startEngine,
    receiver,
  }) => {
    // One failure opens the circuit, for as long as the next retry waits (an hour).
    const running = await startEngine({
      config: { apiKey: KEY, metricsWebhookLabels: true, failureThreshold: 1, retryScheduleSec: [3600] },
    });
    receiver.respondWith({ status: 500 });
    const { subscription } = await running.engine.delivery.subscriptions.create({
      url: receiver.url,
      events: ['order.completed'],
    });
    await running.engine.publishEvent('order.completed', { n: 1 });
    await until(
      () => (running.engine.delivery.matcher.get(subscription.id)?.subscription.circuitOpenUntilMs ?? 0) > Date.now(),
      'an open circuit',
      WAIT_MS,
    );
    const metrics = await scrapeUntil(
      running,
      (m) => m.value('hookline_delivery_attempt_duration_seconds_count', { outcome: 'failure' }) === 1,
      'the failed attempt counted',
    );
    expect(metrics.value('hookline_endpoint_circuit_open', { webhook: subscription.id })).toBe(1);
    expect(metrics.all('hookline_endpoint_circuit_open')).toHaveLength(1);
    const failed = metrics.all('hookline_delivery_attempt_duration_seconds_count')[0];
    expect(failed.labels).toEqual({ outcome: 'failure', webhook: subscription.id });
  });

  it('counts rule evaluations stopped by the work budget', async ({ startEngine, receiver }) => {
    const running = await startEngine({ config: { ...FAST_DELIVERY, apiKey: KEY } });
    let rule: unknown = { '==': [1, 1] };
    for (let i = 0; i < 8; i++) rule = { all: [{ var: '$event.data.list' }, rule] };
    await running.engine.delivery.subscriptions.create({ url: receiver.url, events: ['agent.*'], conditions: rule });
    const list = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    for (const expected of [1, 2]) {
      await running.engine.publishEvent('agent.started', { list });
      await until(
        () => running.engine.delivery.matcher.budgetExceeded === expected,
        `${expected} stopped evaluations`,
        WAIT_MS,
      );
      expect((await scrape(running)).value('hookline_rule_budget_exceeded_total')).toBe(expected);
    }
  });
});
