/** Deliveries per interval and their mean response time, from the webhook's recent log rows. */
import { useMemo } from 'preact/hooks';
import { api } from '../api.js';
import { TimeChart, type Series } from '../components/Chart.js';
import { useLoad } from '../hooks.js';
import type { LogRow } from '../types.js';

const BUCKETS = 24;

export function bucketLog(rows: LogRow[], nowMs: number) {
  const oldest = rows.reduce((min, row) => Math.min(min, Date.parse(row.timestamp)), nowMs - 3_600_000);
  const stepMs = Math.max(60_000, Math.ceil((nowMs - oldest) / BUCKETS));
  const times = Array.from({ length: BUCKETS }, (_, i) => Math.floor((nowMs - (BUCKETS - i) * stepMs) / 1000));
  const counts = new Array<number>(BUCKETS).fill(0);
  const totalMs = new Array<number>(BUCKETS).fill(0);
  const timed = new Array<number>(BUCKETS).fill(0);
  for (const row of rows) {
    const index = BUCKETS - 1 - Math.floor((nowMs - Date.parse(row.timestamp)) / stepMs);
    if (index < 0 || index >= BUCKETS) continue;
    counts[index] += 1;
    if (row.response_time_ms !== null) {
      totalMs[index] += row.response_time_ms;
      timed[index] += 1;
    }
  }
  const means = totalMs.map((ms, i) => (timed[i] ? Math.round(ms / timed[i]) : null));
  return { times, counts, means };
}

export function WebhookChart({ id, version }: { id: string; version: number }) {
  const { data } = useLoad(
    () => api<{ logs: LogRow[] }>('GET', `/webhooks/${encodeURIComponent(id)}/logs?limit=500`),
    `${id}:${version}`,
  );
  const chart = useMemo(() => {
    if (!data) return null;
    const { times, counts, means } = bucketLog(data.logs, Date.now());
    const series: Series[] = [
      { label: 'Deliveries', values: counts, bars: true },
      { label: 'Mean response (ms)', values: means, right: true },
    ];
    const timedMeans = means.filter((m): m is number => m !== null);
    const summary = `${counts.reduce((a, b) => a + b, 0)} deliveries in the chart; mean response ${
      timedMeans.length ? Math.round(timedMeans.reduce((a, b) => a + b, 0) / timedMeans.length) : 0
    } ms`;
    return { times, series, summary };
  }, [data]);
  if (!chart) return null;
  return <TimeChart times={chart.times} series={chart.series} summary={chart.summary} />;
}
