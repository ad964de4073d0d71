/** Every webhook: status, events, success rate, last delivery and a 24 h sparkline of deliveries. */
import { useCallback } from 'preact/hooks';
import { api, query } from '../api.js';
import { Sparkline } from '../components/Chart.js';
import { Problem } from '../components/Problem.js';
import { Status } from '../components/Status.js';
import { ago, percent } from '../format.js';
import { useLoad } from '../hooks.js';
import { useLive } from '../live.js';
import type { DeliveryPage, Webhook } from '../types.js';

const HOUR_MS = 3_600_000;

/** Deliveries per hour over the last 24 h, oldest first (from up to 500 recent deliveries). */
async function hourly(id: string, nowMs: number): Promise<number[]> {
  const page = await api<DeliveryPage>(
    'GET',
    `/webhooks/${encodeURIComponent(id)}/deliveries${query({ start: new Date(nowMs - 24 * HOUR_MS).toISOString(), limit: 500 })}`,
  );
  const buckets = new Array<number>(24).fill(0);
  for (const delivery of page.deliveries) {
    const hoursAgo = Math.floor((nowMs - Date.parse(delivery.created_at)) / HOUR_MS);
    if (hoursAgo >= 0 && hoursAgo < 24) buckets[23 - hoursAgo] += 1;
  }
  return buckets;
}

async function loadWebhooks(): Promise<{ webhook: Webhook; hours: number[] }[]> {
  const { webhooks } = await api<{ webhooks: Webhook[] }>('GET', '/webhooks?limit=100');
  const nowMs = Date.now();
  return Promise.all(webhooks.map(async (webhook) => ({ webhook, hours: await hourly(webhook.id, nowMs) })));
}

export function Webhooks() {
  const { data, error, loading, reload } = useLoad(loadWebhooks, 'webhooks');
  // Each reload reads every webhook's last day: at most one every two seconds.
  useLive(
    reload,
    useCallback(() => true, []),
    2_000,
  );
  return (
    <section aria-labelledby="webhooks-title">
      <div class="title-row">
        <h1 id="webhooks-title">Webhooks</h1>
        <a class="button" href="#/webhooks/new">
          New webhook
        </a>
      </div>
      <Problem error={error} />
      {data && data.length === 0 && <p>No webhooks yet. Create one to receive events.</p>}
      {data && data.length > 0 && (
        <div class="table-wrap">
          <table class="list" aria-busy={loading}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Events</th>
                <th scope="col">Success rate</th>
                <th scope="col">Last delivery</th>
                <th scope="col">Last 24 h</th>
              </tr>
            </thead>
            <tbody>
              {data.map(({ webhook, hours }) => {
                const stats = webhook.delivery_stats;
                return (
                  <tr key={webhook.id}>
                    <td>
                      <a href={`#/webhooks/${encodeURIComponent(webhook.id)}`}>{webhook.name}</a>
                      <div class="muted small url">{webhook.url}</div>
                    </td>
                    <td>
                      <Status value={webhook.status} />
                    </td>
                    <td class="events">{webhook.events.join(', ')}</td>
                    <td>
                      {percent(stats.successful_deliveries, stats.successful_deliveries + stats.failed_deliveries)}
                    </td>
                    <td>{ago(webhook.last_delivery)}</td>
                    <td>
                      <Sparkline
                        values={hours}
                        label={`${hours.reduce((a, b) => a + b, 0)} deliveries in the last 24 hours`}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
