/**
 * One webhook: its settings at a glance, its buttons, a chart of deliveries and response times,
 * and the attempt log with filters in the URL. New deliveries and attempts appear live.
 */
import { useCallback, useState } from 'preact/hooks';
import { api } from '../api.js';
import { DeliveryFilters, readFilter } from '../components/DeliveryFilters.js';
import { Problem } from '../components/Problem.js';
import { Code, Status } from '../components/Status.js';
import { listDeliveries } from '../deliveries.js';
import { dateTime } from '../format.js';
import { useLoad } from '../hooks.js';
import { useLive, type Notice } from '../live.js';
import type { Webhook } from '../types.js';
import { WebhookActions } from './WebhookActions.js';
import { WebhookChart } from './WebhookChart.js';

export function WebhookDetail({ id, params }: { id: string; params: URLSearchParams }) {
  const webhook = useLoad(() => api<Webhook>('GET', `/webhooks/${encodeURIComponent(id)}`), id);
  const filter = readFilter(params);
  const filterKey = JSON.stringify(filter);
  const log = useLoad(() => listDeliveries(id, filter), `${id}:${filterKey}`);
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => {
    log.reload();
    webhook.reload();
    setVersion((v) => v + 1);
  }, [log.reload, webhook.reload]);
  useLive(
    refresh,
    useCallback(
      (notice: Notice) =>
        notice.webhook_id === id ||
        (notice.kind === 'deliveries' && (!notice.webhook_ids || notice.webhook_ids.includes(id))),
      [id],
    ),
  );
  const [retryProblem, setRetryProblem] = useState<Error | null>(null);
  const retry = async (deliveryId: string) => {
    setRetryProblem(null);
    try {
      await api('POST', `/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}/retry`);
      log.reload();
    } catch (failure) {
      setRetryProblem(failure as Error);
    }
  };
  if (webhook.error) return <Problem error={webhook.error} />;
  const w = webhook.data;
  if (!w) return <p aria-busy="true">Loading…</p>;
  return (
    <section aria-labelledby="webhook-title">
      <p>
        <a href="#/webhooks">← Webhooks</a>
      </p>
      <div class="title-row">
        <h1 id="webhook-title">{w.name}</h1>
        <Status value={w.status} />
      </div>
      <dl class="facts">
        <dt>URL</dt>
        <dd class="url">{w.url}</dd>
        <dt>Events</dt>
        <dd>{w.events.join(', ')}</dd>
        {w.disabled_reason && (
          <>
            <dt>Disabled because</dt>
            <dd>{w.disabled_reason}</dd>
          </>
        )}
        {w.organization && (
          <>
            <dt>Organization</dt>
            <dd>{w.organization}</dd>
          </>
        )}
        {typeof w.profile === 'string' && (
          <>
            <dt>Profile</dt>
            <dd>{w.profile}</dd>
          </>
        )}
      </dl>
      <WebhookActions webhook={w} onChanged={webhook.reload} />
      <h2>Deliveries and response times</h2>
      <WebhookChart id={id} version={version} />
      <h2 id="log-title">Attempt log</h2>
      <DeliveryFilters filter={filter} eventTypes={w.events.filter((e) => !e.includes('*'))} key={filterKey} />
      <Problem error={log.error ?? retryProblem} />
      {log.data && log.data.length === 0 && <p>No deliveries match.</p>}
      {log.data && log.data.length > 0 && (
        <div class="table-wrap">
          <table class="list" aria-labelledby="log-title" aria-busy={log.loading}>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Response</th>
                <th scope="col">Attempts</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {log.data.map((d) => (
                <tr key={d.id} data-delivery={d.id}>
                  <td>{dateTime(d.created_at)}</td>
                  <td>{d.event}</td>
                  <td>
                    <Status value={d.status} />
                  </td>
                  <td>{d.attempts > 0 ? <Code code={d.last_status_code} /> : '—'}</td>
                  <td>{d.attempts}</td>
                  <td class="row-actions">
                    <a href={`#/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(d.id)}`}>
                      Details<span class="sr-only"> of {d.id}</span>
                    </a>
                    <button type="button" class="secondary small" onClick={() => void retry(d.id)}>
                      Retry<span class="sr-only"> {d.id}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
